"""Backups: one file holding a consistent copy of the data folder, checked by its manifest.

Taking one holds the store's lock only while every file is hard-linked into a
working folder inside the data folder (some microseconds a file) and its length
noted. That is a consistent snapshot: writers replace a file whole by renaming a
new one over it, so a link keeps the bytes it had, and the audit log only grows
at its end, so its noted length is what it held. Then, with the lock released,
the linked files are read, hashed and written into a gzipped tar that ends with
a manifest of their sha256 hashes, under a temporary name that is fsynced and
then renamed: a backup killed half-way leaves a ``.partial`` file that restore
refuses. Where the disk has no hard links the bytes are copied under the lock.

Bytes are copied, never opened: sealed content stays sealed. Drafts (answers still
being given), the lock, the start-up cache and what repair set aside are left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from kiosk.storage.errors import StoreError
from kiosk.storage.files import (
    PRIVATE_DIR_MODE,
    PRIVATE_FILE_MODE,
    TEMPORARY_SUFFIX,
    encode,
    ensure_private_dir,
    fsync_dir,
)
from kiosk.storage.layout import NOT_BACKED_UP

FORMAT = "intake-kiosk-backup"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"  # the tar's last member
PARTIAL_SUFFIX = ".partial"
BACKUP_NAME = re.compile(r"^kiosk-backup-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(-\d+)?\.tar\.gz$")
NAME_TIME = "%Y-%m-%dT%H-%M-%SZ"
WORKING_PREFIX = ".backup-"  # the linked snapshot, inside the data folder while a backup runs
COMPRESS_LEVEL = 6  # JSON shrinks about 8-fold; level 9 costs twice the time for 2% less
CHUNK = 1 << 20


class BackupRefused(StoreError):
    """A backup file that restore will not use: damaged, cut short, edited or not one."""


@dataclass(frozen=True)
class Backup:
    """A backup as written: where, how big, how much it holds, how long saves waited."""

    path: Path
    size: int
    files: int
    locked_seconds: float
    seconds: float


@dataclass(frozen=True)
class Restored:
    data_dir: Path
    files: int
    set_aside: Path | None  # where the folder that was there went (with --replace)


# --- taking a backup ---------------------------------------------------------------------

def take_backup(root: Path, backup_dir: Path, lock: contextlib.AbstractContextManager[Any],
                now: dt.datetime | None = None) -> Backup:
    """Write a backup of the data folder ``root`` into ``backup_dir``; ``lock`` is the
    store's writer lock (held only to take the snapshot)."""
    started = time.perf_counter()
    root = root.resolve()
    backup_dir = _usable_backup_dir(root, backup_dir)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    _remove_abandoned_snapshots(root)
    working = root / f"{WORKING_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
    os.mkdir(working, PRIVATE_DIR_MODE)
    try:
        with lock:
            locked_at = time.perf_counter()
            snapshot = _snapshot(root, working)
            locked_seconds = time.perf_counter() - locked_at
        path = _unused_name(backup_dir, moment)
        _write_archive(path, working, snapshot, moment)
    finally:
        shutil.rmtree(working, ignore_errors=True)  # only links and copies: the data stays
    return Backup(path, path.stat().st_size, len(snapshot), locked_seconds,
                  time.perf_counter() - started)


def _usable_backup_dir(root: Path, backup_dir: Path) -> Path:
    backup_dir = backup_dir.expanduser().resolve()
    if backup_dir == root or root in backup_dir.parents:
        raise StoreError(f"the backup folder {backup_dir} is inside the data folder {root}; "
                         "choose a folder elsewhere (a USB stick or a network folder)")
    try:
        backup_dir.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    except FileNotFoundError:
        raise StoreError(f"cannot write a backup into {backup_dir}: {backup_dir.parent} does "
                         "not exist (is the USB stick or network folder connected?)") from None
    except OSError as error:
        raise StoreError(f"cannot write a backup into {backup_dir}: {error.strerror}") from None
    if not os.access(backup_dir, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write a backup into {backup_dir}: it is not writable by "
                         "this user")
    return backup_dir


def backed_up_files(root: Path) -> Iterator[str]:
    """The data folder's files a backup holds, as ``/``-separated relative names, sorted."""
    for name, _ in _walk(str(root), ""):
        yield name


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(relative name, entry) of each backed-up file under ``folder``; plain strings and
    scandir's entries, since this runs under the lock (pathlib doubled its time)."""
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        name = entry.name
        if name.startswith(".") or (not prefix and name in NOT_BACKED_UP):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, f"{prefix}{name}/")
        elif entry.is_file(follow_symlinks=False) and not name.endswith(TEMPORARY_SUFFIX):
            yield f"{prefix}{name}", entry  # (a symlink is skipped: the store writes none)


