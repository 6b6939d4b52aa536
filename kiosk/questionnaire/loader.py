"""Reading a questionnaire file: YAML with line numbers, every problem as ``PATH:LINE: message``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kiosk.questionnaire.checks import Problem, check_questionnaire, identity_warnings
from kiosk.questionnaire.model import ITEM_TYPES, Item, ItemBase, Questionnaire
from kiosk.questionnaire.suggest import closest
from kiosk.questionnaire.yaml_errors import locate

MAX_FILE_BYTES = 2_000_000
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class FileProblem:
    """One problem in one file, at one line (1-based), ready to print."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


@dataclass
class LoadResult:
    questionnaire: Questionnaire | None
    problems: list[FileProblem] = field(default_factory=list)
    document: Any = None  # the file as read, with line numbers (ruamel), when it parsed
    cases_passed: int | None = None  # test cases run and passed, when they were run

    @property
    def errors(self) -> list[FileProblem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[FileProblem]:
        return [p for p in self.problems if p.warning]


class QuestionnaireError(Exception):
    """A questionnaire file that cannot be used; ``str()`` lists every problem, one per line."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load a file or raise :class:`QuestionnaireError` naming every problem with its line."""
    result = read_questionnaire(path)
    if result.questionnaire is None:
        raise QuestionnaireError(result.errors)
    return result.questionnaire


def read_questionnaire(path: str | Path, identity: bool = False) -> LoadResult:
    """Parse and check a file, collecting errors and warnings instead of raising.

    ``identity`` adds a warning for a name or birth date no item holds (``kiosk validate``).
    """
    text, problems = read_text(path)
    if text is None:
        return LoadResult(None, problems)
    return parse_questionnaire(text, str(path), identity)


def read_text(path: str | Path) -> tuple[str | None, list[FileProblem]]:
    """A staff-edited file's text, or the problem that stops it being read."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        return None, [FileProblem(name, 0, f"cannot read the file: {error.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [FileProblem(name, 0, "the file is larger than 2 MB")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [FileProblem(name, line, "the file is not UTF-8 text")]


def parse_yaml(text: str, name: str, lines: bool = True) -> tuple[Any, list[FileProblem]]:
    """The YAML document, or the one syntax problem, placed where it starts.

    With ``lines`` its maps and lists know their lines (for messages); without, it reads
    about three times faster, for a second reading only when something must be reported.
    """
    try:
        return YAML(typ="rt" if lines else "safe", pure=True).load(text), []
    except MarkedYAMLError as error:
        mistake = locate(text, error)
        return None, [FileProblem(name, mistake.line, f"YAML syntax: {mistake.message}")]
    except RecursionError:
        return None, [FileProblem(name, 1, "YAML syntax: the file is nested too deeply to be "
                                           "a questionnaire")]
    except (YAMLError, ValueError) as error:
        return None, [FileProblem(name, 1, f"YAML syntax: {error}")]


def parse_questionnaire(text: str, name: str = "<questionnaire>",
                        identity: bool = False) -> LoadResult:
    data, syntax = parse_yaml(text, name)
    if syntax:
        return LoadResult(None, syntax)
    if not isinstance(data, dict):
        return LoadResult(None, [FileProblem(name, 1, "the file must be a mapping with id, "
                                                      "version, title and sections")])
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as error:
        # Still run the cross-item checks on what did parse, so staff see every problem at once.
        salvaged = _salvage(data)
        checked = check_questionnaire(salvaged) if salvaged is not None else []
        problems = _schema_problems(error, data, name) + [
            _located(name, data, p) for p in checked if not p.warning
        ]
        return LoadResult(None, sorted(problems, key=lambda p: p.line), data)
    checked = check_questionnaire(questionnaire)
    if identity and all(p.warning for p in checked):  # a broken file has worse to fix first
        checked += identity_warnings(questionnaire)
    problems = [_located(name, data, p) for p in checked]
    errors = [p for p in problems if not p.warning]
    return LoadResult(None if errors else questionnaire, problems, data)


_ITEM = TypeAdapter(Item)
_PLACEHOLDER_TOP = {"id": "placeholder", "version": 1, "title": "-"}


def _salvage(data: dict[str, Any]) -> Questionnaire | None:
    """The file with each broken item replaced by an inert stand-in at the same place.

    Keeping indices lets problems found in the salvage point at the right lines.
    """
    sections = data.get("sections")
    if not isinstance(sections, list):
        return None
    salvaged_sections = []
    for s, section in enumerate(sections):
        if not isinstance(section, dict) or not isinstance(section.get("items"), list):
            return None
        items: list[Any] = []
        for i, item in enumerate(section["items"]):
            try:
                items.append(_ITEM.validate_python(item))
            except ValidationError:
                item_id = item.get("id") if isinstance(item, dict) else None
                if not isinstance(item_id, str) or not _IDENTIFIER.match(item_id):
                    item_id = f"unreadable_item_{s}_{i}"
                items.append({"id": item_id, "type": "text", "label": "-"})
        salvaged_sections.append({"id": f"section_{s}", "title": "-", **_valid_part(
            section, ("id", "title")), "items": items})
    top = {**_PLACEHOLDER_TOP, **_valid_part(data, ("id", "version", "title", "languages")),
           "sections": salvaged_sections}
    try:
        return Questionnaire.model_validate(top)
    except ValidationError:
        return None


def _valid_part(node: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: node[key] for key in keys if isinstance(node.get(key), str | int | list)
            and not isinstance(node.get(key), bool)}


def _located(name: str, data: Any, problem: Problem) -> FileProblem:
    """Place a cross-item problem at its line, naming its item if the message does not."""
    message = problem.message
    if not message.startswith(("item ", "section ", "score ")):
        message = f"{_describe(data, problem.path)}{message}"
    return FileProblem(name, line_of(data, problem.path), message, problem.warning)


def _schema_problems(error: ValidationError, data: Any, name: str) -> list[FileProblem]:
    problems: dict[tuple[int, str], FileProblem] = {}
    for detail in error.errors(include_url=False):
        path, node = _real_path(data, detail["loc"])
        if detail["type"] == "union_tag_invalid":
            path = (*path, "type")
        message = f"{_describe(data, path)}{_explain(detail, node)}"
        line = line_of(data, path)
        problems.setdefault((line, message), FileProblem(name, line, message))
    return sorted(problems.values(), key=lambda p: p.line)


def _real_path(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
    """Drop the parts of a pydantic location that are not in the file (union tags, 'str')."""
    node, path = data, []
    for part in loc:
        in_map = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_map or in_list:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            path.append(part)  # a missing or extra key: point at its mapping
            break
    return tuple(path), node


def _is_tag(part: str) -> bool:
    """Parts pydantic adds for unions and validators, which name no key in the file."""
    return part in ITEM_TYPES or part in ("str", "dict[str,str]") or part.endswith("[...]")


def _describe(data: Any, path: tuple[Any, ...]) -> str:
    """Name the item or section a problem is in, the way staff think of it."""
    node, owner = data, ""
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            kind = "section" if "items" in node else "item"
            owner = f"{kind} '{node['id']}': "
    key = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    return f"{owner}{key}: " if key else owner


def _explain(detail: Any, node: Any) -> str:
    kind, message = detail["type"], detail["msg"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        guess = closest(str(detail["loc"][-1]), known_keys(detail["loc"][:-1]))
        if guess:
            return f"is not a known key; did you mean '{guess}'?"
        return "is not a known key (check its spelling)"
    if kind == "union_tag_invalid":
        return f"unknown type {detail['input'].get('type')!r}; use one of {', '.join(ITEM_TYPES)}"
    if kind == "union_tag_not_found":
        return f"an item needs a type: one of {', '.join(ITEM_TYPES)}"
    if kind == "string_pattern_mismatch":
        if " " in detail["ctx"].get("pattern", ""):  # option values allow spaces, ids do not
            return (f"{node!r} is not a valid option value: use letters, digits, spaces, "
                    "_ . or - (starting with a letter or digit)")
        return (f"{node!r} is not a valid id: use lowercase letters, digits and _ "
                "(starting with a letter)")
    if kind == "too_short":
        return f"needs at least {detail['ctx'].get('min_length', 1)} entry"
    if kind == "literal_error":
        return f"{message.replace('Input should be', 'must be')} (found {node!r})"
    return message.replace("Input should be", "must be")


_ITEM_CLASSES: dict[str, type[BaseModel]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in get_args(get_args(Item)[0])
}


def known_keys(loc: tuple[Any, ...]) -> set[str]:
    """The keys the format allows at a pydantic location (for "did you mean")."""
    model: type[BaseModel] | None = Questionnaire
    for part in loc:
        if model is None:
            return set()
        if isinstance(part, int):
            continue
        if part in _ITEM_CLASSES and part not in model.model_fields:
            model = _ITEM_CLASSES[part]  # pydantic names the item's type in the location
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field is not None else None
    return set(model.model_fields) - {"type"} if model is not None else set()


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, through lists and ``| None``; items stand for any item type."""
    if annotation is Item or get_origin(annotation) is Annotated:
        return ItemBase
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in get_args(annotation):
        found = _model_in(inner)
        if found is not None:
            return found
    return None


def line_of(data: Any, path: tuple[Any, ...]) -> int:
    """The 1-based line of the key or list entry at ``path``, or of its nearest parent."""
    line, node = 1, data
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line
