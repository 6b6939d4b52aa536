"""The staff guide tells the truth: its YAML examples load, its `kiosk validate` output is real."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kiosk.questionnaire.body_map import REGIONS
from kiosk.questionnaire.case_files import cases_path
from kiosk.questionnaire.loader import parse_questionnaire
from kiosk.questionnaire.model import (
    ITEM_TYPES,
    Coding,
    FlagRule,
    Item,
    ItemBase,
    Option,
    Questionnaire,
    Score,
    Section,
)

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "questionnaire-format.md"
KIOSK = Path(sys.executable).parent / "kiosk"


@dataclass(frozen=True)
class Block:
    """A fenced block of the guide: its info string (``yaml``, ``console``...) and text."""

    info: str
    text: str
    line: int  # where the block starts in the guide, for failure messages

    @property
    def file_name(self) -> str | None:
        """The name of a ``yaml file=NAME`` block: a file a console example checks."""
        match = re.fullmatch(r"yaml file=(\S+)", self.info)
        return match.group(1) if match else None


def fenced_blocks(markdown: str) -> list[Block]:
    blocks, lines = [], markdown.splitlines()
    index = 0
    while index < len(lines):
        opening = re.fullmatch(r"```(.*)", lines[index])
        if opening is None:
            index += 1
            continue
        end = lines.index("```", index + 1)
        blocks.append(Block(opening.group(1).strip(), "\n".join(lines[index + 1:end]) + "\n",
                            index + 1))
        index = end + 1
    return blocks


GUIDE_TEXT = GUIDE.read_text(encoding="utf-8")
BLOCKS = fenced_blocks(GUIDE_TEXT)
EXAMPLES = [block for block in BLOCKS if block.info == "yaml"]
FILES = {block.file_name: block for block in BLOCKS if block.file_name}
CONSOLES = [block for block in BLOCKS if block.info == "console"]


# ------------------------------------------------------------- YAML examples load

def as_questionnaire(block: Block) -> str:
    """The example as a whole file: item and section examples go into a minimal questionnaire."""
    data = YAML(typ="safe").load(block.text)
    if isinstance(data, dict) and "sections" in data:
        return block.text
    bilingual = re.search(r"\bes:", block.text) is not None
    languages, title = ("[en, es]", "{en: Example, es: Ejemplo}") if bilingual else \
        ("[en]", "Example")
    if isinstance(data, dict) and "items" in data:
        section = block.text
    elif isinstance(data, list) or (isinstance(data, dict) and "type" in data):
        items = block.text if isinstance(data, list) else "- " + block.text.replace(
            "\n", "\n  ").rstrip() + "\n"
        section = f"id: example\ntitle: {title}\nitems:\n" + textwrap.indent(items, "  ")
    else:
        raise AssertionError(f"guide line {block.line}: not a questionnaire, section or items")
    first, *rest = section.splitlines()
    listed = "\n".join([f"  - {first}", *(f"    {line}" for line in rest)])
    return (f"id: doc-example\nversion: 1\ntitle: {title}\nlanguages: {languages}\n"
            f"sections:\n{listed}\n")


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"line-{b.line}" for b in EXAMPLES])
def test_each_yaml_example_loads_without_problems(block: Block) -> None:
    result = parse_questionnaire(as_questionnaire(block), f"guide line {block.line}")
    assert [str(problem) for problem in result.problems] == []
    assert result.questionnaire is not None


def test_there_is_an_example_of_every_item_type() -> None:
    used: set[str] = set()
    for block in EXAMPLES:
        questionnaire = parse_questionnaire(as_questionnaire(block)).questionnaire
        assert questionnaire is not None
        used |= {item.type for item in questionnaire.items()}
    assert used == set(ITEM_TYPES)
    for item_type in ITEM_TYPES:
        assert f"\n### {item_type}: " in GUIDE_TEXT, f"no heading for {item_type}"


# ------------------------------------------------------------ every key is explained

def documented_keys() -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)` \|", GUIDE_TEXT, flags=re.MULTILINE))


@pytest.mark.parametrize("model", [Questionnaire, Section, ItemBase, Option, FlagRule, Score,
                                   Coding], ids=lambda model: model.__name__)
def test_every_key_of_the_format_is_in_a_table(model: type) -> None:
    assert set(model.model_fields) - {"type"} <= documented_keys()


def item_classes() -> list[Any]:
    return list(Item.__origin__.__args__)  # type: ignore[attr-defined]


def expected_default(field: Any) -> str | None:
    """How the guide writes a key's default in its table, or None when any wording will do."""
    if field.is_required():
        return "(needed)"
    default = field.default
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, int):
        return f"`{default}`"
    return None


