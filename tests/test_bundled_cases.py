"""The bundled questionnaires' test cases: every flag rule has its own, thresholds and
multi-condition rules have one just inside and one just outside, and a careless edit that
weakens a safety rule fails `kiosk validate` with the case named."""

from __future__ import annotations

import ast
import copy
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.questionnaire.case_files import cases_path, is_cases_file
from kiosk.questionnaire.cases import (
    Case,
    harmless_answers,
    read_case_file,
    read_questionnaire_with_cases,
    run_case,
)
from kiosk.questionnaire.expressions import parse_expression
from kiosk.questionnaire.logic import (
    FlagSource,
    evaluate,
    flag_sources,
    raised_sources,
    visible_answers,
)
from kiosk.questionnaire.model import Questionnaire

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted(path for path in (REPO / "questionnaires").glob("*.yaml")
                 if not is_cases_file(path))


@dataclass
class Patient:
    """One case run: what the patient's shown answers were and which rules they raised."""

    case: Case
    answers: dict[str, Any]
    raised: set[tuple[str, str, int]]


@dataclass
class Bundled:
    path: Path
    questionnaire: Questionnaire
    patients: list[Patient]


def run_all(path: Path) -> Bundled:
    result = read_questionnaire_with_cases(path)
    assert result.questionnaire is not None, [str(p) for p in result.errors]
    questionnaire = result.questionnaire
    case_file, problems = read_case_file(questionnaire, cases_path(path))
    assert case_file is not None and problems == []
    patients = []
    for case in case_file.cases:
        raw = {**harmless_answers(questionnaire), **case_file.defaults, **case.answers}
        answers = visible_answers(questionnaire, evaluate(questionnaire, raw).answers)
        patients.append(Patient(case, answers, {s.key for s in raised_sources(questionnaire,
                                                                               answers)}))
    return Bundled(path, questionnaire, patients)


@pytest.fixture(scope="module", params=BUNDLED, ids=[path.name for path in BUNDLED])
def bundled(request: pytest.FixtureRequest) -> Bundled:
    return run_all(request.param)


def test_there_are_bundled_questionnaires_and_each_has_cases() -> None:
    assert BUNDLED
    for path in BUNDLED:
        assert cases_path(path).exists(), f"{path.name} has no cases file"


def test_the_cases_pass_and_exercise_every_flag_rule(bundled: Bundled) -> None:
    result = read_questionnaire_with_cases(bundled.path)
    assert [str(problem) for problem in result.problems] == []
    assert result.cases_passed == len(bundled.patients)


def test_a_patient_with_nothing_to_report_raises_no_flag(bundled: Bundled) -> None:
    quiet = [p for p in bundled.patients if p.case.flags is not None and not p.case.flags
             and not p.case.answers]
    assert quiet, "no case answers nothing and expects no flags"


def test_every_flag_rule_has_a_case_of_its_own(bundled: Bundled) -> None:
    """Each rule is raised by a case that expects it and raises no other serious flag."""
    for source in flag_sources(bundled.questionnaire):
        own = [p for p in bundled.patients if source.key in p.raised and p.case.flags
               and (source.level, source.item.id) in p.case.flags
               and sum(p.case.flags.values()) <= 2]
        assert own, f"no case of its own for {source.key}"


# ------------------------------------------------------- just inside and just outside

def _thresholds(tree: ast.expr) -> list[tuple[str, float, float]]:
    """(item, value just inside, value just outside) for each ``item OP number``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if not (isinstance(left, ast.Name) and isinstance(right, ast.Constant)
                and isinstance(right.value, int | float)):
            continue
        n = right.value
        steps = {ast.GtE: (n, n - 1), ast.Gt: (n + 1, n), ast.LtE: (n, n + 1),
                 ast.Lt: (n - 1, n)}
        if type(op) in steps:
            inside, outside = steps[type(op)]
            found.append((left.id, inside, outside))
    return found


def _parts(tree: ast.expr) -> tuple[str, list[ast.expr]]:
    if isinstance(tree, ast.BoolOp):
        return ("or" if isinstance(tree.op, ast.Or) else "and"), list(tree.values)
    return "", []


def _holds(node: ast.expr, answers: dict[str, Any]) -> bool:
    return parse_expression(ast.unparse(node)).evaluate(answers)


def _answered(source: FlagSource, patient: Patient) -> bool:
    return source.item.id in patient.answers


def test_thresholds_and_several_conditions_have_cases_just_inside_and_outside(
        bundled: Bundled) -> None:
    for source in flag_sources(bundled.questionnaire):
        inside = [p for p in bundled.patients if source.key in p.raised]
        outside = [p for p in bundled.patients if source.key not in p.raised
                   and _answered(source, p) and p.case.flags is not None]
        tree = parse_expression(source.when).tree if source.when is not None else None
        thresholds = _thresholds(tree) if tree is not None else []
        kind, parts = _parts(tree) if tree is not None else ("", [])
        if source.option is not None or source.item.show_if is not None or thresholds or parts:
            # A flagged option, a question asked only sometimes, a threshold or several
            # conditions: an answer to the same question that does not raise it.
            assert outside, f"{source.key}: no case answers it without raising the flag"
        for item_id, in_value, out_value in thresholds:
            assert any(p.answers.get(item_id) == in_value for p in inside), \
                f"{source.key}: no case with {item_id} = {in_value}, just inside"
            assert any(p.answers.get(item_id) == out_value for p in outside), \
                f"{source.key}: no case with {item_id} = {out_value}, just outside"
        for part in parts:
            others = [other for other in parts if other is not part]
            if kind == "or":  # each alternative alone raises it
                assert any(_holds(part, p.answers) and not any(_holds(o, p.answers)
                                                               for o in others)
                           for p in inside), f"{source.key}: no case for {ast.unparse(part)}"
            else:  # each condition missing alone keeps it quiet
                assert any(not _holds(part, p.answers) and all(_holds(o, p.answers)
                                                               for o in others)
                           for p in bundled.patients if p in outside or source.key
                           not in p.raised), f"{source.key}: no case without " \
                                             f"{ast.unparse(part)}"


# ---------------------------------------------------------- weakened questionnaires

def _lowered(level: str) -> str:
    return {"stop": "caution", "refer": "note", "caution": "note", "note": "caution"}[level]


def test_lowering_any_flag_rule_fails_a_case(bundled: Bundled) -> None:
    """Every rule's level, lowered one step (a note raised), fails at least one case."""
    questionnaire = bundled.questionnaire
    case_file, _ = read_case_file(questionnaire, cases_path(bundled.path), lines=False)
    assert case_file is not None
    content = questionnaire.model_dump(mode="json")
    places = {item.id: (s, i) for s, section in enumerate(questionnaire.sections)
              for i, item in enumerate(section.items)}
    for source in flag_sources(questionnaire):
        weakened = copy.deepcopy(content)
        s, i = places[source.item.id]
        item = weakened["sections"][s]["items"][i]
        rule = item["flags"][source.index] if source.option is None else \
            item["options"][source.index]["flag"]
        rule["level"] = _lowered(rule["level"])
        edited = Questionnaire.model_validate(weakened)
        touching = [case for case in case_file.cases if source.item.id in case.answers
                    or source.item.id in (case.flags and {i for _, i in case.flags} or ())]
        failures = [f for case in touching for f in run_case(edited, case_file, case)[0]]
        assert failures, f"lowering {source.key} to {rule['level']} fails no case"


