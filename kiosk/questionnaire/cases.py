"""Test cases beside a questionnaire: imagined patients, and what must follow for each.

Staff keep them in a companion file, ``NAME.cases.yaml`` next to ``NAME.yaml``, so the
questionnaire's content (and the hash records pin) does not change when cases do. A
case gives only the answers that matter; every other yes/no question is answered "No"
and every other question is left blank (the harmless defaults), unless the file's
``defaults:`` says otherwise. Then the flags raised, the items shown or hidden and the
scores must be exactly as the case says. The kiosk takes up a file only if its cases
pass: :func:`read_questionnaire_with_cases` is the one loading path for both
``kiosk validate`` and a running kiosk's hot reload.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.questionnaire.answers import is_empty
from kiosk.questionnaire.case_files import (
    CASES_SUFFIX,
    cases_path,
    is_cases_file,
    questionnaire_path,
)
from kiosk.questionnaire.loader import (
    FileProblem,
    LoadResult,
    line_of,
    parse_yaml,
    read_questionnaire,
    read_text,
)
from kiosk.questionnaire.logic import (
    FlagSource,
    evaluate,
    flag_sources,
    raised_sources,
    visible_items,
)
from kiosk.questionnaire.model import FLAG_LEVELS, InfoItem, Questionnaire, YesNoItem
from kiosk.questionnaire.suggest import did_you_mean

__all__ = ["CASES_SUFFIX", "Case", "CaseFile", "CaseReport", "cases_path", "harmless_answers",
           "is_cases_file", "questionnaire_path", "read_questionnaire_with_cases",
           "run_case_file"]

_FILE_KEYS = ("questionnaire", "defaults", "cases")
_CASE_KEYS = ("name", "answers", "flags", "shown", "hidden", "scores")
_SCORE_TOLERANCE = 0.005  # scores are rounded to 2 decimals


@dataclass
class Case:
    """One imagined patient: the answers that matter and what must follow from them."""

    name: str
    line: int
    answers: dict[str, Any] = field(default_factory=dict)
    flags: Counter[tuple[str, str]] | None = None  # (level, item id), when checked
    shown: list[str] | None = None
    hidden: list[str] | None = None
    scores: dict[str, float | None] | None = None
    lines: dict[str, int] = field(default_factory=dict)  # key or "answers.ID" -> line


@dataclass
class CaseFile:
    path: str
    defaults: dict[str, Any] = field(default_factory=dict)
    default_lines: dict[str, int] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)


@dataclass
class CaseReport:
    """What running a file's cases found, and which flag rules they exercised."""

    problems: list[FileProblem] = field(default_factory=list)
    passed: int = 0
    exercised: set[tuple[str, str, int]] = field(default_factory=set)


def read_questionnaire_with_cases(path: str | Path, identity: bool = False) -> LoadResult:
    """Read, check and run the test cases of a questionnaire file.

    A failing case makes the file unusable, like any other error; a missing cases file
    and flag rules no case raises are warnings. ``identity`` is passed on to
    :func:`kiosk.questionnaire.loader.read_questionnaire`.
    """
    result = read_questionnaire(path, identity)
    questionnaire = result.questionnaire
    if questionnaire is None:
        return result
    companion = cases_path(path)
    if not companion.exists():
        result.problems.insert(0, FileProblem(str(path), 1, f"no test cases: {companion} is "
                                              "missing (see 'Test cases' in the staff guide)",
                                              warning=True))
        return result
    report = run_case_file(questionnaire, companion)
    if not [p for p in report.problems if not p.warning]:
        report.problems += unexercised_rules(questionnaire, result.document, str(path),
                                             report.exercised, companion)
    result.problems += report.problems
    result.cases_passed = report.passed
    if result.errors:
        result.questionnaire = None
    return result


def run_case_file(questionnaire: Questionnaire, path: Path) -> CaseReport:
    """Read the cases file and run every case against the questionnaire.

    Reading YAML with line numbers is slow, so a first run reads it without; only when
    something must be reported is it run again with lines, for the messages.
    """
    report = _run_case_file(questionnaire, path, lines=False)
    return _run_case_file(questionnaire, path, lines=True) if report.problems else report


