"""A torn, garbled or unreadable data file is reported with its name, never repaired."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_store_helpers import intake, kiosk, small_questionnaire

from kiosk.intake import Intake, QuestionnairePin
from kiosk.questionnaire.model import Questionnaire
from kiosk.storage.layout import bucket
from kiosk.store import AuditEvent, Draft, Store, StoreDamaged

RUNNING_AS_ROOT = os.geteuid() == 0


class Scene:
    """A store with one of everything, and the paths of the files that hold them."""

    def __init__(self, root: Path, questionnaire: Questionnaire) -> None:
        self.store = Store(root)
        self.questionnaire = questionnaire
        self.record = intake(questionnaire, blood_thinners=True)
        self.store.save_intake(self.record, questionnaire)
        self.store.record_audit(AuditEvent(actor="dr.lee", action="view",
                                           record_id=self.record.id))
        self.store.save_draft(Draft(station="tablet-1",
                                    questionnaire=QuestionnairePin.of(questionnaire),
                                    language="en", answers={"pain_now": 3}, section_index=1))
        self.store.update_document("staff", lambda d: d.update(users=["lee"]))
        day = self.record.submitted_at or self.record.created_at
        today = f"{day:%Y/%m/%Y-%m-%d}.json"
        self.paths = {
            "records": root / "records" / today,
            "ids": root / "index" / "ids" / f"{bucket(self.record.id)}.json",
            "codes": root / "index" / "codes" / f"{bucket(self.record.short_code)}.json",
            "drafts": root / "drafts.json",
            "document": root / "documents" / "staff.json",
            "questionnaire": root / "questionnaires" / f"{questionnaire.content_hash}.json",
            "audit": root / "audit" / today.replace(".json", ".jsonl"),
        }

    def sibling(self, of_bucket: str) -> Intake:
        """A new intake whose id (or short code) lands in the same index file as the record's."""
        sibling = intake(self.questionnaire, "Bo Li")
        if of_bucket == "ids":
            sibling.id = self.record.id[:2] + sibling.id[2:]
        else:
            sibling.short_code = self.record.short_code[:2] + sibling.short_code[2:]
        return sibling


# What each damaged file breaks: the operations that must stop on it (reads and writes).
Operation = Callable[[Scene], Any]
OPERATIONS: dict[str, list[Operation]] = {
    "records": [lambda s: s.store.get_intake(s.record.id), lambda s: s.store.list_intakes(),
                lambda s: s.store.save_intake(intake(s.questionnaire, "Bo Li"),
                                              s.questionnaire),
                lambda s: s.store.mark_reviewed(s.record.id, "dr.lee")],
    "ids": [lambda s: s.store.get_intake(s.record.id),
            lambda s: s.store.save_intake(s.sibling("ids"), s.questionnaire)],
    "codes": [lambda s: s.store.get_intake(s.record.short_code),
              lambda s: s.store.save_intake(s.sibling("codes"), s.questionnaire)],
    "drafts": [lambda s: s.store.load_draft("tablet-1"),
               lambda s: s.store.save_draft(Draft(
                   station="tablet-2", questionnaire=s.record.questionnaire, language="en",
                   answers={}, section_index=0)),
               lambda s: s.store.delete_draft("tablet-1")],
    "document": [lambda s: s.store.read_document("staff"),
                 lambda s: s.store.update_document("staff", lambda d: d.update(users=[]))],
    "questionnaire": [lambda s: s.store.questionnaire_for(s.record.questionnaire)],
    "audit": [lambda s: s.store.audit_events(), lambda s: s.store.audit_events(s.record.id),
              lambda s: s.store.record_audit(AuditEvent(actor="dr.kim", action="login"))],
}

# Valid JSON of the wrong shape for each file.
WRONG_SHAPE = {
    "records": b'{"intakes": {"1": {"id": "abc", "status": "lost"}}}',
    "ids": b'{"' + b"x" * 26 + b'": 17}',
    "codes": b'["ACDEFH"]',
    "drafts": b'{"drafts": [1, 2, 3]}',
    "document": b'[{"users": []}]',
    "questionnaire": b'{"id": "small-intake", "version": "one"}',
    "audit": b'{"events": {"1": {"actor": "dr.lee"}}}',
}

