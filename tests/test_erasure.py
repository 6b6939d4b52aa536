"""Erasure and retention: ``kiosk records erase`` and ``purge`` leave no byte of the
erased patient anywhere in the data folder, keep everyone else, and are audited."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from patients_fixture import roles_questionnaire, visit
from test_store_helpers import kiosk
from viewer.test_clinician_guide import console_sessions, kiosk_arguments

from kiosk.commands.records import local_time
from kiosk.decisions import flag_keys
from kiosk.intake import Intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage import patients, records
from kiosk.store import RecordNotFound, Store

NAME = "Zelda Quintanilla-Oyelaran"
BORN = "1961-07-19"
PHONE = "+1 555 0147 8821"
FREE_TEXT = "Xarelto twice daily since spring"
NOTE = "Spoke with her cardiologist about the dose"
FLAG_TEXT = "Anticoagulated - check bleeding risk"  # in the questionnaire too: see below
SECRETS = (NAME, BORN, PHONE, FREE_TEXT, NOTE)


def erased_patient_visit(questionnaire: Questionnaire, days_ago: float) -> Intake:
    record = visit(questionnaire, NAME, BORN, phone=PHONE, days_ago=days_ago,
                   blood_thinners=True)
    record.answers["blood_thinner_name"] = FREE_TEXT
    return record


def leftovers(data: Path) -> list[str]:
    """Which of the erased patient's texts any file of the folder still holds (raw bytes).

    The flag's text is looked for outside ``questionnaires/`` only: that folder keeps
    each questionnaire as written, and its rules name every flag any patient can get.
    """
    found = []
    for path in (p for p in data.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        texts = SECRETS if path.parent.name == "questionnaires" else (*SECRETS, FLAG_TEXT)
        found += [f"{text!r} in {path.relative_to(data)}" for text in texts
                  if text.encode() in raw]
    return found


class Folder:
    """Two visits of the patient to erase (a flag decided with a note on the first), and
    one visit of someone else, today."""

    def __init__(self, tmp_path: Path, days_ago: tuple[float, float] = (10, 9)) -> None:
        self.data = tmp_path / "data"
        self.store = Store(self.data)
        questionnaire = roles_questionnaire(tmp_path)
        self.erased = [erased_patient_visit(questionnaire, ago) for ago in days_ago]
        self.other = visit(questionnaire, "Bo Li", "1990-01-01", phone="555 0100")
        for record in (*self.erased, self.other):
            self.store.save_intake(record, questionnaire)
        first = self.erased[0]
        self.store.decide_flag(first.id, flag_keys(first.flags)[0], "cleared", NOTE, "dr-ana")
        assert len(leftovers(self.data)) > len(SECRETS)  # the test can find them

    def other_is_intact(self) -> None:
        assert self.store.get_intake(self.other.short_code).answers["full_name"] == "Bo Li"
        assert [v.id for v in self.store.patient_visits(str(self.other.patient))] == \
            [self.other.id]
        assert not self.store.check().problems


def test_erase_by_code_and_id_leaves_nothing_of_the_patient(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    first, second = folder.erased
    data = str(folder.data)

    refused = kiosk("records", "erase", first.short_code, "--data", data)
    assert refused.returncode == 2
    assert f"would erase record {first.id} (code {first.short_code}" in refused.stderr
    assert "--yes" in refused.stderr and NAME not in refused.stderr + refused.stdout
    assert folder.store.get_intake(first.id).id == first.id

    unknown = kiosk("records", "erase", "ZZZZZZ", "--data", data, "--yes")
    assert unknown.returncode == 1
    assert "no record has the id or short code 'ZZZZZZ'" in unknown.stderr

    for ref in (first.short_code, second.id):
        done = kiosk("records", "erase", ref, "--yes", "--data", data)
        assert done.returncode == 0, done.stderr
        assert "Erased record" in done.stdout

    assert leftovers(folder.data) == []
    for record in folder.erased:
        with pytest.raises(RecordNotFound):
            folder.store.get_intake(record.short_code)
        events = folder.store.audit_events(record.id)
        assert events[-1].action == "erase" and events[-1].actor.startswith("cli:")
    assert patients.visit_ids(folder.data, str(first.patient)) == []
    led_to = [patient for path in (folder.data / "index" / "patients" / "keys").glob("*.json")
              for patient in json.loads(path.read_bytes()).values()]
    assert led_to == [folder.other.patient]  # the erased name's link key went too
    assert kiosk("records", "erase", first.short_code, "--yes", "--data", data).returncode == 1
    folder.other_is_intact()


def test_purge_erases_older_records_only(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    before = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    data = str(folder.data)

    refused = kiosk("records", "purge", "--before", before, "--data", data)
    assert refused.returncode == 2
    assert f"would erase 2 record(s) submitted before {before}" in refused.stderr

    done = kiosk("records", "purge", "--before", before, "--yes", "--data", data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Erased 2 record(s) submitted before {before}."
    assert leftovers(folder.data) == []
    for record in folder.erased:
        erase = folder.store.audit_events(record.id)[-1]
        assert (erase.action, erase.detail) == ("erase", f"purge before {before}")
    folder.other_is_intact()


def test_a_crash_mid_erase_reads_as_gone_and_repair_clears_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Folder(tmp_path, days_ago=(10, 10))
    first = folder.erased[0]

    def crash(*_: object, **__: object) -> None:
        raise OSError("killed after the day file was written")

    monkeypatch.setattr(records, "_drop_entry", crash)  # the indexes come after the day file
    with pytest.raises(OSError):
        folder.store.erase_record(first.short_code, "dr-ana")
    monkeypatch.undo()

    with pytest.raises(RecordNotFound):
        folder.store.get_intake(first.short_code)
    assert [v.id for v in folder.store.patient_visits(str(first.patient))] == \
        [folder.erased[1].id]
    report = folder.store.check(repair=True)
    assert report.problems and not report.left
    assert not folder.store.check().problems
    assert first.id not in patients.visit_ids(folder.data, str(first.patient))
    folder.store.erase_record(folder.erased[1].id, "dr-ana")
    assert leftovers(folder.data) == []
    folder.other_is_intact()


def test_the_guide_erase_examples_print_what_it_shows(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    record = folder.erased[0]
    shown = {command: output for command, output in console_sessions()
             if command.startswith((".venv/bin/kiosk records erase",
                                    ".venv/bin/kiosk records purge"))}
    assert len(shown) == 3
    for command, output in shown.items():
        arguments = [record.short_code if word == "K7M2QX" else word
                     for word in kiosk_arguments(command) or []]
        arguments[arguments.index("--data") + 1] = str(folder.data)
        result = kiosk(*arguments)
        printed = (result.stdout + result.stderr).splitlines()
        expected = [line.replace("K7M2QX", record.short_code)
                    .replace("8hq3wz6k2m4n7p9r5t3v2x4y6a", record.id) for line in output]
        expected = [re.sub(r"submitted \d{4}-\d\d-\d\d \d\d:\d\d", f"submitted "
                           f"{local_time(record)}", line) for line in expected]
        expected = [re.sub(r"^Erased \d+ ", "Erased 0 ", line) for line in expected]
        assert printed == expected, command
    assert leftovers(folder.data) != []  # the second visit stays: purge was before 2026-06-01
