"""Sealed records: what a copy of the data folder shows, who can read, erasure, migration."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from answers_fixture import PATIENT_NAME, complete_answers
from sealed_fixture import (
    PASSWORD,
    STAFF,
    SealedFolder,
    files_holding,
    kiosk_command,
    set_up_keys,
)

from kiosk.intake import Intake, build_intake
from kiosk.keys.envelope import SealBroken
from kiosk.keys.wrapping import WrongSecret
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage.errors import RecordLocked, StoreDamaged
from kiosk.storage.models import Draft
from kiosk.store import Store

# What the patient said and what it raised: none of it may be readable in the folder.
SECRETS = [PATIENT_NAME, "1979-05-14", "555-0142", "Bending to lift the laundry basket",
           "How many visits will I need?", "Sit at work without pain."]



def flagged(questionnaire: Questionnaire) -> Intake:
    answers = complete_answers() | {"needle_fear": True, "blood_thinners": True,
                                    "blood_thinner_name": ["warfarin"]}
    return build_intake(questionnaire, answers)


def saved_by_a_kiosk(folder: SealedFolder, questionnaire: Questionnaire,
                     count: int) -> list[Intake]:
    saved = [flagged(questionnaire) for _ in range(count)]
    for intake in saved:
        folder.kiosk_store().save_intake(intake, questionnaire)
    return saved


def flag_texts(intake: Intake) -> list[str]:
    return [flag.message for flag in intake.flags]


def test_a_copy_of_the_folder_shows_nothing_a_patient_said(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    folder = set_up_keys(tmp_path / "data")
    kiosk = folder.kiosk_store()
    intake = flagged(questionnaire)
    kiosk.save_intake(intake, questionnaire)
    kiosk.save_draft(Draft(station="front", questionnaire=intake.questionnaire, language="en",
                           answers=complete_answers(), section_index=2))
    assert intake.flags
    # The questionnaire's own file holds every rule's message, for every patient alike:
    # it says nothing of who raised which, so it is left out of the search.
    found = files_holding(folder.root, [*SECRETS, *flag_texts(intake)])
    found = {needle: [p for p in paths if not p.startswith("questionnaires/")]
             for needle, paths in found.items()}
    assert {needle: paths for needle, paths in found.items() if paths} == {}
    # The kiosk cannot read back what it saved; its draft it can (to resume after a crash).
    with pytest.raises(RecordLocked):
        kiosk.get_intake(intake.short_code)
    assert kiosk.load_draft("front").answers["full_name"] == PATIENT_NAME  # type: ignore[union-attr]
    # The viewer, holding the key, reads the record and links it to its patient.
    viewer = folder.reading_store()
    assert viewer.get_intake(intake.short_code).answers["full_name"] == PATIENT_NAME
    assert viewer.get_intake(intake.id).patient is None
    assert viewer.link_waiting() == 1
    linked = viewer.get_intake(intake.id)
    assert linked.patient is not None
    assert [visit.id for visit in viewer.patient_visits(linked.patient)] == [intake.id]
    assert viewer.link_waiting() == 0
    # A check without a login reads every file and says what it could not compare.
    report = kiosk.check()
    assert report.problems == [] and report.not_checked
    assert viewer.check().problems == []


def test_a_sealed_part_moved_onto_another_record_or_damaged_does_not_open(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    folder = set_up_keys(tmp_path / "data")
    first, second = saved_by_a_kiosk(folder, questionnaire, 2)
    day_file = folder.reading_store().record_file(first.id)[1]
    text = day_file.read_text()
    sealed = [part.split('"')[0] for part in text.split('"sealed":"')[1:]]
    day_file.write_text(text.replace(sealed[0], "@").replace(sealed[1], sealed[0])
                        .replace("@", sealed[1]))
    with pytest.raises(StoreDamaged, match="does not open with the clinic's key"):
        folder.reading_store().get_intake(first.id)
    with pytest.raises(SealBroken):
        folder.key.open("ks1.AAAA", b"x")


def test_passwords_and_recovery_code_open_the_key_and_nothing_else_does(tmp_path: Path) -> None:
    folder = set_up_keys(tmp_path / "data")
    keys = Store(folder.root).keys
    assert keys.unlock(STAFF, PASSWORD).link_secret == folder.key.link_secret
    with pytest.raises(WrongSecret):
        keys.unlock(STAFF, PASSWORD + "!")
    with pytest.raises(WrongSecret, match="wrong recovery code"):
        keys.unlock_with_recovery("00000-00000-00000-00000-00000")
    # Case, spaces and read-alike letters are forgiven.
    assert keys.unlock_with_recovery(folder.recovery_code.lower().replace("-", " "))
    wrapped = keys.wrapped_path.read_text()
    keys.wrapped_path.write_text(wrapped.replace('"wrapped":"', '"wrapped":"AAAA', 1))
    with pytest.raises(WrongSecret):
        keys.unlock(STAFF, PASSWORD)
    keys.wrapped_path.write_text("{not json")
    assert [p.path.name for p in Store(folder.root).check().problems] == ["wrapped-keys.json"]
    with pytest.raises(StoreDamaged, match="wrapped-keys.json"):
        keys.unlock(STAFF, PASSWORD)
    keys.wrapped_path.unlink()
    with pytest.raises(StoreDamaged, match="missing, though the clinic's public key is there"):
        keys.unlock(STAFF, PASSWORD)


def test_the_desk_commands_need_a_login_once_there_are_keys(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    root = tmp_path / "data"
    Store(root).save_intake(flagged(questionnaire), questionnaire)
    listed = kiosk_command(root, "records", "list")
    assert (listed.returncode, listed.stderr) == (0, "")  # no keys yet: as before

    made = kiosk_command(root, "staff", "add", STAFF, "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    code = next(line.strip() for line in made.stdout.splitlines() if line.count("-") == 4)
    assert "sealed 1 record(s)" in made.stdout
    assert files_holding(root, SECRETS) == {}

    refused = kiosk_command(root, "records", "list")
    assert refused.returncode == 2 and "needs a staff login" in refused.stderr
    assert refused.stderr.count("\n") == 1
    wrong = kiosk_command(root, "records", "list", "--user", STAFF, "--password-stdin",
                          stdin="not it at all\n")
    assert wrong.returncode == 2 and "wrong password for staff account 'ana'" in wrong.stderr
    Store(root).save_intake(flagged(questionnaire), questionnaire)  # a kiosk: sealed, unlinked
    shown = kiosk_command(root, "records", "list", "--json", "--user", STAFF,
                          "--password-stdin", stdin=PASSWORD + "\n")
    assert shown.returncode == 0 and '"short_code"' in shown.stdout
    # The login linked the kiosk's visit to the same patient (same name and birth date).
    assert len({record["patient"] for record in json.loads(shown.stdout)}) == 1

    # Nobody reaching a shell can add an account; a login or the recovery code can.
    alone = kiosk_command(root, "staff", "add", "eve", "--password-stdin", stdin="evilpass1\n")
    assert alone.returncode != 0 and "needs an existing staff login" in alone.stderr
    added = kiosk_command(root, "staff", "add", "bo", "--user", STAFF, "--password-stdin",
                          stdin=f"{PASSWORD}\nbo's password\n")
    assert added.returncode == 0, added.stderr
    # Every password lost: the recovery code sets a new one.
    reset = kiosk_command(root, "staff", "passwd", STAFF, "--recovery-code", "--password-stdin",
                          stdin=f"{code}\nnew password 2\n")
    assert reset.returncode == 0, reset.stderr
    again = kiosk_command(root, "records", "list", "--user", STAFF, "--password-stdin",
                          stdin="new password 2\n")
    assert again.returncode == 0, again.stderr
    removed = kiosk_command(root, "staff", "remove", "bo", "--user", STAFF, "--password-stdin",
                            stdin="new password 2\n")
    assert removed.returncode == 0, removed.stderr
    gone = kiosk_command(root, "records", "list", "--user", "bo", "--password-stdin",
                         stdin="bo's password\n")
    assert gone.returncode != 0
    # A backup holds the keys, still wrapped; restored elsewhere, a login reads it.
    backed = kiosk_command(root, "backup", str(root.parent / "backups"))
    assert backed.returncode == 0, backed.stderr
    archive = next((root.parent / "backups").glob("*.tar.gz"))
    restored = root.parent / "restored"
    assert kiosk_command(restored, "restore", str(archive)).returncode == 0
    assert kiosk_command(restored, "check").returncode == 0
    after = kiosk_command(restored, "records", "list", "--user", STAFF, "--password-stdin",
                          stdin="new password 2\n")
    assert after.returncode == 0 and after.stdout.count("\n") == 3, after.stderr
    code = json.loads(shown.stdout)[0]["short_code"]
    trail = kiosk_command(root, "audit", "--record", code)  # ids and actions: no login
    assert trail.returncode == 0 and "unlock" not in trail.stdout, trail.stderr
    audit = "".join(path.read_text() for path in (root / "audit").rglob("*.jsonl"))
    assert audit.count('"action":"unlock"') >= 4 and '"unlock refused"' in audit
    assert PATIENT_NAME not in audit


def test_erasing_a_sealed_record_leaves_no_byte_of_it(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    folder = set_up_keys(tmp_path / "data")
    kept, erased = saved_by_a_kiosk(folder, questionnaire, 2)
    viewer = folder.reading_store()
    viewer.link_waiting()
    day_file = viewer.record_file(erased.id)[1]
    sealed_part = day_file.read_text().split(f'"id":"{erased.id}"')[1]
    sealed_part = sealed_part.split('"sealed":"')[1].split('"')[0]
    viewer.erase_record(erased.short_code, "ana")
    assert files_holding(folder.root, [sealed_part[:40], erased.short_code]) == {}
    assert viewer.get_intake(kept.id).answers["full_name"] == PATIENT_NAME
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    assert viewer.purge_before(tomorrow, "ana") == [kept.id]
    assert not list((folder.root / "records").rglob("*.json"))
    assert {path.read_text() for path in (folder.root / "index").rglob("*.json")} <= {"{}"}


SEAL_AND_DIE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from kiosk.store import Store
    from kiosk.storage import patients
    from kiosk.storage.sealing_migration import seal_in_place
    store = Store(Path(sys.argv[1]))
    with store.locked():  # as 'kiosk staff add' does: the link secret is kept, sealed
        store.keys.set_up("ana", "correct horse battery", patients.load_secret(store.root))
    parts = 0
    def die_after_two():
        global parts
        parts += 1
        if parts == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    seal_in_place(store, after_part=die_after_two)
""")


def test_sealing_in_place_survives_a_kill_and_loses_nothing(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    root = tmp_path / "data"
    store = Store(root)
    saved = []
    for days_ago in range(5):  # one day file each
        intake = flagged(questionnaire)
        intake.submitted_at = intake.created_at = \
            dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        store.save_intake(intake, questionnaire)
        saved.append(store.get_intake(intake.id))
    killed = subprocess.run([sys.executable, "-c", SEAL_AND_DIE, str(root)], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert files_holding(root, [PATIENT_NAME])  # some day files are still in clear
    finished = kiosk_command(root, "staff", "list")  # any staff command carries on
    assert finished.returncode == 0, finished.stderr
    assert files_holding(root, SECRETS) == {}
    assert not (root / "documents" / "patient-link-secret.json").exists()
    viewer = Store(root)
    viewer.unlock(viewer.keys.unlock(STAFF, PASSWORD))
    assert [viewer.get_intake(intake.id) for intake in saved] == saved
    assert viewer.check().problems == []
