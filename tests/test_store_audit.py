"""The audit log as JSON Lines: appends never rewrite the day, a torn last line is skipped."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kiosk.storage.layout import AUDIT, day_file
from kiosk.store import AuditEvent, Store, StoreDamaged

DAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
RECORD = "r" * 26


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def view(minute: int, actor: str = "dr.lee") -> AuditEvent:
    return AuditEvent(at=DAY + dt.timedelta(minutes=minute), actor=actor, action="view",
                      record_id=RECORD, address="192.168.1.20")


def day_path(store: Store) -> Path:
    return day_file(store.root, AUDIT, "2026-11-23", ".jsonl")


def test_an_append_adds_lines_without_rewriting_what_the_day_holds(store: Store) -> None:
    store.record_audit_many([view(n) for n in range(500)])
    path = day_path(store)
    before, inode = path.read_bytes(), path.stat().st_ino
    store.record_audit(view(600, "dr.kim"))
    after = path.read_bytes()
    assert path.stat().st_ino == inode  # the same file, appended to, not replaced
    assert after.startswith(before)
    added = after[len(before):]
    assert added.count(b"\n") == 1 and json.loads(added)["actor"] == "dr.kim"
    assert len(store.audit_events(RECORD)) == 501


def test_a_torn_last_line_is_skipped_and_dropped_by_the_next_append(store: Store) -> None:
    store.record_audit(view(0))
    path = day_path(store)
    whole = path.read_bytes()
    torn = json.dumps(view(1, "dr.kim").model_dump(mode="json")).encode()[:40]
    path.write_bytes(whole + torn)  # a crash in the middle of an append
    assert [e.actor for e in store.audit_events()] == ["dr.lee"]
    assert [e.actor for e in store.audit_events(RECORD)] == ["dr.lee"]
    store.record_audit(view(2, "dr.ng"))
    assert path.read_bytes().startswith(whole)
    assert [e.actor for e in store.audit_events()] == ["dr.lee", "dr.ng"]


def test_a_whole_event_without_its_newline_is_skipped_as_unacknowledged(store: Store) -> None:
    store.record_audit(view(0))
    path = day_path(store)
    whole = path.read_bytes()
    path.write_bytes(whole + json.dumps(view(1, "dr.kim").model_dump(mode="json")).encode())
    assert [e.actor for e in store.audit_events()] == ["dr.lee"]


@pytest.mark.parametrize(("damage", "wording"), [
    (b"this is not an event\n", "line 2 is not valid JSON"),
    (b'{"at": "2026-11-23T09:01:00Z", "acto\n', "line 2 ends in the middle of an event"),
    (b'{"at": "2026-11-23T09:01:00Z"}\n', "line 2 does not hold an audit event"),
    (b"\n", "line 2 is empty"),
])
def test_a_bad_line_before_the_end_is_damage_and_left_as_it_is(store: Store, damage: bytes,
                                                                 wording: str) -> None:
    store.record_audit(view(0))
    path = day_path(store)
    later = (json.dumps(view(9).model_dump(mode="json")) + "\n").encode()
    for_readers = path.read_bytes() + damage + later  # the bad line is in the middle
    path.write_bytes(for_readers)
    for read in (store.audit_events, lambda: store.audit_events(RECORD)):
        with pytest.raises(StoreDamaged) as caught:
            read()
        assert str(path) in str(caught.value) and wording in str(caught.value)
    assert path.read_bytes() == for_readers


def test_junk_at_the_end_stops_an_append_and_is_left_as_it_is(store: Store) -> None:
    store.record_audit(view(0))
    path = day_path(store)
    damaged = path.read_bytes() + b"\x00\x00\x00\x00"
    path.write_bytes(damaged)
    for act in (store.audit_events, lambda: store.record_audit(view(1))):
        with pytest.raises(StoreDamaged, match="not the start of an audit event"):
            act()
    assert path.read_bytes() == damaged


def test_a_view_writes_only_its_day_file(store: Store) -> None:
    def data_files() -> set[Path]:  # the lock file is not data
        return {p for p in store.root.rglob("*") if p.is_file() and p.name != "store.lock"}

    before = data_files()
    store.record_audit(view(0))
    assert data_files() - before == {day_path(store)}
