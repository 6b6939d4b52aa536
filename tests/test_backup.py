"""Backups: consistent while a writer saves, never accepted half-written, restored byte for
byte, and refused when damaged, cut short or edited."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import re
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from test_store_helpers import (
    KIOSK,
    intake,
    kiosk,
    small_questionnaire,
    start_worker,
    write_small_questionnaire,
)

from kiosk.intake import QuestionnairePin
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage.backup import backed_up_files, restore_backup, verify_backup
from kiosk.storage.errors import StoreError
from kiosk.store import AuditEvent, Draft, Store


def clinic_store(root: Path, questionnaire: Questionnaire, count: int = 6) -> Store:
    """A store with records over two days, audit events, an account, settings and a draft."""
    store = Store(root)
    for n in range(count):
        record = intake(questionnaire, f"Patient {n}", blood_thinners=n % 2 == 0)
        if n % 2:
            record.submitted_at = dt.datetime(2026, 11, 23, 9, n, tzinfo=dt.UTC)
        store.save_intake(record, questionnaire)
        store.record_audit(AuditEvent(actor="dr.lee", action="view", record_id=record.id))
    store.update_document("staff", lambda document: document.update(users=["lee"]))
    (root / "config.json").write_text('{"clinic_name": "Riverside Physio"}', encoding="utf-8")
    store.save_draft(Draft(station="tablet-1", questionnaire=QuestionnairePin.of(questionnaire),
                           language="en", answers={"pain_now": 3}, section_index=1))
    return store


@pytest.fixture
def questionnaire(tmp_path: Path) -> Questionnaire:
    return small_questionnaire(tmp_path)


@pytest.fixture
def backup_file(tmp_path: Path, questionnaire: Questionnaire) -> Path:
    return clinic_store(tmp_path / "data", questionnaire).take_backup(tmp_path / "backups").path


def test_a_restore_gives_every_file_back_byte_for_byte(tmp_path: Path,
                                                       questionnaire: Questionnaire) -> None:
    store = clinic_store(tmp_path / "data", questionnaire)
    done = kiosk("backup", str(tmp_path / "backups"), "--data", str(store.root))
    assert done.returncode == 0, done.stderr
    (written,) = (tmp_path / "backups").iterdir()
    assert f"Backup written: {written} (" in done.stdout
    assert written.name.startswith("kiosk-backup-") and written.name.endswith(".tar.gz")

    restored = kiosk("restore", str(written), "--data", str(tmp_path / "restored"))
    assert restored.returncode == 0, restored.stderr
    names = list(backed_up_files(store.root))
    assert list(backed_up_files(tmp_path / "restored")) == names
    assert {"config.json", "documents/staff.json"} <= set(names)
    assert not any(name.startswith("drafts") for name in names)  # answers still being given
    for name in names:
        assert (tmp_path / "restored" / name).read_bytes() == (store.root / name).read_bytes()
    again = Store(tmp_path / "restored")
    assert [i.model_dump() for i in again.list_intakes()] == \
        [i.model_dump() for i in store.list_intakes()]
    assert again.load_draft("tablet-1") is None
    assert not again.check().problems


def test_a_backup_while_a_writer_saves_holds_every_record_acknowledged_before_it(
        tmp_path: Path) -> None:
    questionnaire_path = write_small_questionnaire(tmp_path)
    store = Store(tmp_path / "data")
    writer = start_worker(tmp_path, store.root, questionnaire_path, "save", 400)
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "ready"
        before = [writer.stdout.readline().split()[0] for _ in range(25)]
        backup = store.take_backup(tmp_path / "backups")  # while the writer goes on saving
        assert writer.poll() is None, "the writer finished before the backup: nothing shown"
        assert backup.locked_seconds < 1.0  # how long a save could wait for it
    finally:
        writer.kill()
        writer.communicate()
    restore_backup(backup.path, tmp_path / "restored")
    restored = Store(tmp_path / "restored")
    for record_id in before:
        assert restored.get_intake(record_id).id == record_id
    report = restored.check()  # a consistent moment: every index entry has its record
    assert report.problems == []
    assert report.counts["record"] >= len(before)


def test_a_backup_killed_half_way_leaves_nothing_restore_accepts(tmp_path: Path,
                                                                questionnaire: Questionnaire
                                                                ) -> None:
    store = clinic_store(tmp_path / "data", questionnaire)
    # A big document of incompressible text, so the kill lands while the archive is written.
    store.update_document("big", lambda document: document.update(
        blob=os.urandom(12_000_000).hex()))
    backups = tmp_path / "backups"
    process = subprocess.Popen([str(KIOSK), "backup", str(backups), "--data", str(store.root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    def written() -> int:  # how much of the backup is written so far
        return sum(path.stat().st_size for path in backups.iterdir()) if backups.exists() else 0

    while written() < 100_000:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    (left,) = backups.iterdir()
    assert left.name.endswith(".tar.gz.partial")
    renamed = left.rename(backups / left.name.removesuffix(".partial"))  # as if someone tried
    refused = kiosk("restore", str(renamed), "--data", str(tmp_path / "restored"))
    assert refused.returncode == 1
    assert "nothing was restored" in refused.stderr
    assert "is cut short (truncated)" in refused.stderr
    assert not (tmp_path / "restored").exists() or not any((tmp_path / "restored").iterdir())
    assert not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]
    (store.root / "documents" / "big.json").unlink()
    finished = store.take_backup(backups)  # the next backup cleans the killed one's links
    assert verify_backup(finished.path) > 0
    assert not [p for p in store.root.iterdir() if p.name.startswith(".backup-")]


def rewritten(backup: Path, change: str) -> bytes:
    """The backup's tar with one record file's bytes changed (``edit``) or dropped."""
    output = io.BytesIO()
    with tarfile.open(backup, mode="r:gz") as source, \
            tarfile.open(fileobj=output, mode="w:gz") as tar:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("records/"):
                if change == "dropped":
                    continue
                data = data.replace(b'"pain_now":4', b'"pain_now":9', 1)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return output.getvalue()


@pytest.mark.parametrize(("damage", "said"), [
    ("truncated", r"is cut short \(truncated\)"),
    ("byte flipped", "damaged|cut short"),  # which depends on where the byte lands
    ("edited", "does not match its hash in the manifest"),
    ("dropped", "which its manifest lists"),
    ("not a backup", "is damaged or is not a kiosk backup"),
])
def test_a_damaged_or_edited_backup_is_refused(tmp_path: Path, backup_file: Path, damage: str,
                                               said: str) -> None:
    raw = backup_file.read_bytes()
    if damage == "truncated":
        raw = raw[:len(raw) * 2 // 3]
    elif damage == "byte flipped":
        middle = len(raw) // 2
        raw = raw[:middle] + bytes([raw[middle] ^ 0xFF]) + raw[middle + 1:]
    elif damage == "not a backup":
        raw = gzip.compress(b"just some text")
    else:
        raw = rewritten(backup_file, damage)
    backup_file.write_bytes(raw)
    with pytest.raises(StoreError) as refused:
        restore_backup(backup_file, tmp_path / "restored")
    assert re.search(said, str(refused.value))
    assert "nothing was restored" in str(refused.value)
    assert not (tmp_path / "restored").exists()
    assert not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]


def test_restore_sets_a_used_folder_aside_only_when_asked(tmp_path: Path,
                                                          backup_file: Path) -> None:
    used = tmp_path / "in-use"
    used.mkdir()
    (used / "note.txt").write_text("keep me", encoding="utf-8")
    refused = kiosk("restore", str(backup_file), "--data", str(used))
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr and "--replace" in refused.stderr
    assert [p.name for p in used.iterdir()] == ["note.txt"]

    replaced = kiosk("restore", str(backup_file), "--data", str(used), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("in-use.before-restore-")]
    assert f"kept as {aside}" in replaced.stdout
    assert (aside / "note.txt").read_text(encoding="utf-8") == "keep me"
    assert Store(used).list_intakes()


def test_a_backup_inside_the_data_folder_or_on_a_missing_stick_is_refused(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    store = clinic_store(tmp_path / "data", questionnaire, count=1)
    with pytest.raises(StoreError, match="inside the data folder"):
        store.take_backup(store.root / "backups")
    with pytest.raises(StoreError, match="is the USB stick or network folder connected"):
        store.take_backup(tmp_path / "usb" / "backups")