DRY_NEEDLING = REPO / "questionnaires" / "dry-needling.yaml"
FOLLOW_UP = REPO / "questionnaires" / "follow-up.yaml"
WEAKENED = [
    pytest.param(DRY_NEEDLING, "- when: blood_thinners == true\n            level: caution",
                 "- when: blood_thinners == true\n            level: note",
                 "on warfarin", "expected a caution flag from blood_thinners, got a note",
                 id="blood-thinner-caution-lowered-to-note"),
    pytest.param(DRY_NEEDLING, "- when: needle_fear == true\n            level: stop",
                 "- when: needle_fear == true\n            level: caution",
                 "afraid of needles", "expected a stop flag from needle_fear, got a caution",
                 id="needle-fear-stop-lowered-to-caution"),
    pytest.param(DRY_NEEDLING,
                 "\"'front.chest.left' in pain_areas or 'front.chest.right' in pain_areas\"",
                 "\"'front.chest.left' in pain_areas\"",
                 "pain over the right chest wall", "expected a note flag from pain_areas, got none",
                 id="chest-wall-condition-narrowed"),
    pytest.param(DRY_NEEDLING, "show_if: pregnant == 'yes'", "show_if: pregnant == 'maybe'",
                 "pregnant, first 3 months",
                 "answers 'trimester', but this patient is not shown that question",
                 id="first-trimester-follow-up-unreachable"),
    pytest.param(DRY_NEEDLING, "show_if: cancer_history == true",
                 "show_if: cancer_history == true and under_18 == true",
                 "cancer before, and this pain started after it",
                 "expected a refer flag from cancer_pain_new, got none",
                 id="cancer-red-flag-follow-up-unreachable"),
    pytest.param(DRY_NEEDLING,
                 "            flag:\n              level: caution\n              message:\n"
                 "                en: Pacemaker",
                 "            flag:\n              level: note\n              message:\n"
                 "                en: Pacemaker",
                 "pacemaker", "expected a caution flag from implant_types, got a note",
                 id="pacemaker-option-lowered"),
    pytest.param(DRY_NEEDLING,
                 "- when: guardian_present == false", "- when: guardian_present == true",
                 "under 18 without a parent or guardian",
                 "expected a stop flag from guardian_present, got none",
                 id="minor-alone-condition-inverted"),
    pytest.param(FOLLOW_UP, "- when: pain_worse_or_spread == true\n            level: stop",
                 "- when: pain_worse_or_spread == true\n            level: caution",
                 "pain worse or spread after the last session",
                 "expected a stop flag from pain_worse_or_spread, got a caution",
                 id="follow-up-worse-pain-stop-lowered"),
    pytest.param(FOLLOW_UP, "        show_if: new_medicines == true\n        required: true\n"
                 "        flags:", "        show_if: new_medicines == false\n"
                 "        required: true\n        flags:",
                 "started a blood thinner",
                 "answers 'new_blood_thinner', but this patient is not shown that question",
                 id="follow-up-new-blood-thinner-unreachable"),
    pytest.param(FOLLOW_UP, "          - value: illness\n            label: {en: A new illness, "
                 "es: Una enfermedad nueva}\n            flag:\n              level: caution",
                 "          - value: illness\n            label: {en: A new illness, "
                 "es: Una enfermedad nueva}\n            flag:\n              level: note",
                 "an illness since last time",
                 "expected a caution flag from health_changes, got a note",
                 id="follow-up-new-illness-lowered"),
]


@pytest.mark.parametrize(("original", "old", "new", "case", "message"), WEAKENED)
def test_a_weakened_copy_fails_validate_with_the_case_named(
        original: Path, old: str, new: str, case: str, message: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    copy_path = tmp_path / original.name
    text = original.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    copy_path.write_text(text.replace(old, new), encoding="utf-8")
    shutil.copy(cases_path(original), cases_path(copy_path))
    assert main(["validate", str(copy_path)]) == 1
    err = capsys.readouterr().err
    assert f"case '{case}': {message}" in err
    assert err.splitlines()[-1].startswith(f"{copy_path}: FAILED")