# The audit log is JSON Lines: a cut-off last line is a torn append that was never
# acknowledged (skipped, see test_store_audit.py), so its truncation damage is a cut-off
# line that something was written after.
DAMAGE: dict[str, tuple[Callable[[bytes, str], bytes], str]] = {
    "truncated": (lambda good, part: good[: len(good) // 2] + (b"\n" if part == "audit" else b""),
                  "(truncated)"),
    "not JSON": (lambda good, _: b"PK\x03\x04 this is a zip file now", "not"),
    "wrong shape": (lambda _, part: WRONG_SHAPE[part], "does not hold"),
}


@pytest.fixture
def scene(tmp_path: Path) -> Scene:
    return Scene(tmp_path / "data", small_questionnaire(tmp_path))


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("part", list(OPERATIONS))
def test_a_damaged_file_stops_every_operation_and_is_left_byte_identical(
        scene: Scene, part: str, damage: str) -> None:
    path = scene.paths[part]
    spoil, wording = DAMAGE[damage]
    damaged = spoil(path.read_bytes(), part)
    path.write_bytes(damaged)
    mtime = path.stat().st_mtime_ns
    for operation in OPERATIONS[part]:
        with pytest.raises(StoreDamaged) as caught:
            operation(scene)
        message = str(caught.value)
        assert str(path) in message and wording in message
        advice = "'kiosk check --repair'" if part in ("ids", "codes", "drafts") \
            else "restore it from a backup"  # the indexes are rebuilt; drafts never backed up
        assert "left the file unchanged" in message and advice in message
        assert "\n" not in message
        assert path.read_bytes() == damaged and path.stat().st_mtime_ns == mtime


def test_the_kinds_of_damage_are_told_apart(scene: Scene) -> None:
    path = scene.paths["records"]
    good = path.read_bytes()
    lost = scene.record.model_dump(mode="json") | {"status": "lost"}
    expected = {
        good[:-7]: "it ends in the middle of the data (truncated)",
        b"": "it is empty (truncated)",
        b'{"intakes": {"1": {}}} trailing junk': "it is not valid JSON (line 1, column 24",
        b"\xff\xfe\x00garbage": "it is not text (not JSON)",
        b"[]": "it does not hold the intake records of one day (expected a JSON object",
        b'{"intakes": {"1": {"id": "abc"}}}': "entry '1' of table 'intakes' lacks "
                                              "created_at, questionnaire, short_code",
        json.dumps({"intakes": {"1": lost}}).encode(): "it holds a record that is not an "
                                                       "intake (status: Input should be",
    }
    for content, wording in expected.items():
        path.write_bytes(content)
        with pytest.raises(StoreDamaged) as caught:
            scene.store.list_intakes()
        assert wording in str(caught.value), content
        assert path.read_bytes() == content


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root reads files whatever their permissions, "
                    "so an unreadable file cannot be made")
@pytest.mark.parametrize("part", list(OPERATIONS))
def test_an_unreadable_file_says_to_give_it_back_to_the_kiosk_user(scene: Scene,
                                                                    part: str) -> None:
    path = scene.paths[part]
    before = path.read_bytes()
    path.chmod(0)
    try:
        for operation in OPERATIONS[part]:
            with pytest.raises(StoreDamaged, match="cannot be read .*chmod 600"):
                operation(scene)
    finally:
        path.chmod(0o600)
    assert path.read_bytes() == before


def test_a_save_that_meets_a_damaged_day_file_leaves_no_index_entry(scene: Scene) -> None:
    path = scene.paths["records"]
    path.write_bytes(path.read_bytes()[:100])
    newcomer = intake(scene.questionnaire, "Bo Li")
    index_files = sorted((scene.store.root / "index").rglob("*.json"))
    before = {p: p.read_bytes() for p in index_files}
    with pytest.raises(StoreDamaged):
        scene.store.save_intake(newcomer, scene.questionnaire)
    assert sorted((scene.store.root / "index").rglob("*.json")) == index_files
    assert {p: p.read_bytes() for p in index_files} == before


def test_a_questionnaire_file_edited_by_hand_is_caught_by_its_hash(scene: Scene) -> None:
    path = scene.paths["questionnaire"]
    path.write_text(path.read_text().replace("Pain right now", "Pain now"))
    with pytest.raises(StoreDamaged, match="does not match the hash in its name"):
        Store(scene.store.root).questionnaire_for(scene.record.questionnaire)


def test_the_cli_reports_a_damaged_file_in_one_line_without_a_traceback(scene: Scene) -> None:
    path = scene.paths["records"]
    path.write_bytes(path.read_bytes()[:-20])
    for command in (["records", "list"], ["records", "show", scene.record.short_code]):
        result = kiosk(*command, "--data", str(scene.store.root))
        assert result.returncode == 1
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"kiosk: damaged data file {path}: ")
        assert "Traceback" not in result.stderr


def test_old_days_are_not_read_to_save_or_open_a_record(scene: Scene) -> None:
    """Damage in an old day's file does not stop today's work: only listing meets it."""
    old = intake(scene.questionnaire, "Old Patient")
    old.submitted_at = dt.datetime(2025, 1, 6, 10, 0, tzinfo=dt.UTC)
    scene.store.save_intake(old, scene.questionnaire)
    old_file = scene.store.root / "records" / "2025" / "01" / "2025-01-06.json"
    old_file.write_bytes(b"{")
    scene.store.save_intake(intake(scene.questionnaire, "Bo Li"), scene.questionnaire)
    assert scene.store.get_intake(scene.record.id).id == scene.record.id
    with pytest.raises(StoreDamaged, match="2025-01-06.json"):
        scene.store.list_intakes()
