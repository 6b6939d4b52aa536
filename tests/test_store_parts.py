"""A day's records in parts of bounded size: every record found, listed in order, kept in
its part, checked, repaired, backed up; and folders written before parts still read."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

import pytest
from markupsafe import Markup
from test_store_helpers import intake, kiosk, small_questionnaire
from test_store_processes import acknowledged, run_and_kill

from kiosk.intake import Intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage import records
from kiosk.storage.backup import backed_up_files, restore_backup
from kiosk.storage.errors import StoreDamaged
from kiosk.storage.layout import bucket
from kiosk.store import Store
from kiosk.viewer.record_cache import RecordCache

SMALL_PART = 3
DAY = "2026-11-23"
MONTH = Path("records/2026/11")


def ids_entry(store: Store, record_id: str) -> str:
    path = store.root / "index" / "ids" / f"{bucket(record_id)}.json"
    value: str = json.loads(path.read_text(encoding="utf-8"))[record_id]
    return value


def file_of_day(store: Store, name: str) -> list[str]:
    """The record ids a file of the records folder holds, in stored order."""
    data = json.loads((store.root / MONTH / name).read_text(encoding="utf-8"))
    return [document["id"] for document in data["intakes"].values()]


def save_day(store: Store, questionnaire: Questionnaire, count: int,
             first: int = 0) -> list[Intake]:
    """``count`` records submitted on DAY, a minute apart, the newest last."""
    saved = []
    for n in range(first, first + count):
        record = intake(questionnaire, f"Patient {n}")
        record.submitted_at = dt.datetime(2026, 11, 23, 8, n, tzinfo=dt.UTC)
        store.save_intake(record, questionnaire)
        saved.append(record)
    return saved


@pytest.fixture
def questionnaire(tmp_path: Path) -> Questionnaire:
    return small_questionnaire(tmp_path)


@pytest.fixture
def parted(tmp_path: Path, questionnaire: Questionnaire,
           monkeypatch: pytest.MonkeyPatch) -> tuple[Store, list[Intake]]:
    """8 records on DAY in parts of 3, and one the day after."""
    monkeypatch.setattr(records, "PART_SIZE", SMALL_PART)
    store = Store(tmp_path / "data")
    saved = save_day(store, questionnaire, 8)
    later = intake(questionnaire, "Patient Later")
    later.submitted_at = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    store.save_intake(later, questionnaire)
    return store, [*saved, later]


def test_a_day_fills_its_parts_in_turn_and_every_record_is_found(
        parted: tuple[Store, list[Intake]]) -> None:
    store, saved = parted
    assert sorted(os.listdir(store.root / MONTH)) == [
        f"{DAY}.json", f"{DAY}.p1.json", f"{DAY}.p2.json", "2026-11-24.json"]
    day = saved[:8]
    assert file_of_day(store, f"{DAY}.json") == [record.id for record in day[:3]]
    assert file_of_day(store, f"{DAY}.p1.json") == [record.id for record in day[3:6]]
    assert file_of_day(store, f"{DAY}.p2.json") == [record.id for record in day[6:]]
    assert [ids_entry(store, record.id) for record in day] == \
        [DAY] * 3 + [f"{DAY}.p1"] * 3 + [f"{DAY}.p2"] * 2
    for record in saved:
        assert store.get_intake(record.id) == record
        assert store.get_intake(record.short_code).id == record.id
    newest_first = [saved[8], *reversed(day)]
    assert [record.id for record in store.list_intakes()] == [r.id for r in newest_first]
    assert [record.id for record in store.list_intakes(limit=4)] == \
        [r.id for r in newest_first[:4]]
    assert [r.id for r in records.read_day(store.root, DAY)] == [r.id for r in reversed(day)]
    assert records.days(store.root) == [DAY, "2026-11-24"]
    # the viewer keeps a part parsed as it kept a day file
    cache = RecordCache(store, lambda record: Markup(record.id))
    assert cache.record(day[4].short_code).intake == day[4]
    assert store.record_file(day[4].id)[1] == store.root / MONTH / f"{DAY}.p1.json"


def test_a_record_keeps_its_part_when_reviewed_merged_or_split(
        parted: tuple[Store, list[Intake]]) -> None:
    store, saved = parted
    reviewed = store.mark_reviewed(saved[4].short_code, "dr.lee")
    assert reviewed.status == "reviewed"
    kept = store.merge_patients(saved[7].id, saved[1].id, "dr.lee")  # part 2 and part 0
    assert store.get_intake(saved[1].id).patient == kept
    split = store.split_visit(saved[1].id, "dr.lee")
    assert split.patient not in (None, kept)
    assert file_of_day(store, f"{DAY}.json") == [record.id for record in saved[:3]]
    assert file_of_day(store, f"{DAY}.p1.json") == [record.id for record in saved[3:6]]
    assert file_of_day(store, f"{DAY}.p2.json") == [record.id for record in saved[6:8]]
    assert store.get_intake(saved[4].id).reviewed_by == "dr.lee"
    assert store.get_intake(saved[1].id).patient == split.patient
    assert store.patient_visits(kept) == [store.get_intake(saved[7].id)]
    patients = {record.patient for record in store.list_intakes()}
    assert store.rebuild_patient_index() == (len(patients), 9)
    assert store.check().problems == []


def test_a_folder_written_before_parts_reads_and_grows_without_migration(
        tmp_path: Path, questionnaire: Questionnaire, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "data")
    monkeypatch.setattr(records, "PART_SIZE", 1_000)  # as before parts: one file a day
    old = save_day(store, questionnaire, 5)
    assert os.listdir(store.root / MONTH) == [f"{DAY}.json"]
    assert {ids_entry(store, record.id) for record in old} == {DAY}  # a plain day

    monkeypatch.setattr(records, "PART_SIZE", SMALL_PART)
    assert [record.id for record in store.list_intakes()] == [r.id for r in reversed(old)]
    for record in old:
        assert store.get_intake(record.short_code) == record
    store.mark_reviewed(old[0].id, "dr.lee")
    new = save_day(store, questionnaire, 2, first=5)  # the old day file is over-full: a part
    assert file_of_day(store, f"{DAY}.json") == [record.id for record in old]
    assert file_of_day(store, f"{DAY}.p1.json") == [record.id for record in new]
    assert [record.id for record in store.list_intakes()] == \
        [r.id for r in reversed(old + new)]
    assert store.check().problems == []


def test_check_names_a_damaged_part_and_repair_points_the_id_index_at_parts(
        parted: tuple[Store, list[Intake]]) -> None:
    store, saved = parted
    for bucket_file in (store.root / "index" / "ids").iterdir():
        bucket_file.unlink()  # every id-index entry lost
    report = store.check(repair=True)
    assert report.problems and report.left == []
    assert [ids_entry(store, record.id) for record in saved[:8]] == \
        [DAY] * 3 + [f"{DAY}.p1"] * 3 + [f"{DAY}.p2"] * 2
    assert store.get_intake(saved[5].short_code) == saved[5]

    part = store.root / MONTH / f"{DAY}.p1.json"
    damaged = part.read_bytes()[:-30]
    part.write_bytes(damaged)
    done = kiosk("check", "--repair", "--data", str(store.root))
    assert done.returncode == 1, done.stderr
    assert f"problem: {part}: it ends in the middle of the data (truncated)" in done.stdout
    assert "repaired:" not in done.stdout  # the index entries into that part are kept
    assert part.read_bytes() == damaged
    assert ids_entry(store, saved[4].id) == f"{DAY}.p1"
    assert store.get_intake(saved[2].id) == saved[2]  # the day's other parts still read
    assert store.get_intake(saved[6].id) == saved[6]


def test_an_id_index_value_naming_no_part_is_damage_not_a_path(
        parted: tuple[Store, list[Intake]]) -> None:
    store, saved = parted
    path = store.root / "index" / "ids" / f"{bucket(saved[0].id)}.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    entries[saved[0].id] = "../../../documents/staff"
    path.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(StoreDamaged, match="it holds a place that is no day"):
        store.get_intake(saved[0].id)
    assert store.check(repair=True).left == []
    assert store.get_intake(saved[0].id) == saved[0]


def test_a_backup_restores_every_part(parted: tuple[Store, list[Intake]],
                                      tmp_path: Path) -> None:
    store, _ = parted
    backup = store.take_backup(tmp_path / "backups").path
    restore_backup(backup, tmp_path / "restored")
    names = list(backed_up_files(store.root))
    assert f"{MONTH}/{DAY}.p2.json" in names
    assert list(backed_up_files(tmp_path / "restored")) == names
    again = Store(tmp_path / "restored")
    assert again.list_intakes() == store.list_intakes()
    assert again.check().problems == []


def write_until_killed(store: Store, questionnaire: Questionnaire, out: int) -> None:
    """Saves into one day in parts of 2, acknowledging each once it returned."""
    records.PART_SIZE = 2  # this forked child's own module
    os.write(out, b"ready\n")
    n = 0
    while True:
        record = intake(questionnaire, f"Patient {os.getpid()} {n}")
        record.submitted_at = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC) \
            + dt.timedelta(seconds=n)
        store.save_intake(record, questionnaire)
        os.write(out, f"{record.id} {record.short_code}\n".encode())
        n += 1


def test_killing_a_writer_between_part_writes_loses_no_acknowledged_record(
        tmp_path: Path, questionnaire: Questionnaire) -> None:
    data = tmp_path / "data"
    rng = random.Random()
    saved: list[tuple[str, str]] = []
    rounds = 0
    while rounds < 15 or len(saved) < 12:  # enough saves to fill several parts
        rounds += 1
        saved += acknowledged(run_and_kill(data, questionnaire, rng.uniform(0.0, 0.05),
                                           write_until_killed))
    store = Store(data)
    parts = sorted(os.listdir(data / MONTH))
    assert len(parts) >= len(saved) / 2
    assert all(len(file_of_day(store, name)) <= 2 for name in parts)
    listed = {record.id for record in store.list_intakes()}
    for record_id, short_code in saved:
        assert record_id in listed
        assert store.get_intake(short_code).id == record_id
    assert store.check(repair=True).left == []  # index entries of saves cut short: rebuilt
    assert store.check().problems == []
    assert {record.id for record in store.list_intakes()} == listed
