"""Durable JSON files: whole-file atomic writes, and reads that refuse damaged files.

A write goes to ``NAME.tmp`` in the same folder, is flushed and fsynced, renamed
over ``NAME`` and the folder is fsynced, so a crash at any instant leaves either
the old or the new file. Writers hold the store's lock, so one fixed temporary
name per file is safe, and a temporary left by a killed writer is simply
overwritten by the next save instead of piling up.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage

from kiosk.storage.errors import StoreDamaged, StoreError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
TEMPORARY_SUFFIX = ".tmp"

# A shape check returns what is wrong with parsed JSON, or None if it fits.
Shape = Callable[[Any], str | None]


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) as 0700 folders whose names survive a crash."""
    try:
        os.mkdir(path, PRIVATE_DIR_MODE)
    except FileExistsError:
        return
    except FileNotFoundError:
        ensure_private_dir(path.parent)
        try:
            os.mkdir(path, PRIVATE_DIR_MODE)
        except FileExistsError:
            return
    except OSError as error:
        raise StoreError(f"cannot create the folder {path}: {error.strerror}") from None
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make renames and new entries in the folder durable (a rename lives in the folder)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_durably(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` atomically and durably (see the module docstring)."""
    temporary = path.with_name(path.name + TEMPORARY_SUFFIX)
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
                     | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
        fsync_dir(path.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)  # the old file is untouched; do not leave a half temporary
        raise StoreError(f"cannot save {path}: {error.strerror}; check the disk has free "
                         "space and the folder belongs to this user") from None


def write_json(path: Path, data: Any) -> None:
    write_durably(path, encode(data))


def read_json(path: Path, shape: Shape, kind: str) -> Any | None:
    """The parsed file, ``None`` if it does not exist, or :class:`StoreDamaged`.

    ``kind`` names the file for people ("records of one day", "short-code index").
    """
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreDamaged(path, "it is a folder where a file should be") from None
    except OSError as error:
        raise StoreDamaged(path, f"it cannot be read ({error.strerror})",
                           "give it back to the user that runs the kiosk (chown that user, "
                           "chmod 600), then try again") from None
    return parse_json(path, raw, shape, kind)


def parse_json(path: Path, raw: bytes, shape: Shape, kind: str) -> Any:
    if not raw.strip():
        raise StoreDamaged(path, "it is empty (truncated)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StoreDamaged(path, "it is not text (not JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if is_cut_short(text):
            raise StoreDamaged(path, "it ends in the middle of the data (truncated)") from None
        raise StoreDamaged(path, f"it is not valid JSON (line {error.lineno}, column "
                                 f"{error.colno}: {error.msg})") from None
    problem = shape(data)
    if problem is not None:
        raise StoreDamaged(path, f"it does not hold {kind} ({problem})")
    return data


def is_cut_short(text: str) -> bool:
    """Whether ``text`` reads like the start of a JSON document: brackets or a string left open.

    Used only to word the message: a torn write and a file of junk need different help.
    """
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth < 0:
                return False
    return in_string or depth > 0


# --- shapes -----------------------------------------------------------------------------

def tinydb_shape(fields: frozenset[str] = frozenset()) -> Shape:
    """TinyDB's layout, ``{table: {doc_id: {field: value}}}``, each document with ``fields``.

    Checking the fields is cheap and catches a hand-edited entry before a write
    would carry it along; the full check of a record happens when it is read.
    """

    def check(data: Any) -> str | None:
        if not isinstance(data, dict):
            return "expected a JSON object of tables"
        for table, documents in data.items():
            if not isinstance(documents, dict):
                return f"table {table!r} is not a JSON object"
            for doc_id, document in documents.items():
                if not doc_id.isdigit() or not isinstance(document, dict):
                    return f"entry {doc_id!r} of table {table!r} is not a numbered JSON object"
                missing = fields.difference(document)
                if missing:
                    return f"entry {doc_id!r} of table {table!r} lacks {', '.join(sorted(missing))}"
        return None

    return check


def text_map_shape(data: Any) -> str | None:
    """An index: ``{key: text}``."""
    if not isinstance(data, dict):
        return "expected a JSON object"
    bad = next((key for key, value in data.items() if not isinstance(value, str)), None)
    return None if bad is None else f"the entry for {bad!r} is not text"


def object_shape(data: Any) -> str | None:
    return None if isinstance(data, dict) else "expected a JSON object"


# --- TinyDB -----------------------------------------------------------------------------

class DurableStorage(Storage):
    """TinyDB storage for one small file, used for a single operation under the store lock.

    It reads the file once and keeps what it read or wrote for the rest of that
    operation: TinyDB reads the whole file before every insert or update, and a
    fresh instance per operation means nothing is ever served stale afterwards.
    """

    def __init__(self, path: Path, kind: str, fields: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.path = path
        self.kind = kind
        self.shape = tinydb_shape(fields)
        self._data: dict[str, dict[str, Any]] | None = None
        self._loaded = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self._loaded:
            self._data = read_json(self.path, self.shape, self.kind)
            self._loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_json(self.path, data)
        self._data, self._loaded = data, True


def open_tinydb(path: Path, kind: str, fields: frozenset[str] = frozenset()) -> TinyDB:
    """A TinyDB over one file for one operation (its caches die with it: never stale).

    ``fields`` are the ones every document in the file must have.
    """
    return TinyDB(path, kind, fields, storage=DurableStorage)


ModelT = TypeVar("ModelT", bound=BaseModel)


def as_model(model: type[ModelT], data: Any, path: Path, what: str) -> ModelT:
    """``data`` as ``model``, or :class:`StoreDamaged` naming the file and the first problem.

    Only the problem's place and kind are shown: pydantic's input echo could quote an answer.
    """
    try:
        return model.model_validate(data)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"]) or "entry"
        raise StoreDamaged(path, f"{what} ({where}: {detail['msg']})") from None


# Who keeps a file's contents between reads (the viewer's records and sessions) checks
# this first: the store only ever replaces a file whole, by renaming a new one over it.
FileIdentity = tuple[int, int, int, int, int]


def file_identity(path: Path) -> FileIdentity | None:
    """What changes whenever the store replaces the file (it always writes a new file and
    renames it over the old one); ``None`` if there is no file."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
