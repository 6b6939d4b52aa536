"""``kiosk check``: every problem named by file; repair rebuilds the indexes from the day files,
keeping the damaged file aside, and never rewrites what only a backup has."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_store_helpers import (
    intake,
    kiosk,
    small_questionnaire,
    start_worker,
    write_small_questionnaire,
)

from kiosk.intake import Intake
from kiosk.storage.layout import bucket
from kiosk.store import AuditEvent, Store


@pytest.fixture
def clinic(tmp_path: Path) -> tuple[Store, list[Intake]]:
    """Records over two days, with audit events and an account."""
    questionnaire = small_questionnaire(tmp_path)
    store = Store(tmp_path / "data")
    saved = []
    for n in range(8):
        record = intake(questionnaire, f"Patient {n}")
        if n % 2:
            record.submitted_at = dt.datetime(2026, 11, 23, 9, n, tzinfo=dt.UTC)
        store.save_intake(record, questionnaire)
        store.record_audit(AuditEvent(actor="dr.lee", action="view", record_id=record.id))
        saved.append(record)
    store.update_document("staff", lambda document: document.update(users=["lee"]))
    return store, saved


def check(store: Store, *options: str) -> tuple[int, list[str]]:
    done = kiosk("check", *options, "--data", str(store.root))
    assert not done.stderr
    return done.returncode, done.stdout.splitlines()


def test_a_sound_folder_checks_clean_and_says_what_it_read(
        clinic: tuple[Store, list[Intake]]) -> None:
    store, _ = clinic
    code, lines = check(store)
    assert code == 0
    assert lines[0].startswith("Checked 2 day files, 8 records, 1 audit day, 1 questionnaire,")
    assert lines[0].endswith(" s.")
    assert lines[1] == "No problems found."


@pytest.mark.parametrize("index", ["ids", "codes"])
def test_a_damaged_index_bucket_is_rebuilt_and_kept_aside(clinic: tuple[Store, list[Intake]],
                                                          index: str) -> None:
    store, saved = clinic
    record = saved[0]
    key = record.id if index == "ids" else record.short_code
    damaged = store.root / "index" / index / f"{bucket(key)}.json"
    kept = damaged.read_bytes()[:-7]
    damaged.write_bytes(kept)  # torn

    shown = kiosk("records", "show", key, "--data", str(store.root))
    assert shown.returncode == 1
    assert f"damaged data file {damaged}" in shown.stderr
    assert "'kiosk check --repair'" in shown.stderr

    code, lines = check(store)
    assert code == 1
    assert lines[0] == (f"problem: {damaged}: it ends in the middle of the data (truncated) "
                        "('kiosk check --repair' rebuilds it)")
    assert lines[-1] == "Run 'kiosk check --repair' to rebuild what is derived from the day files."

    code, lines = check(store, "--repair")
    assert code == 0
    assert lines[0] == f"repaired: {damaged}: it ends in the middle of the data (truncated)"
    (aside,) = (store.root / "damaged" / "index" / index).iterdir()
    assert aside.name.startswith(f"{damaged.name}.")
    assert aside.read_bytes() == kept
    assert lines[1] == f"kept the damaged file as {aside}"
    assert lines[-1] == "No problems left."
    code, lines = check(store)
    assert (code, lines[-1]) == (0, "No problems found.")
    assert store.get_intake(key).id == record.id


def test_an_index_missing_an_entry_or_pointing_nowhere_is_rebuilt(
        clinic: tuple[Store, list[Intake]]) -> None:
    store, saved = clinic
    path = store.root / "index" / "ids" / f"{bucket(saved[1].id)}.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    del entries[saved[1].id]
    entries[saved[1].id[:2] + "0" * 24] = "2026-11-23"  # a record that was never stored
    path.write_text(json.dumps(entries), encoding="utf-8")
    report = store.check()
    (problem,) = report.problems
    assert problem.path == path and problem.repairable
    assert "1 record(s) missing from it or wrong in it" in problem.problem
    assert "1 entry points at no stored record" in problem.problem
    assert store.check(repair=True).left == []
    assert store.get_intake(saved[1].id).id == saved[1].id
    assert store.check().problems == []


def test_a_damaged_day_file_is_reported_never_rewritten(clinic: tuple[Store, list[Intake]],
                                                        tmp_path: Path) -> None:
    store, saved = clinic
    backups = tmp_path / "backups"
    newest = store.take_backup(backups).path
    kiosk("config", "set", "backup_dir", str(backups), "--data", str(store.root))
    (day_file,) = (store.root / "records").glob("*/*/2026-11-23.json")
    damaged = day_file.read_bytes()[:-40]
    day_file.write_bytes(damaged)
    ids_before = sorted(p.read_bytes() for p in (store.root / "index" / "ids").iterdir())

    code, lines = check(store, "--repair")
    assert code == 1
    assert lines[0] == (f"problem: {day_file}: it ends in the middle of the data (truncated) "
                        "(only a backup has it)")
    assert f"the newest backup is {newest}" in lines[-1]
    assert day_file.read_bytes() == damaged
    assert not (store.root / "damaged").exists()
    # Its records' index entries stay: the restored day file will need them.
    assert sorted(p.read_bytes() for p in (store.root / "index" / "ids").iterdir()) == ids_before
    assert store.get_intake(saved[0].id).id == saved[0].id  # the other day still reads


def test_a_check_while_a_writer_saves_finds_nothing_wrong(tmp_path: Path) -> None:
    """A save writes its index entries a moment before its record: no false alarm."""
    store = Store(tmp_path / "data")
    writer = start_worker(tmp_path, store.root, write_small_questionnaire(tmp_path), "save",
                          2000)
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "ready"
        writer.stdout.readline()
        for _ in range(12):
            assert store.check().problems == []
        assert writer.poll() is None, "the writer finished first: nothing was shown"
    finally:
        writer.kill()
        writer.communicate()


def test_a_short_code_two_records_share_is_reported_and_left_as_it_is(
        clinic: tuple[Store, list[Intake]]) -> None:
    # Records copied into the folder by hand can share a code; the front desk would open
    # the wrong patient's record with it, and the patients were shown it: report, never change.
    store, saved = clinic
    first, second = saved[1], saved[3]  # both on 2026-11-23
    (day_file,) = (store.root / "records").glob("*/*/2026-11-23.json")
    day = json.loads(day_file.read_text(encoding="utf-8"))
    for document in day["intakes"].values():
        if document["id"] == second.id:
            document["short_code"] = first.short_code
    day_file.write_text(json.dumps(day), encoding="utf-8")
    code, lines = check(store, "--repair")
    assert code == 1
    shared = [line for line in lines if f"short code {first.short_code}" in line]
    assert len(shared) == 1 and f"look up {second.id} by record id" in shared[0]
    assert store.get_intake(first.short_code).id == first.id
