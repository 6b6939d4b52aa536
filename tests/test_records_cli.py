"""``kiosk records list`` and ``kiosk records show``: what the front desk and clinicians read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from answers_fixture import complete_answers
from test_store_helpers import answers, intake, kiosk, write_small_questionnaire

from kiosk.decisions import flag_keys
from kiosk.intake import Intake, build_intake
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.store import Store


class Clinic:
    """A data folder with three intakes of the small questionnaire, one of them reviewed."""

    def __init__(self, folder: Path) -> None:
        self.questionnaire_path = write_small_questionnaire(folder)
        self.questionnaire = load_questionnaire(self.questionnaire_path)
        self.data = folder / "data"
        self.store = Store(self.data)
        now = dt.datetime.now(dt.UTC)
        self.quiet = self._save(intake(self.questionnaire, "Ana Diaz"), now - dt.timedelta(days=2))
        self.flagged = self._save(
            build_intake(self.questionnaire, answers("Bo Li", blood_thinners=True) | {
                "conditions": ["pacemaker"], "where": ["back.low_back.left", "front.knee.right"],
            }), now)
        self.reviewed = self._save(intake(self.questionnaire, "Cy Ode"),
                                   now - dt.timedelta(days=1))
        self.store.mark_reviewed(self.reviewed.id, "dr.lee")

    def _save(self, record: Intake, submitted: dt.datetime) -> Intake:
        record.submitted_at = submitted
        self.store.save_intake(record, self.questionnaire)
        return record

    def kiosk(self, *args: str) -> tuple[int, str, str]:
        result = kiosk(*args, "--data", str(self.data))
        assert "Traceback" not in result.stderr
        return result.returncode, result.stdout, result.stderr


@pytest.fixture
def clinic(tmp_path: Path) -> Clinic:
    return Clinic(tmp_path)


def test_the_list_shows_newest_first_with_flag_counts(clinic: Clinic) -> None:
    status, out, err = clinic.kiosk("records", "list")
    assert (status, err) == (0, "")
    header, *rows = out.splitlines()
    assert header.split() == ["SUBMITTED", "CODE", "STATUS", "OPEN", "QUESTIONNAIRE", "FLAGS",
                              "ID"]
    assert [row.split()[4] for row in rows] == ["2", "0", "0"]  # stop and caution undecided
    assert [row.split()[2] for row in rows] == [clinic.flagged.short_code,
                                                clinic.reviewed.short_code,
                                                clinic.quiet.short_code]
    assert "1 stop, 1 caution" in rows[0] and rows[0].endswith(clinic.flagged.id)
    assert "reviewed" in rows[1] and " - " in rows[2]


def test_the_json_list_carries_what_other_tools_need(clinic: Clinic) -> None:
    status, out, _ = clinic.kiosk("records", "list", "--json")
    listed = json.loads(out)
    assert status == 0 and [entry["id"] for entry in listed] == [
        clinic.flagged.id, clinic.reviewed.id, clinic.quiet.id]
    first = listed[0]
    assert {"id", "short_code", "submitted_at", "status", "questionnaire_id",
            "flags"} <= set(first)
    assert first["questionnaire_id"] == "small-intake"
    assert dt.datetime.fromisoformat(first["submitted_at"]) == clinic.flagged.submitted_at
    assert [(flag["level"], flag["message"]) for flag in first["flags"]] == [
        ("stop", "Pacemaker - no electrical stimulation."),
        ("caution", "Anticoagulated - check bleeding risk before needling.")]


def test_the_list_filters_by_status_and_day(clinic: Clinic) -> None:
    _, out, _ = clinic.kiosk("records", "list", "--json", "--status", "reviewed")
    assert [entry["id"] for entry in json.loads(out)] == [clinic.reviewed.id]
    assert clinic.reviewed.submitted_at is not None
    since = clinic.reviewed.submitted_at.astimezone().date().isoformat()
    _, out, _ = clinic.kiosk("records", "list", "--json", "--since", since)
    assert [entry["id"] for entry in json.loads(out)] == [clinic.flagged.id, clinic.reviewed.id]
    status, out, _ = clinic.kiosk("records", "list", "--since", "2999-01-01")
    assert (status, out) == (0, "No records.\n")
    status, _, err = clinic.kiosk("records", "list", "--since", "last week")
    assert status == 2 and "'last week' is not a date like 2026-11-23" in err


def test_show_puts_flags_first_and_labels_every_answer(clinic: Clinic) -> None:
    status, out, err = clinic.kiosk("records", "show", clinic.flagged.short_code.lower())
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Record {clinic.flagged.id}   short code {clinic.flagged.short_code}"
    flags, answers_at = lines.index("FLAGS"), lines.index("ANSWERS")
    assert flags < answers_at
    assert lines[flags + 1].split() == ["STOP", "Pacemaker", "-", "no", "electrical",
                                        "stimulation."]
    assert lines[flags + 2].startswith("  CAUTION  Anticoagulated")
    assert "  Pain score: 4.0" in lines
    assert lines[answers_at:] == [
        "ANSWERS",
        "About you",
        "  Your full name: Bo Li",
        "  Pain right now: 4 (scale 0-10)",
        "  Where does it hurt?: Right knee, front; Left low back",
        "Safety",
        "  Do you take a blood thinner?: Yes",
        "  Which one?: warfarin",
        "  Do you have any of these?: A pacemaker",
        "  Consent: agreed, signed by Bo Li on 2026-11-23",
    ]


def test_show_reads_with_the_questionnaire_the_record_was_taken_with(clinic: Clinic) -> None:
    clinic.questionnaire_path.write_text(clinic.questionnaire_path.read_text().replace(
        "Pain right now", "How bad is it today?"))
    _, out, _ = clinic.kiosk("records", "show", clinic.quiet.id, "--json")
    shown = json.loads(out)
    assert list(shown)[:4] == ["id", "short_code", "status", "flags"]
    labels = {answer["item_id"]: answer["label"] for answer in shown["labelled_answers"]}
    assert labels["pain_now"] == "Pain right now"
    assert shown["answers"]["full_name"] == "Ana Diaz"


def test_show_of_an_unknown_record_is_one_clear_line(clinic: Clinic) -> None:
    for key in ("ZZZZZZ", "2" * 26):
        status, out, err = clinic.kiosk("records", "show", key)
        assert (status, out) == (1, "")
        assert err == f"kiosk: no record has the id or short code '{key}'\n"


def test_showing_a_record_is_written_to_the_audit_log(clinic: Clinic) -> None:
    clinic.kiosk("records", "show", clinic.quiet.short_code)
    events = clinic.store.audit_events(clinic.quiet.id)
    assert [(event.action, event.actor.startswith("cli:")) for event in events] == [
        ("view", True)]


def test_show_of_a_bundled_intake_names_its_body_regions(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    record = build_intake(questionnaire, complete_answers())
    store = Store(tmp_path / "data")
    store.save_intake(record, questionnaire)
    result = kiosk("records", "show", record.id, "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert "FLAGS\n  none\n" in result.stdout
    assert "Right low back; Right buttock" in result.stdout
    assert complete_answers()["full_name"] in result.stdout


def test_decisions_and_consent_show_in_the_list_filters_and_json(clinic: Clinic) -> None:
    stop_key, caution_key = flag_keys(clinic.flagged.flags)  # the stop flag comes first
    clinic.store.decide_flag(clinic.flagged.id, stop_key, "cleared",
                             "Pacemaker is not near the low back", "dr.lee")
    clinic.store.decide_flag(clinic.flagged.id, caution_key, "cleared", "", "dr.lee")
    clinic.store.confirm_consent(clinic.flagged.short_code, "Dr Lee", "dr.lee")

    status, out, _ = clinic.kiosk("records", "list", "--status", "cleared_for_needling")
    rows = out.splitlines()[1:]
    assert status == 0 and [row.split()[2] for row in rows] == [clinic.flagged.short_code]
    assert rows[0].split()[3:5] == ["cleared_for_needling", "0"]
    status, out, _ = clinic.kiosk("records", "list", "--open", "no", "--json")
    assert {entry["short_code"]: entry["open_flags"] for entry in json.loads(out)} == {
        clinic.flagged.short_code: 0, clinic.reviewed.short_code: 0, clinic.quiet.short_code: 0}

    status, out, _ = clinic.kiosk("records", "show", clinic.flagged.short_code, "--json")
    record = json.loads(out)
    assert record["status"] == "cleared_for_needling" and record["open_flags"] == 0
    assert [(d["flag"], d["decision"], d["note"], d["by"]) for d in record["decisions"]] == [
        (stop_key, "cleared", "Pacemaker is not near the low back", "dr.lee"),
        (caution_key, "cleared", "", "dr.lee")]
    assert record["consent_confirmation"]["by"] == "Dr Lee"
    assert record["consent_confirmation"]["staff_user"] == "dr.lee"

    status, out, _ = clinic.kiosk("records", "show", clinic.flagged.short_code)
    assert "decision: cleared by dr.lee at " in out
    assert ": Pacemaker is not near the low back" in out
    assert "Open flags: 0" in out and "Consent confirmed in person by Dr Lee at " in out
