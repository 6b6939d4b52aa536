"""The derived indexes: what each should hold, given the day files, and how it is rebuilt.

Every entry of ``index/ids`` and ``index/codes`` comes from a record in a day file,
so a damaged or wrong bucket can be rebuilt without losing anything. Each index is
one :class:`DerivedIndex` in :data:`DERIVED`; another (the patient index) is one
more entry with its own check and rebuild.

A record in a day file that cannot be read is unknown here: entries that may point
at one are kept as they are, so rebuilding never drops what a restored day file
would need.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.storage.errors import StoreDamaged
from kiosk.storage.files import ensure_private_dir, read_json, text_map_shape, write_json
from kiosk.storage.layout import CODE_INDEX, DAMAGED, ID_INDEX, INDEX, index_file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file; ``repairable`` when ``kiosk check --repair`` fixes it
    (derived data), else only a backup can."""

    path: Path
    problem: str
    repairable: bool


@dataclass
class RecordScan:
    """What the readable day files hold, read once for every index's check."""

    # record id -> its place: the day, or the day's part (``2026-11-23.p2``), as the id
    # index holds it; unreadable_days holds places too
    days: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # short code -> its first record
    # Every record with the code: records imported in bulk, not through a save, may share one.
    code_owners: dict[str, set[str]] = field(default_factory=dict)
    unreadable_days: set[str] = field(default_factory=set)

    def add(self, place: str, record_id: str, short_code: str) -> None:
        self.days[record_id] = place
        self.codes.setdefault(short_code, record_id)
        self.code_owners.setdefault(short_code, set()).add(record_id)


@dataclass(frozen=True)
class DerivedIndex:
    """An index the day files hold everything of: its folder under ``index/``, a check
    naming each bucket file that is wrong, and a rebuild of the given bucket files that
    returns where the old ones went (in ``damaged/``)."""

    folder: str
    check: Callable[[Path, RecordScan], list[Problem]]
    rebuild: Callable[[Path, RecordScan, list[Path]], list[Path]]


@dataclass(frozen=True)
class BucketedIndex:
    """A key -> text index in buckets (``index/FOLDER/ab.json``), derived from a scan."""

    folder: str
    kind: str
    expected: Callable[[RecordScan], dict[str, str]]
    # A stored entry that is right though the scan gives another or none: it may belong to
    # an unreadable day, or be one of several right answers. Checks accept it; rebuilds keep it.
    accepts: Callable[[str, str, RecordScan], bool]

    def buckets(self, root: Path, scan: RecordScan) -> dict[Path, dict[str, str]]:
        wanted: dict[Path, dict[str, str]] = defaultdict(dict)
        for key, value in self.expected(scan).items():
            wanted[index_file(root, self.folder, key)][key] = value
        return wanted

    def check(self, root: Path, scan: RecordScan) -> list[Problem]:
        wanted = self.buckets(root, scan)
        problems = []
        for path in sorted(set(wanted) | set(self._stored(root))):
            problem = self._compare(path, wanted.get(path, {}), scan)
            if problem:
                problems.append(Problem(path, problem, repairable=True))
        return problems

    def rebuild(self, root: Path, scan: RecordScan, paths: list[Path]) -> list[Path]:
        wanted = self.buckets(root, scan)
        moved = []
        for path in paths:
            entries = dict(wanted.get(path, {}))
            try:
                stored = _read_bucket(path, self.kind)
            except StoreDamaged:
                stored = {}
            entries.update({key: value for key, value in stored.items()
                            if self.accepts(key, value, scan)})
            if path.exists():
                moved.append(move_aside(root, path))
            if entries:
                ensure_private_dir(path.parent)
                write_json(path, entries)
        return moved

    def _stored(self, root: Path) -> list[Path]:
        folder = root / INDEX / self.folder
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return []
        return [folder / name for name in names if name.endswith(".json")]

    def _compare(self, path: Path, wanted: dict[str, str], scan: RecordScan) -> str | None:
        try:
            stored = _read_bucket(path, self.kind)
        except StoreDamaged as damage:
            return damage.problem
        missing = sum(1 for key, value in wanted.items() if stored.get(key) != value
                      and not (key in stored and self.accepts(key, stored[key], scan)))
        extra = sum(1 for key, value in stored.items() if key not in wanted
                    and not self.accepts(key, value, scan))
        if not missing and not extra:
            return None
        said = []
        if missing:
            said.append(f"{missing} record(s) missing from it or wrong in it")
        if extra:
            said.append(f"{extra} entr{'y points' if extra == 1 else 'ies point'} at no "
                        "stored record")
        return f"{' and '.join(said)} ({self.kind})"


def _read_bucket(path: Path, kind: str) -> dict[str, str]:
    data: dict[str, str] | None = read_json(path, text_map_shape, kind)
    return data or {}


def move_aside(root: Path, path: Path) -> Path:
    """Move a file into ``damaged/`` (same relative path, the time added); never deleted."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H-%M-%S.%fZ")
    target = root / DAMAGED / path.relative_to(root).parent / f"{path.name}.{stamp}"
    ensure_private_dir(target.parent)
    os.replace(path, target)
    return target


ID_BUCKETS = BucketedIndex(
    ID_INDEX, "the record-id index", lambda scan: scan.days,
    lambda _id, day, scan: day in scan.unreadable_days)
CODE_BUCKETS = BucketedIndex(
    CODE_INDEX, "the short-code index", lambda scan: scan.codes,
    lambda code, record_id, scan: record_id in scan.code_owners.get(code, ())
    or (bool(scan.unreadable_days) and record_id not in scan.days))

DERIVED: tuple[DerivedIndex, ...] = tuple(
    DerivedIndex(index.folder, index.check, index.rebuild) for index in (ID_BUCKETS, CODE_BUCKETS))