@pytest.mark.parametrize("item_class", item_classes(),
                         ids=lambda cls: cls.model_fields["type"].annotation.__args__[0])
def test_each_type_lists_its_own_keys_with_their_defaults(item_class: Any) -> None:
    item_type = item_class.model_fields["type"].annotation.__args__[0]
    start = GUIDE_TEXT.index(f"\n### {item_type}: ")
    section = GUIDE_TEXT[start:GUIDE_TEXT.index("\n### ", start + 1)]
    if item_type == "multi_choice":  # documented as "the same keys as single_choice"
        assert "same keys as `single_choice`" in section
        return
    own = set(item_class.model_fields) - set(ItemBase.model_fields) - {"type"}
    for key in own:
        row = re.search(rf"^\| `{key}` \| ([^|]+) \|", section, flags=re.MULTILINE)
        assert row is not None, f"{item_type}: no row for `{key}`"
        wanted = expected_default(item_class.model_fields[key])
        if wanted is not None:
            assert row.group(1).strip() == wanted, f"{item_type}.{key}"


# ------------------------------------------------------------------- region table

def region_table() -> str:
    lines = ["| region id | English | Spanish |", "|---|---|---|"]
    lines += [f"| `{region.id}` | {region.name_en} | {region.name_es} |" for region in REGIONS]
    return "\n".join(lines)


def test_the_region_table_matches_the_kiosk() -> None:
    start = GUIDE_TEXT.index("<!-- regions:start -->\n") + len("<!-- regions:start -->\n")
    documented = GUIDE_TEXT[start:GUIDE_TEXT.index("<!-- regions:end -->")].strip()
    assert documented == region_table(), "paste this table into the guide:\n" + region_table()


# ------------------------------------------------------- documented command output

@dataclass(frozen=True)
class Run:
    command: str
    expected: list[str]
    line: int


def documented_runs() -> list[Run]:
    runs = []
    for block in CONSOLES:
        for chunk in re.split(r"^(?=\$ )", block.text, flags=re.MULTILINE):
            if chunk.strip():
                command, *output = chunk.rstrip("\n").splitlines()
                assert command.startswith("$ kiosk "), f"guide line {block.line}: {command}"
                runs.append(Run(command[2:], output, block.line))
    return runs


RUNS = documented_runs()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with every example file of the guide, and the clinic's questionnaires."""
    for name, block in FILES.items():
        (tmp_path / name).write_text(block.text, encoding="utf-8")
    (tmp_path / "questionnaires").symlink_to(REPO / "questionnaires")
    return tmp_path


@pytest.mark.parametrize("run", RUNS, ids=[run.command for run in RUNS])
def test_documented_validate_output_is_what_the_command_prints(run: Run, folder: Path) -> None:
    arguments = shlex.split(run.command)[1:]
    done = subprocess.run([str(KIOSK), *arguments], cwd=folder, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.stderr.splitlines() + done.stdout.splitlines() == run.expected
    failed = any(line.endswith("error(s)") and ": FAILED, " in line for line in run.expected)
    assert done.returncode == (1 if failed else 0)


def test_every_example_file_is_checked_by_a_documented_command() -> None:
    checked = {argument for run in RUNS for argument in shlex.split(run.command)[2:]}
    # A cases file is checked with its questionnaire, whichever of the two is named.
    checked |= {str(cases_path(argument)) for argument in checked}
    assert set(FILES) <= checked
    assert any("FAILED" in line for run in RUNS for line in run.expected)


def test_links_inside_the_guide_lead_to_a_heading() -> None:
    headings = re.findall(r"^#{2,3} (.+)$", GUIDE_TEXT, flags=re.MULTILINE)
    # GitHub's anchors: lowercase, punctuation dropped (except - and _), spaces become -.
    anchors = {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}
    links = set(re.findall(r"\]\(#([^)]+)\)", GUIDE_TEXT))
    assert links and links <= anchors