def _snapshot(root: Path, working: Path) -> dict[str, int]:
    """Link (or copy) every backed-up file into ``working``; name -> length to take."""
    lengths: dict[str, int] = {}
    made: set[str] = set()
    into = f"{working}/"
    for name, entry in _walk(str(root), ""):
        folder = name.rpartition("/")[0]
        if folder and folder not in made:
            os.makedirs(into + folder, PRIVATE_DIR_MODE, exist_ok=True)  # in a 0700 folder
            made.add(folder)
        try:
            os.link(entry.path, into + name)
        except FileNotFoundError:
            continue  # gone since the listing: not in the store any more
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
                raise StoreError(f"cannot take a backup of {entry.path}: "
                                 f"{error.strerror}") from None
            shutil.copyfile(entry.path, into + name)  # no hard links here: copy under the lock
        lengths[name] = os.stat(into + name).st_size
    return lengths


def _unused_name(backup_dir: Path, moment: dt.datetime) -> Path:
    stem = f"kiosk-backup-{moment.strftime(NAME_TIME)}"
    path, number = backup_dir / f"{stem}.tar.gz", 1
    while path.exists():
        number += 1
        path = backup_dir / f"{stem}-{number}.tar.gz"
    return path


def _write_archive(path: Path, working: Path, lengths: dict[str, int],
                   moment: dt.datetime) -> None:
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    entries: list[dict[str, Any]] = []
    try:
        with open(partial, "xb") as raw:
            os.chmod(partial, PRIVATE_FILE_MODE)
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=COMPRESS_LEVEL,
                              format=tarfile.PAX_FORMAT) as tar:
                for name, length in lengths.items():
                    with open(working / name, "rb") as source:
                        digest = _add(tar, name, _Hashing(source, length), length)
                    entries.append({"path": name, "size": length, "sha256": digest})
                manifest = encode({"format": FORMAT, "version": FORMAT_VERSION,
                                   "taken_at": moment.isoformat(), "files": entries})
                _add(tar, MANIFEST, io.BytesIO(manifest), len(manifest))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
        fsync_dir(path.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise StoreError(f"cannot write the backup {path}: {error.strerror}; check the "
                         "backup folder has free space") from None


class _Hashing(io.RawIOBase):
    """The first ``length`` bytes of a file, hashed as tarfile reads them."""

    def __init__(self, source: IO[bytes], length: int) -> None:
        super().__init__()
        self.source, self.left, self.hash = source, length, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        wanted = self.left if size < 0 else min(size, self.left)
        data = self.source.read(wanted)
        self.left -= len(data)
        self.hash.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, source: IO[bytes] | _Hashing, size: int) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, PRIVATE_FILE_MODE, int(time.time())
    tar.addfile(info, cast(IO[bytes], source))
    return source.hash.hexdigest() if isinstance(source, _Hashing) else ""


