"""``kiosk check``: read every file of the data folder, and repair what is derived.

The check parses every day file, each part of a day on its own (each record checked
as an intake), every audit day, questionnaire, document and the settings, then
compares each derived index with what the day files say it should hold. It reads
without the lock (files are replaced whole); an index mismatch is looked at again
under the lock before it is reported, since a save writes its index entries a moment
before its record.

Repair rebuilds only derived files, under the lock, moving the old file into
``damaged/`` first. A day file, the audit log, an account, a key or a
questionnaire is never rewritten: those need a backup.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.keys.keyring import Keyring
from kiosk.questionnaire.model import Questionnaire, content_digest
from kiosk.settings_sources import CONFIG_FILE
from kiosk.storage import audit, outbox, records
from kiosk.storage.derived import DERIVED, DerivedIndex, Problem, RecordScan, move_aside
from kiosk.storage.errors import StoreDamaged
from kiosk.storage.files import FileIdentity, file_identity, object_shape, read_json, tinydb_shape
from kiosk.storage.layout import (
    AUDIT,
    CODE_INDEX,
    DOCUMENTS,
    DRAFTS_FILE,
    INDEX,
    QUESTIONNAIRES,
    days_stored,
    index_file,
)

DRAFTS_PROBLEM = ("repair moves it aside: the answers of check-ins in progress are lost "
                  "(drafts are never in a backup)")


@dataclass
class Report:
    """What a check found, what it read, and what a repair did."""

    problems: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # "record" -> how many read
    seconds: float = 0.0
    repaired: list[Problem] = field(default_factory=list)
    moved: list[Path] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)  # what needs a staff login to check

    @property
    def left(self) -> list[Problem]:
        """Problems a repair did not (or could not) fix."""
        return [problem for problem in self.problems if problem not in self.repaired]


def check(root: Path, lock: contextlib.AbstractContextManager[Any], repair: bool = False,
          derived: tuple[DerivedIndex, ...] = DERIVED) -> Report:
    started = time.perf_counter()
    report = Report()
    days: DayCache = {}
    scan = _check_records(root, report, days)
    _check_audit(root, report)
    _check_questionnaires(root, report)
    _check_documents(root, report)
    _check_drafts(root, report)
    _check_keys(root, report)
    _check_outbox(root, report)
    _check_shared_codes(root, scan, report)
    index_problems = _check_indexes(root, scan, report, derived)
    if index_problems or (repair and any(p.repairable for p in report.problems)):
        # The same look again with no save half-way, then the repair. Only the day files
        # that changed are read again, so saves wait a moment, not a whole check.
        with lock:
            if index_problems:
                scan = _check_records(root, Report(), days)
                index_problems = _check_indexes(root, scan, Report(), derived)
            if repair:
                _repair(root, scan, report, index_problems, derived)
    report.problems += index_problems
    report.seconds = time.perf_counter() - started
    return report


# place (a day's part, as the id index names it) -> its file's identity when read, and its
# (record id, short code) pairs, or None if it could not be read
DayCache = dict[str, tuple[FileIdentity | None, list[tuple[str, str]] | None]]


def _check_records(root: Path, report: Report, days: DayCache) -> RecordScan:
    """Read the day files, every part (those unchanged since ``days`` was filled are not
    read again)."""
    scan = RecordScan()
    for place, path in records.record_files(root):
        report.counts["day file"] += 1
        identity = file_identity(path)
        known = days.get(place)
        if known is None or known[0] != identity or identity is None:
            known = identity, _read_day(path, report)
            days[place] = known
        pairs = known[1]
        if pairs is None:
            scan.unreadable_days.add(place)
            continue
        for record_id, short_code in pairs:
            scan.add(place, record_id, short_code)
        report.counts["record"] += len(pairs)
    return scan


def _check_shared_codes(root: Path, scan: RecordScan, report: Report) -> None:
    """A short code the front desk types must open one record: a save never gives a code
    twice, but records copied in by hand can share one. Reported, never changed, since
    the patient was shown that code."""
    for code, owners in sorted(scan.code_owners.items()):
        if len(owners) > 1:
            opens = scan.codes[code]
            others = ", ".join(sorted(owners - {opens}))
            report.problems.append(Problem(
                index_file(root, CODE_INDEX, code),
                f"short code {code} belongs to {len(owners)} records: it opens {opens}; "
                f"look up {others} by record id", repairable=False))


def _read_day(path: Path, report: Report) -> list[tuple[str, str]] | None:
    """Each record's id and short code, every record checked as an intake; None (and the
    problem reported) if the file is damaged."""
    try:
        day_records = records.read_day_file(path)
        return [(record_id, day_records.short_code(record_id))
                for record_id in day_records.documents]
    except StoreDamaged as damage:
        report.problems.append(Problem(path, damage.problem, repairable=False))
        return None


def _check_audit(root: Path, report: Report) -> None:
    for day in days_stored(root, AUDIT, audit.DAY_SUFFIX):
        report.counts["audit day"] += 1
        try:
            audit.read_day(root, day)
        except StoreDamaged as damage:
            report.problems.append(Problem(damage.path, damage.problem, repairable=False))


def _check_questionnaires(root: Path, report: Report) -> None:
    for path in sorted((root / QUESTIONNAIRES).glob("*.json")):
        report.counts["questionnaire"] += 1
        try:
            content: dict[str, Any] = read_json(path, object_shape, "a questionnaire") or {}
            Questionnaire.model_validate(content)
            if content_digest(content) != path.stem:
                raise StoreDamaged(path, "its content does not match the hash in its name")
        except ValidationError as error:
            report.problems.append(Problem(path, f"it does not hold a questionnaire "
                                           f"({error.error_count()} problem(s))", False))
        except StoreDamaged as damage:
            report.problems.append(Problem(path, damage.problem, repairable=False))


def _check_documents(root: Path, report: Report) -> None:
    paths = sorted((root / DOCUMENTS).glob("*.json"))
    if (root / CONFIG_FILE).exists():
        paths.append(root / CONFIG_FILE)
    for path in paths:
        report.counts["document"] += 1
        try:
            read_json(path, object_shape, "a document")
        except StoreDamaged as damage:
            report.problems.append(Problem(path, damage.problem, repairable=False))


def _check_keys(root: Path, report: Report) -> None:
    keyring = Keyring(root)
    if not keyring.is_set_up():
        return
    report.counts["key file"] += len(list(keyring.folder.glob("*.json")))
    report.problems += [Problem(damage.path, damage.problem, repairable=False)
                        for damage in keyring.problems()]


def _check_drafts(root: Path, report: Report) -> None:
    path = root / DRAFTS_FILE
    try:
        read_json(path, tinydb_shape(), "the kiosk drafts")
    except StoreDamaged as damage:
        report.problems.append(Problem(path, f"{damage.problem}; {DRAFTS_PROBLEM}", True))


def _check_outbox(root: Path, report: Report) -> None:
    """The FHIR outbox: not derived (what the server holds is known only from it), so a
    damaged file needs a backup; each entry is read as the pusher reads it."""
    for path in outbox.outbox_files(root):
        report.counts["outbox file"] += 1
        try:
            outbox.check_file(path)
        except StoreDamaged as damage:
            report.problems.append(Problem(path, damage.problem, repairable=False))


def _check_indexes(root: Path, scan: RecordScan, report: Report,
                   derived: tuple[DerivedIndex, ...]) -> list[Problem]:
    problems = []
    for index in derived:
        report.counts["index file"] += len(list((root / INDEX / index.folder).glob("*.json")))
        problems += index.check(root, scan)
    return problems


def _repair(root: Path, scan: RecordScan, report: Report, index_problems: list[Problem],
            derived: tuple[DerivedIndex, ...]) -> None:
    for index in derived:
        folder = root / INDEX / index.folder
        mine = [problem for problem in index_problems if problem.path.parent == folder]
        if mine:
            report.moved += index.rebuild(root, scan, [problem.path for problem in mine])
            report.repaired += mine
    for problem in report.problems:
        if problem.repairable and problem.path == root / DRAFTS_FILE and problem.path.exists():
            report.moved.append(move_aside(root, problem.path))
            report.repaired.append(problem)
