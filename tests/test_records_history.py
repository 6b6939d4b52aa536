"""``kiosk records history``: one patient's visits from the desk, as the clinician guide
shows them, and the patient id in ``kiosk records show --json``."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path

import pytest
from patients_fixture import ROLES_QUESTIONNAIRE, visit
from test_store_helpers import kiosk

from kiosk.intake import Intake
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "clinician-guide.md"


class Course:
    """Three visits of one patient over two questionnaires (the guide's example), and
    one visit of someone else."""

    def __init__(self, folder: Path) -> None:
        self.data = folder / "data"
        self.store = Store(self.data)
        first, follow_up = (self._questionnaire(folder, name) for name in
                            ("dry-needling", "follow-up"))
        self.visits = [
            self._save(visit(first, "Ana Díaz", days_ago=14, pain=6, blood_thinners=True),
                       first),
            self._save(visit(follow_up, "ana diaz", days_ago=7, pain=4, blood_thinners=True),
                       follow_up),
            self._save(visit(follow_up, "ANA DIAZ ", days_ago=0, pain=2), follow_up),
        ]
        self.other = self._save(visit(first, "Bo Li", days_ago=3), first)

    @staticmethod
    def _questionnaire(folder: Path, name: str) -> Questionnaire:
        path = folder / f"{name}.yaml"
        path.write_text(ROLES_QUESTIONNAIRE.replace("id: small-visit", f"id: {name}"))
        return load_questionnaire(path)

    def _save(self, record: Intake, questionnaire: Questionnaire) -> Intake:
        self.store.save_intake(record, questionnaire)
        return record

    def kiosk(self, *args: str) -> tuple[int, str, str]:
        result = kiosk(*args, "--data", str(self.data))
        assert "Traceback" not in result.stderr
        return result.returncode, result.stdout, result.stderr


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return Course(tmp_path_factory.mktemp("course"))


def guide_example() -> tuple[list[str], list[str]]:
    """The guide's ``records history`` command (its words) and the lines it shows."""
    for block in re.findall(r"```console\n(.*?)```", GUIDE.read_text("utf-8"), re.S):
        command, *output = block.rstrip("\n").splitlines()
        if "records history" in command:
            return shlex.split(command[2:]), output
    raise AssertionError("the clinician guide shows no `kiosk records history`")


def masked(lines: list[str]) -> list[str]:
    """Lines with ids, short codes and times (which differ each run) masked, and the
    column padding (which follows the widest cell) collapsed."""
    found = []
    for line in lines:
        line = re.sub(r"\b[2-9a-z]{26}\b", "<ID>", line)
        line = re.sub(r"\b[ACDEFHJKMNPRTUVWXY34679]{6}\b", "<CODE>", line)
        line = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<WHEN>", line)
        found.append(" ".join(line.split()))
    return found


def test_history_prints_what_the_clinician_guide_shows(course: Course) -> None:
    words, shown = guide_example()
    assert words[:3] == [".venv/bin/kiosk", "records", "history"]
    status, out, err = course.kiosk("records", "history", course.visits[0].short_code)
    assert (status, err) == (0, "")
    printed = out.splitlines()
    assert masked(printed) == masked(shown)
    assert printed[0] == f"Patient {course.visits[0].patient}   3 visits, oldest first"
    assert [line.split()[-1] for line in printed[2:]] == [v.id for v in course.visits]


def test_history_from_any_visit_in_json_is_oldest_first(course: Course) -> None:
    status, out, _ = course.kiosk("records", "history", course.visits[2].id, "--json")
    listed = json.loads(out)
    assert status == 0 and [entry["id"] for entry in listed] == [v.id for v in course.visits]
    first = listed[0]
    assert {"id", "short_code", "submitted_at", "questionnaire", "flags", "scores"} <= set(first)
    assert [entry["questionnaire"] for entry in listed] == ["dry-needling", "follow-up",
                                                            "follow-up"]
    assert [entry["scores"] for entry in listed] == [{"pain": 6.0}, {"pain": 4.0},
                                                     {"pain": 2.0}]
    assert dt.datetime.fromisoformat(first["submitted_at"]) == course.visits[0].submitted_at
    assert [flag["level"] for flag in first["flags"]] == ["caution"]
    assert {entry["patient"] for entry in listed} == {course.visits[0].patient}
    events = course.store.audit_events(course.visits[1].id)
    assert "history" in [event.action for event in events]


def test_show_json_carries_the_patient_and_the_text_names_it(course: Course) -> None:
    _, out, _ = course.kiosk("records", "show", course.other.short_code, "--json")
    assert json.loads(out)["patient"] == course.other.patient != course.visits[0].patient
    _, out, _ = course.kiosk("records", "show", course.other.short_code)
    assert (f"Patient {course.other.patient}   (all visits: kiosk records history "
            f"{course.other.short_code})") in out.splitlines()
    status, out, _ = course.kiosk("records", "history", course.other.short_code)
    assert status == 0 and out.splitlines()[0].endswith("1 visit, oldest first")


def test_history_of_an_unknown_record_is_one_clear_line(course: Course) -> None:
    status, out, err = course.kiosk("records", "history", "ZZZZZZ")
    assert (status, out) == (1, "")
    assert err == "kiosk: no record has the id or short code 'ZZZZZZ'\n"


def test_the_audit_log_names_the_patients_of_a_split(tmp_path: Path) -> None:
    course = Course(tmp_path)
    old = course.visits[2].patient
    split = course.store.split_visit(course.visits[2].id, "dr.lee")
    status, out, _ = course.kiosk("audit", "--record", course.visits[2].short_code)
    assert status == 0
    (line,) = [line for line in out.splitlines() if "\tsplit\t" in line]
    assert line.split("\t")[1:] == ["dr.lee", "split", course.visits[2].id, "-",
                                    f"patient {old} -> {split.patient}"]
    _, out, _ = course.kiosk("records", "history", course.visits[0].id)
    assert out.splitlines()[0].endswith("2 visits, oldest first")