def _remove_abandoned_snapshots(root: Path) -> None:
    """A backup killed half-way leaves its working folder: links only, so it can go."""
    for entry in os.scandir(root):
        match = re.match(re.escape(WORKING_PREFIX) + r"(\d+)-", entry.name)
        if match and entry.is_dir(follow_symlinks=False) and not _alive(int(match.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the backups in a folder -------------------------------------------------------------

def backups_in(backup_dir: Path) -> list[tuple[dt.datetime, Path]]:
    """The finished backups in a folder (by their names), oldest first."""
    try:
        names = os.listdir(backup_dir)
    except OSError:
        return []
    found = []
    for name in names:
        match = BACKUP_NAME.match(name)
        if match:
            taken = dt.datetime.strptime(match.group(1), NAME_TIME).replace(tzinfo=dt.UTC)
            found.append((taken, int((match.group(2) or "-1")[1:]), backup_dir / name))
    return [(taken, path) for taken, _, path in sorted(found)]


def keep_newest(backup_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of the folder, and what backups killed
    half-way left there over a day ago; the deleted files."""
    backups = backups_in(backup_dir)
    gone = [path for _, path in backups[:max(0, len(backups) - keep)]]
    day_ago = time.time() - 24 * 3600
    for partial in backup_dir.glob(f"kiosk-backup-*{PARTIAL_SUFFIX}"):
        with contextlib.suppress(OSError):
            if BACKUP_NAME.match(partial.name.removesuffix(PARTIAL_SUFFIX)) \
                    and partial.stat().st_mtime < day_ago:
                gone.append(partial)
    for path in gone:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return gone


# --- checking and restoring --------------------------------------------------------------

def verify_backup(path: Path) -> int:
    """Read the whole backup and check it against its manifest; how many files it holds.

    :class:`BackupRefused` saying what is wrong otherwise. Nothing is written.
    """
    return _read_backup(path, None)


def restore_backup(path: Path, data_dir: Path, *, replace: bool = False) -> Restored:
    """Restore a backup into ``data_dir`` (new or empty; any other only with ``replace``,
    which first renames the folder that is there aside, never deleting it).

    The files are unpacked beside it and checked against the manifest as they come; the
    folder takes ``data_dir``'s place only once all of them matched.
    """
    data_dir = data_dir.expanduser().absolute()
    if _has_entries(data_dir) and not replace:
        raise StoreError(f"the data folder {data_dir} is not empty; restore into a new "
                         "folder, or add --replace to set this one aside (it is renamed, "
                         "not deleted) and restore in its place")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    working = data_dir.with_name(f".{data_dir.name}.restoring-{os.getpid()}")
    shutil.rmtree(working, ignore_errors=True)  # this process's own, from nothing else
    os.mkdir(working, PRIVATE_DIR_MODE)
    try:
        files = _read_backup(path, working)
        os.sync()  # every restored file on disk before the folder takes its place
    except BaseException:
        shutil.rmtree(working, ignore_errors=True)  # what was unpacked of a refused backup
        raise
    set_aside = None
    if _has_entries(data_dir):
        set_aside = _set_aside(data_dir)
    elif data_dir.exists():
        data_dir.rmdir()
    os.replace(working, data_dir)
    fsync_dir(data_dir.parent)
    return Restored(data_dir, files, set_aside)


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        raise StoreError(f"{folder} is a file, not a data folder") from None


def _set_aside(data_dir: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime(NAME_TIME)
    aside, number = data_dir.with_name(f"{data_dir.name}.before-restore-{stamp}"), 1
    while aside.exists():
        number += 1
        aside = data_dir.with_name(f"{data_dir.name}.before-restore-{stamp}-{number}")
    os.replace(data_dir, aside)
    return aside


def _read_backup(path: Path, into: Path | None) -> int:
    """Hash every member (writing it under ``into`` if given) and check the manifest."""
    def refuse(problem: str) -> BackupRefused:
        return BackupRefused(f"the backup {path} {problem}; nothing was restored. Use "
                             "another backup (the newest one that 'kiosk restore' accepts)")

    seen: dict[str, tuple[int, str]] = {}
    manifest: Any = None
    try:
        # gzip's own reader, read to its end: it checks the CRC, which tarfile's does not.
        with gzip.open(path, "rb") as unpacked, tarfile.open(fileobj=unpacked, mode="r|") as tar:
            for member in tar:
                if manifest is not None:
                    raise refuse("goes on after its manifest (it was edited)")
                source = tar.extractfile(member) if member.isreg() else None
                if source is None or not _safe_name(member.name):
                    raise refuse(f"holds {member.name!r}, which is not a data file (it was "
                                 "edited or damaged, or is not a kiosk backup)")
                if member.name == MANIFEST:
                    manifest = _parse_manifest(source.read())
                    if manifest is None:
                        raise refuse("has a manifest that cannot be read (it was edited or "
                                     "damaged)")
                    continue
                if member.name in seen:
                    raise refuse(f"holds {member.name} twice (it was edited)")
                seen[member.name] = _copy_hashing(source, None if into is None
                                                  else into / member.name)
            while unpacked.read(CHUNK):
                pass  # (tar's zero blocks at the end) up to the CRC
    except FileNotFoundError:
        raise StoreError(f"there is no backup file {path}") from None
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder; give the backup file inside it") from None
    except (EOFError, tarfile.ReadError, OSError, ValueError, zlib.error) as error:
        if isinstance(error, OSError) and error.errno is not None:
            raise StoreError(f"cannot read the backup {path}: {error.strerror}") from None
        text = str(error).lower()
        cut_words = ("end of file", "unexpected end", "empty file")
        if isinstance(error, EOFError) or any(words in text for words in cut_words) \
                or path.stat().st_size == 0:
            raise refuse("is cut short (truncated): it was not completely written or "
                         "copied") from None
        raise refuse("is damaged or is not a kiosk backup (it cannot be read as one)") from None
    if manifest is None:
        raise refuse("has no manifest: it is cut short, damaged or not a kiosk backup")
    listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    for name, expected in listed.items():
        if name not in seen:
            raise refuse(f"lacks {name}, which its manifest lists (it was edited)")
        if seen[name] != expected:
            raise refuse(f"holds a {name} that does not match its hash in the manifest "
                         "(it was edited or damaged)")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise refuse(f"holds {extra[0]}, which its manifest does not list (it was edited)")
    return len(listed)


def _parse_manifest(raw: bytes) -> Any:
    try:
        manifest = json.loads(raw)
        if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
            return None
        for entry in manifest["files"]:
            if not (isinstance(entry["path"], str) and isinstance(entry["size"], int)
                    and isinstance(entry["sha256"], str)):
                return None
    except (ValueError, AttributeError, KeyError, TypeError):
        return None
    return manifest


def _safe_name(name: str) -> bool:
    """A relative name inside the data folder: no way out of it, nothing hidden."""
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and "\\" not in name \
        and all(part not in ("..", ".") and not part.startswith(".") for part in parts)


def _copy_hashing(source: IO[bytes], target: Path | None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    output = None
    if target is not None:
        ensure_private_dir(target.parent)  # 0700 like every folder the store makes
        output = open(target, "xb")  # noqa: SIM115 (closed below, whatever happens)
        os.chmod(target, PRIVATE_FILE_MODE)
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if output is not None:
                output.write(chunk)
    finally:
        if output is not None:
            output.close()
    return size, digest.hexdigest()