def _run_case_file(questionnaire: Questionnaire, path: Path, lines: bool) -> CaseReport:
    case_file, problems = read_case_file(questionnaire, path, lines)
    report = CaseReport(problems)
    if case_file is None or problems:
        return report
    for case in case_file.cases:
        failures, raised = run_case(questionnaire, case_file, case)
        report.problems += failures
        if not failures:
            report.passed += 1
        if case.flags is not None:
            report.exercised |= {source.key for source in raised}
    return report


# ------------------------------------------------------------------ reading the file

def read_case_file(questionnaire: Questionnaire, path: Path,
                   lines: bool = True) -> tuple[CaseFile | None, list[FileProblem]]:
    name = str(path)
    text, problems = read_text(path)
    if text is None:
        return None, problems
    data, problems = parse_yaml(text, name, lines)
    if problems:
        return None, problems
    reader = _Reader(questionnaire, name)
    return reader.file(data), reader.problems


class _Reader:
    """Turns the cases YAML into :class:`Case` values, noting every mistake with its line."""

    def __init__(self, questionnaire: Questionnaire, name: str) -> None:
        self.questionnaire = questionnaire
        self.name = name
        self.problems: list[FileProblem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(FileProblem(self.name, line, message))

    def file(self, data: Any) -> CaseFile | None:
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            self.problem(1, "a cases file needs 'cases:', a list of cases (see the staff guide)")
            return None
        self.unknown_keys(data, _FILE_KEYS, "")
        meant = data.get("questionnaire")
        if meant is not None and meant != self.questionnaire.id:
            self.problem(line_of(data, ("questionnaire",)),
                         f"these cases are for '{meant}', but the questionnaire beside them "
                         f"is '{self.questionnaire.id}'")
        case_file = CaseFile(self.name)
        defaults = data.get("defaults")
        if defaults is not None:
            case_file.defaults, case_file.default_lines = self.answers(
                defaults, data, ("defaults",), "defaults")
        names: set[str] = set()
        for index, entry in enumerate(data["cases"]):
            case = self.case(entry, line_of(data, ("cases", index)))
            if case is None:
                continue
            if case.name in names:
                self.problem(case.line, f"case '{case.name}': the name is used twice")
            names.add(case.name)
            case_file.cases.append(case)
        return case_file

    def unknown_keys(self, node: dict[str, Any], known: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in known:
                self.problem(line_of(node, (key,)), f"{where}{key}: is not a known key"
                             f"{did_you_mean(str(key), known)}; use {', '.join(known)}")

    def case(self, node: Any, line: int) -> Case | None:
        if not isinstance(node, dict) or not isinstance(node.get("name"), str):
            self.problem(line, "a case needs a name: '- name: on warfarin'")
            return None
        case = Case(name=node["name"], line=line)
        where = f"case '{case.name}': "
        self.unknown_keys(node, _CASE_KEYS, where)
        case.lines = {str(key): line_of(node, (key,)) for key in node}
        if "answers" in node:
            case.answers, answer_lines = self.answers(node["answers"], node, ("answers",), where)
            case.lines.update({f"answers.{k}": v for k, v in answer_lines.items()})
        if "flags" in node:
            case.flags = self.flags(node["flags"], case.lines["flags"], where)
        for key in ("shown", "hidden"):
            if key in node:
                setattr(case, key, self.item_ids(node[key], case.lines[key], f"{where}{key}: "))
        if "scores" in node:
            case.scores = self.scores(node["scores"], case.lines["scores"], where)
        return case

    def answers(self, node: Any, parent: Any, path: tuple[str, ...],
                where: str) -> tuple[dict[str, Any], dict[str, int]]:
        if not isinstance(node, dict):
            self.problem(line_of(parent, path), f"{where}answers must be a mapping "
                                                "'item_id: answer'")
            return {}, {}
        items = self.questionnaire.items_by_id
        answers, lines = {}, {}
        for key, value in node.items():
            line = line_of(node, (key,))
            item = items.get(str(key))
            if item is None:
                self.problem(line, f"{where}no item '{key}' in the questionnaire"
                             f"{did_you_mean(str(key), items)}")
            elif isinstance(item, InfoItem):
                self.problem(line, f"{where}'{key}' is an info item: it has no answer")
            else:
                answers[str(key)] = _plain(value)
                lines[str(key)] = line
        return answers, lines

    def flags(self, node: Any, line: int, where: str) -> Counter[tuple[str, str]] | None:
        """``none``, or a mapping of level to the item (or list of items) raising it."""
        if node in ("none", [], {}):
            return Counter()
        if not isinstance(node, dict):
            self.problem(line, f"{where}flags must be 'none' or a mapping such as "
                               "'{caution: blood_thinners}'")
            return None
        flagged = {source.item.id for source in flag_sources(self.questionnaire)}
        expected: Counter[tuple[str, str]] = Counter()
        for level, items in node.items():
            at = line_of(node, (level,))
            if level not in FLAG_LEVELS:
                self.problem(at, f"{where}flags: '{level}' is not a level"
                             f"{did_you_mean(str(level), FLAG_LEVELS)}; use "
                             f"{', '.join(FLAG_LEVELS)}")
                continue
            for item_id in self.item_ids(items, at, f"{where}flags: "):
                if item_id not in flagged:
                    self.problem(at, f"{where}flags: item '{item_id}' has no flag rules")
                expected[(str(level), item_id)] += 1
        return expected

    def item_ids(self, node: Any, line: int, where: str) -> list[str]:
        ids = [node] if isinstance(node, str) else node
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            self.problem(line, f"{where}give an item id or a list of item ids")
            return []
        known = self.questionnaire.items_by_id
        for item_id in ids:
            if item_id not in known:
                self.problem(line, f"{where}no item '{item_id}' in the questionnaire"
                                   f"{did_you_mean(item_id, known)}")
        return [str(i) for i in ids if i in known]

    def scores(self, node: Any, line: int, where: str) -> dict[str, float | None] | None:
        known = {score.id for score in self.questionnaire.scores}
        if not isinstance(node, dict):
            self.problem(line, f"{where}scores must be a mapping 'score_id: number'")
            return None
        scores: dict[str, float | None] = {}
        for key, value in node.items():
            at = line_of(node, (key,))
            if key not in known:
                self.problem(at, f"{where}scores: no score '{key}' in the questionnaire"
                                 f"{did_you_mean(str(key), known)}")
            elif value is not None and (isinstance(value, bool) or
                                        not isinstance(value, int | float)):
                self.problem(at, f"{where}scores: '{key}' must be a number, or null for "
                                 "no score")
            else:
                scores[str(key)] = None if value is None else float(value)
        return scores


def _plain(value: Any) -> Any:
    """YAML's own mappings and lists as plain ones, as a patient's answers are stored."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()[:10]  # YAML reads 1979-05-14 as a date; answers hold text
    return value


# ------------------------------------------------------------------ running a case

def harmless_answers(questionnaire: Questionnaire) -> dict[str, Any]:
    """What every case starts from: "No" to each yes/no question, every other one blank."""
    return {item.id: False for item in questionnaire.items() if isinstance(item, YesNoItem)}


def run_case(questionnaire: Questionnaire, case_file: CaseFile,
             case: Case) -> tuple[list[FileProblem], list[FlagSource]]:
    """The case's failures (each at its line) and the flag rules its patient raises."""
    raw = {**harmless_answers(questionnaire), **case_file.defaults, **case.answers}
    evaluation = evaluate(questionnaire, raw)
    failures: list[FileProblem] = []

    def fail(key: str, message: str) -> None:
        failures.append(FileProblem(case_file.path, case.lines.get(key, case.line),
                                    f"case '{case.name}': {message}"))

    shown = {item.id for item in visible_items(questionnaire, evaluation.answers)}
    for item_id, value in case.answers.items():
        if is_empty(value):
            continue
        if item_id not in shown:
            fail(f"answers.{item_id}", f"answers '{item_id}', but this patient is not shown "
                                       "that question")
        elif item_id in evaluation.problems:
            fail(f"answers.{item_id}", f"the answer to '{item_id}' is not accepted: "
                                       f"{evaluation.problems[item_id]}")
    for item_id, value in case_file.defaults.items():
        if item_id in evaluation.problems and not is_empty(value):
            failures.append(FileProblem(case_file.path, case_file.default_lines[item_id],
                                        f"defaults: the answer to '{item_id}' is not accepted: "
                                        f"{evaluation.problems[item_id]}"))
    raised = raised_sources(questionnaire, evaluation.answers)
    if case.flags is not None:
        actual: Counter[tuple[str, str]] = Counter((str(source.level), source.item.id)
                                                   for source in raised)
        for message in compare_flags(case.flags, actual):
            fail("flags", message)
    for item_id in case.shown or []:
        if item_id not in shown:
            fail("shown", f"expected '{item_id}' to be shown, but it is hidden")
    for item_id in case.hidden or []:
        if item_id in shown:
            fail("hidden", f"expected '{item_id}' to be hidden, but it is shown")
    for score_id, wanted in (case.scores or {}).items():
        got = evaluation.scores.get(score_id)
        if (got is None) != (wanted is None) or (got is not None and wanted is not None and
                                                 abs(got - wanted) > _SCORE_TOLERANCE):
            fail("scores", f"expected score '{score_id}' to be {_number(wanted)}, "
                           f"got {_number(got)}")
    return failures, raised


def compare_flags(expected: Counter[tuple[str, str]],
                  actual: Counter[tuple[str, str]]) -> list[str]:
    """What differs, item by item: a wrong level is named as such, not as two mistakes."""
    messages = []
    items = sorted({item for _, item in expected} | {item for _, item in actual},
                   key=lambda item: item)
    for item in items:
        wanted = _levels(expected, item) - _levels(actual, item)
        extra = _levels(actual, item) - _levels(expected, item)
        missing, surplus = sorted(wanted.elements(), key=FLAG_LEVELS.index), \
            sorted(extra.elements(), key=FLAG_LEVELS.index)
        for level in missing:
            if surplus:
                messages.append(f"expected a {level} flag from {item}, got a {surplus.pop(0)}")
            else:
                messages.append(f"expected a {level} flag from {item}, got none")
        messages += [f"did not expect a {level} flag from {item}" for level in surplus]
    return messages


def _levels(flags: Counter[tuple[str, str]], item: str) -> Counter[str]:
    return Counter({level: count for (level, flagged), count in flags.items() if flagged == item})


def _number(value: float | None) -> str:
    if value is None:
        return "empty"
    return f"{value:g}"


# ------------------------------------------------------------------ coverage

def unexercised_rules(questionnaire: Questionnaire, document: Any, name: str,
                      exercised: set[tuple[str, str, int]], companion: Path) -> list[FileProblem]:
    """A warning at each flag rule that no case with a ``flags:`` expectation raises."""
    places = {item.id: (s, i) for s, section in enumerate(questionnaire.sections)
              for i, item in enumerate(section.items)}
    warnings = []
    for source in flag_sources(questionnaire):
        if source.key in exercised:
            continue
        s, i = places[source.item.id]
        if source.option is None:
            path: tuple[str | int, ...] = ("sections", s, "items", i, "flags", source.index)
            what = f"the {source.level} flag when {source.when}"
        else:
            path = ("sections", s, "items", i, "options", source.index, "flag")
            what = f"the {source.level} flag of option '{source.option.value}'"
        warnings.append(FileProblem(name, line_of(document, path),
                                    f"item '{source.item.id}': no test case raises {what}; "
                                    f"add one to {companion.name}", warning=True))
    return warnings
