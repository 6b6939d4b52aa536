"""The store's day-to-day behaviour: records, drafts, audit, documents, the data folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from test_store_helpers import answers, intake, small_questionnaire

from kiosk.intake import QuestionnairePin, build_intake
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire, content_digest
from kiosk.storage import files
from kiosk.store import AuditEvent, Draft, RecordNotFound, Store, StoreError


@pytest.fixture
def questionnaire(tmp_path: Path) -> Questionnaire:
    return small_questionnaire(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def test_a_saved_intake_opens_by_id_and_by_short_code(store: Store,
                                                       questionnaire: Questionnaire) -> None:
    record = intake(questionnaire, blood_thinners=True)
    store.save_intake(record, questionnaire)
    by_id = store.get_intake(record.id)
    assert by_id == record
    assert by_id.flags[0].message.startswith("Anticoagulated")
    assert store.get_intake(record.short_code.lower()).id == record.id  # typed in lowercase
    assert store.get_intake(f"  {record.short_code} ").id == record.id


def test_an_unknown_id_or_code_is_not_found(store: Store, questionnaire: Questionnaire) -> None:
    store.save_intake(intake(questionnaire), questionnaire)
    for key in ("ACDEFH", "2" * 26, "not-an-id", ""):
        with pytest.raises(RecordNotFound, match="no record has the id or short code"):
            store.get_intake(key)


def test_records_list_newest_first_and_filter_by_status_and_day(
        store: Store, questionnaire: Questionnaire) -> None:
    today = dt.datetime.now(dt.UTC)
    saved = []
    for days_ago in (3, 0, 1):
        record = intake(questionnaire)
        record.submitted_at = today - dt.timedelta(days=days_ago)
        store.save_intake(record, questionnaire)
        saved.append(record)
    listed = store.list_intakes()
    assert [r.id for r in listed] == [saved[1].id, saved[2].id, saved[0].id]
    store.mark_reviewed(saved[2].id, "dr.lee")
    assert [r.id for r in store.list_intakes(status="reviewed")] == [saved[2].id]
    assert [r.id for r in store.list_intakes(status="submitted")] == [saved[1].id, saved[0].id]
    local_day = (today - dt.timedelta(days=1)).astimezone().date()
    assert [r.id for r in store.list_intakes(since=local_day)] == [saved[1].id, saved[2].id]
    assert [r.id for r in store.list_intakes(until=local_day)] == [saved[2].id, saved[0].id]
    assert [r.id for r in store.list_intakes(limit=1)] == [saved[1].id]


def test_marking_reviewed_keeps_the_first_reviewer(store: Store,
                                                   questionnaire: Questionnaire) -> None:
    record = intake(questionnaire)
    store.save_intake(record, questionnaire)
    reviewed = store.mark_reviewed(record.short_code, "dr.lee")
    assert (reviewed.status, reviewed.reviewed_by) == ("reviewed", "dr.lee")
    assert store.mark_reviewed(record.id, "dr.kim").reviewed_by == "dr.lee"
    assert store.get_intake(record.id).reviewed_at == reviewed.reviewed_at


def test_a_taken_short_code_gets_a_fresh_one(store: Store, questionnaire: Questionnaire) -> None:
    first = intake(questionnaire)
    store.save_intake(first, questionnaire)
    second = intake(questionnaire, "Bo Li")
    second.short_code = first.short_code
    store.save_intake(second, questionnaire)
    assert second.short_code != first.short_code
    assert store.get_intake(second.short_code).id == second.id
    assert store.get_intake(first.short_code).id == first.id


def test_saving_the_same_record_again_replaces_it(store: Store,
                                                  questionnaire: Questionnaire) -> None:
    record = intake(questionnaire)
    store.save_intake(record, questionnaire)
    code = record.short_code
    record.station = "tablet-2"
    record.short_code = "ACDEFH"
    store.save_intake(record, questionnaire)
    assert record.short_code == code  # the patient was already shown this one
    assert [r.station for r in store.list_intakes()] == ["tablet-2"]


def test_a_record_keeps_reading_with_its_own_questionnaire_after_staff_edit_it(
        tmp_path: Path, store: Store, questionnaire: Questionnaire) -> None:
    record = intake(questionnaire)
    store.save_intake(record, questionnaire)
    edited_path = tmp_path / "small.yaml"
    edited_path.write_text(edited_path.read_text().replace("Pain right now",
                                                           "How bad is it today?"))
    edited = load_questionnaire(edited_path)
    store.save_intake(build_intake(edited, answers("Bo Li")), edited)
    pinned = store.questionnaire_for(record.questionnaire)
    assert pinned.items_by_id["pain_now"].label == "Pain right now"
    assert store.questionnaire_for(QuestionnairePin.of(edited)).items_by_id[
        "pain_now"].label == "How bad is it today?"
    assert len(list((store.root / "questionnaires").iterdir())) == 2


def test_an_intake_with_another_questionnaire_is_refused_and_nothing_written(
        tmp_path: Path, store: Store, questionnaire: Questionnaire) -> None:
    record = intake(questionnaire)
    other = questionnaire.model_copy(update={"version": 2})
    with pytest.raises(StoreError, match="was taken with questionnaire small-intake version 1"):
        store.save_intake(record, other)
    assert not [p for p in store.root.rglob("*") if p.is_file() and p.name != "store.lock"]


def test_data_folder_is_private_to_the_kiosk_user(tmp_path: Path,
                                                  questionnaire: Questionnaire) -> None:
    store = Store(tmp_path / "fresh" / "data")
    record = intake(questionnaire)
    store.save_intake(record, questionnaire)
    store.record_audit(AuditEvent(actor="dr.lee", action="view", record_id=record.id))
    store.update_document("staff", lambda d: d.update(users=[]))
    store.save_draft(Draft(station="t1", questionnaire=record.questionnaire, language="en",
                           answers={}, section_index=0))
    paths = [store.root, *store.root.rglob("*")]
    assert len(paths) > 15
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_every_save_is_fsynced_then_renamed_then_its_folder_fsynced(
        monkeypatch: pytest.MonkeyPatch, store: Store, questionnaire: Questionnaire) -> None:
    steps: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(source: str, target: str) -> None:
        assert Path(source).parent == Path(target).parent  # same folder: an atomic rename
        steps.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    store.save_intake(intake(questionnaire), questionnaire)
    writes = [i for i, step in enumerate(steps) if step == "rename"]
    # questionnaire, the patient-link secret (first save), the patient's visits, id index,
    # short-code index, the day's records
    assert len(writes) == 6
    for i in writes:
        assert steps[i - 1] == "fsync file" and steps[i + 1] == "fsync folder"


def test_drafts_save_load_replace_and_delete(store: Store, questionnaire: Questionnaire) -> None:
    pin = QuestionnairePin.of(questionnaire)
    assert store.load_draft("tablet-1") is None
    draft = Draft(station="tablet-1", questionnaire=pin, language="es",
                  answers={"full_name": "Ana"}, section_index=1,
                  updated_at=dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC))
    store.save_draft(draft)
    store.save_draft(Draft(station="tablet-2", questionnaire=pin, language="en",
                           answers={}, section_index=0))
    assert store.load_draft("tablet-1") == draft
    store.save_draft(draft.model_copy(update={"section_index": 2}))
    loaded = store.load_draft("tablet-1")
    assert loaded is not None and loaded.section_index == 2
    store.delete_draft("tablet-1")
    assert store.load_draft("tablet-1") is None
    assert store.load_draft("tablet-2") is not None
    store.delete_draft("tablet-1")  # deleting twice is fine (reset after submit)


def test_drafts_too_old_to_offer_are_forgotten_whatever_their_station(
        store: Store, questionnaire: Questionnaire) -> None:
    pin = QuestionnairePin.of(questionnaire)
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    for station, minutes_ago in (("web-0a1b2c3d", 95), ("front-desk", 31), ("tablet-2", 5)):
        store.save_draft(Draft(station=station, questionnaire=pin, language="en",
                               answers={"full_name": "Ana"}, section_index=1,
                               updated_at=now - dt.timedelta(minutes=minutes_ago)))
    assert store.delete_drafts_older_than(now - dt.timedelta(minutes=30)) == 2
    assert store.load_draft("web-0a1b2c3d") is None and store.load_draft("front-desk") is None
    assert store.load_draft("tablet-2") is not None
    assert store.delete_drafts_older_than(now - dt.timedelta(minutes=30)) == 0
    assert "Ana" in (store.root / "drafts.json").read_text(encoding="utf-8")  # tablet-2's
    assert store.delete_drafts_older_than(now) == 1
    assert "Ana" not in (store.root / "drafts.json").read_text(encoding="utf-8")


def test_drafts_are_not_intakes(store: Store, questionnaire: Questionnaire) -> None:
    store.save_draft(Draft(station="t1", questionnaire=QuestionnairePin.of(questionnaire),
                           language="en", answers={"full_name": "Ana"}, section_index=0))
    assert store.list_intakes() == []


def test_audit_events_are_appended_and_read_oldest_first(store: Store) -> None:
    start = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
    events = [
        AuditEvent(at=start + dt.timedelta(days=2), actor="dr.lee", action="view",
                   record_id="r" * 26, address="192.168.1.20"),
        AuditEvent(at=start, actor="dr.kim", action="login"),
        AuditEvent(at=start + dt.timedelta(hours=9), actor="kiosk:tablet-1", action="submit",
                   record_id="r" * 26),
        AuditEvent(at=start + dt.timedelta(hours=1), actor="dr.lee", action="view",
                   record_id="s" * 26),
    ]
    for event in events:
        store.record_audit(event)
    assert store.audit_events() == [events[1], events[3], events[2], events[0]]
    assert store.audit_events("r" * 26) == [events[2], events[0]]
    assert store.audit_events("t" * 26) == []


def test_an_export_audits_many_records_in_one_write_per_day(store: Store) -> None:
    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    events = [AuditEvent(at=start + dt.timedelta(hours=h), actor="cli:staff", action="export",
                         record_id=record_id)
              for h, record_id in ((0, "a" * 26), (1, "b" * 26), (30, "a" * 26))]
    store.record_audit(AuditEvent(at=start, actor="dr.lee", action="view", record_id="a" * 26))
    store.record_audit_many(events)
    assert [e.action for e in store.audit_events("a" * 26)] == ["view", "export", "export"]
    assert store.audit_events("b" * 26) == [events[1]]
    assert len(store.audit_events()) == 4


def test_documents_update_atomically_and_read_back(store: Store) -> None:
    assert store.read_document("staff") == {}
    added = store.update_document("staff", lambda d: d.setdefault("users", []).append("lee"))
    assert added is None
    count = store.update_document("staff", lambda d: len(d["users"]))
    assert count == 1
    assert store.read_document("staff") == {"users": ["lee"]}


def test_a_failed_document_change_writes_nothing(store: Store) -> None:
    store.update_document("sessions", lambda d: d.update(a=1))
    before = (store.root / "documents" / "sessions.json").read_bytes()

    def broken(document: dict[str, object]) -> None:
        document["a"] = 2
        raise ValueError("change failed")

    with pytest.raises(ValueError):
        store.update_document("sessions", broken)
    assert (store.root / "documents" / "sessions.json").read_bytes() == before
    assert json.loads(before) == {"a": 1}


def test_a_document_name_cannot_leave_the_documents_folder(store: Store) -> None:
    for name in ("../config", "a/b", "", "Staff"):
        with pytest.raises(StoreError, match="not a valid document name"):
            store.read_document(name)


def test_a_questionnaire_kept_before_the_format_gained_fields_still_opens(
        store: Store, questionnaire: Questionnaire) -> None:
    # A store written by an older kiosk keeps the questionnaire as that kiosk dumped it,
    # without the keys the format has gained since (role, start_choice); its pin still holds.
    old_content = questionnaire.model_dump(mode="json", exclude={"start_choice"})
    for section in old_content["sections"]:
        for item in section["items"]:
            item.pop("role")
    old_hash = content_digest(old_content)
    (store.root / "questionnaires" / f"{old_hash}.json").write_text(json.dumps(old_content))
    pin = QuestionnairePin(id=questionnaire.id, version=questionnaire.version,
                           content_hash=old_hash)
    assert store.questionnaire_for(pin).items_by_id["pain_now"].label == "Pain right now"
