"""The questionnaire a running kiosk uses, picked up again when staff edit its file.

Staff edit the YAML while the kiosk runs. Before each new patient the kiosk
looks at the file's modification time; a changed file is used only if it
validates, otherwise the last good questionnaire stays and staff get a notice.

A file's test cases (``NAME.cases.yaml`` beside it) are part of "validates": an
edit whose cases fail is not taken up, and editing the cases file counts as an edit.

Reading and checking a large file takes longer than drawing the first screen, so
a file that validated once is kept, already checked, in the data folder's cache
(keyed by the file's bytes, its cases file's and the format's code) and read from
there at start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import kiosk
from kiosk.case_files import cases_path
from kiosk.errors import KioskError

if TYPE_CHECKING:  # pydantic loads only when a questionnaire is read, after the first paint
    from kiosk.questionnaire import Questionnaire

FileStamp = tuple[int, int]  # (mtime in ns, size): cheap to read, changes with every save
Stamp = tuple[FileStamp | None, FileStamp | None]  # the questionnaire's and its cases'

CACHE_FOLDER = "cache"
# The code that decides what a file means and whether it is valid: a change to it
# makes every cached questionnaire stale.
_FORMAT_CODE = ("questionnaire.py", "loader.py", "checks.py", "expressions.py", "text.py",
                "cases.py", "logic.py", "answers.py")


class QuestionnaireFileError(KioskError):
    """The questionnaire file cannot be used at start-up; lists every problem with its line."""


def _file_stamp(path: Path) -> FileStamp | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _stamp(path: Path) -> Stamp:
    return _file_stamp(path), _file_stamp(cases_path(path))


def questionnaire_key(content: bytes, cases: bytes | None = None) -> str:
    """What a checked questionnaire depends on: the file's bytes, its test cases' bytes
    (None when it has none) and the format's code."""
    digest = hashlib.sha256(content)
    digest.update(b"\0no cases\0" if cases is None else b"\0cases\0" + cases)
    for name in _FORMAT_CODE:
        digest.update((Path(kiosk.__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _file_key(file: Path) -> str:
    """The cache key of a questionnaire file as it is on disk now, with its cases file."""
    companion = cases_path(file)
    cases = companion.read_bytes() if companion.exists() else None
    return questionnaire_key(file.read_bytes(), cases)


def _unchanged(file: Path, key: str) -> bool:
    """The files still hold what the key was made from (no edit while they were read)."""
    try:
        return _file_key(file) == key
    except OSError:
        return False


def _cached(cache_dir: Path, key: str) -> Questionnaire | None:
    from kiosk.questionnaire import Questionnaire

    try:
        return Questionnaire.model_validate_json(
            (cache_dir / f"questionnaire-{key}.json").read_bytes())
    except (OSError, ValueError):
        return None  # no cache yet, or one that cannot be trusted: read the file itself


def _keep(cache_dir: Path, key: str, questionnaire: Questionnaire) -> None:
    """Write the checked questionnaire atomically; older cache entries go."""
    try:
        cache_dir.mkdir(mode=0o700, exist_ok=True)
        for old in cache_dir.glob("questionnaire-*.json"):
            old.unlink(missing_ok=True)
        target = cache_dir / f"questionnaire-{key}.json"
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(json.dumps(questionnaire.model_dump(mode="json"), ensure_ascii=False))
        os.replace(temporary, target)
    except OSError:
        pass  # a cache is only a shortcut; the kiosk reads the file next time


class LiveQuestionnaire:
    """The last good questionnaire from ``path``, and a staff notice if a newer edit is broken."""

    def __init__(self, path: Path, questionnaire: Questionnaire, stamp: Stamp) -> None:
        self.path = path
        self.current = questionnaire
        self.stamp = stamp
        self.problem: str | None = None  # why the file on disk is not the one in use

    @classmethod
    def load(cls, path: str | os.PathLike[str],
             cache_dir: Path | None = None) -> LiveQuestionnaire:
        """Read the file once at start-up; a broken file stops the kiosk with every problem."""
        file = Path(path)
        stamp = _stamp(file)
        key = None
        if cache_dir is not None:
            try:
                key = _file_key(file)
            except OSError:
                key = None
            cached = _cached(cache_dir / CACHE_FOLDER, key) if key else None
            if cached is not None:
                return cls(file, cached, stamp)
        from kiosk.cases import read_questionnaire_with_cases  # only when there is no cache

        result = read_questionnaire_with_cases(file)
        if result.questionnaire is None:
            lines = "\n".join(str(problem) for problem in result.errors)
            raise QuestionnaireFileError(f"{file} cannot be used:\n{lines}")
        if cache_dir is not None and key is not None and _unchanged(file, key):
            _keep(cache_dir / CACHE_FOLDER, key, result.questionnaire)
        return cls(file, result.questionnaire, stamp)

    def refresh(self) -> bool:
        """Re-read the file if it changed since last time; True when a new version is in use."""
        stamp = _stamp(self.path)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        from kiosk.cases import read_questionnaire_with_cases

        result = read_questionnaire_with_cases(self.path)
        if result.questionnaire is None:
            self.problem = "\n".join(str(problem) for problem in result.errors)
            return False
        self.problem = None
        changed = result.questionnaire.content_hash != self.current.content_hash
        self.current = result.questionnaire
        return changed
