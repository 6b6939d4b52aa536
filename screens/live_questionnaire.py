"""One questionnaire file a running kiosk uses, picked up again when staff edit it.

Staff edit the YAML while the kiosk runs. Before each new patient the kiosk
looks at the file's modification time; a changed file is used only if it
validates (and passes the kiosk's own check, such as the roles a kiosk offering
several files needs), otherwise the last good questionnaire stays and staff get a
notice. ``screens.offered_questionnaires`` holds the kiosk's set of these.

A file's test cases (``NAME.cases.yaml`` beside it) are part of "validates": an
edit whose cases fail is not taken up, and editing the cases file counts as an edit.

Reading and checking a large file takes longer than drawing the first screen, so
a file that validated once is kept, already checked, in the data folder's cache
(named for the file, keyed by its bytes, its cases file's and the format's code) and
read from there at start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import kiosk
from kiosk.errors import KioskError
from kiosk.questionnaire.case_files import cases_path

if TYPE_CHECKING:  # pydantic loads only when a questionnaire is read, after the first paint
    from kiosk.questionnaire.model import Questionnaire

FileStamp = tuple[int, int]  # (mtime in ns, size): cheap to read, changes with every save
Stamp = tuple[FileStamp | None, FileStamp | None]  # the questionnaire's and its cases'
# Why a questionnaire that validates still cannot be offered on this kiosk (None: it can).
Check = Callable[["Questionnaire"], "str | None"]
CACHE_FOLDER = "cache"
# The code that decides what a file means and whether it is valid: a change to it
# makes every cached questionnaire stale.
_FORMAT_CODE = tuple(f"questionnaire/{name}.py" for name in (
    "model", "loader", "checks", "expressions", "text", "cases", "logic", "answers", "names"))


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


def _cache_prefix(file: Path) -> str:
    """Each file's cache entries have their own name, so that a kiosk offering several
    files keeps one entry per file (keeping one file's entry drops only its older ones)."""
    where = hashlib.sha256(str(file.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"questionnaire-{where}-"


def _cached(cache_dir: Path, prefix: str, key: str) -> Questionnaire | None:
    from kiosk.questionnaire.model import Questionnaire

    try:
        return Questionnaire.model_validate_json(
            (cache_dir / f"{prefix}{key}.json").read_bytes())
    except (OSError, ValueError):
        return None  # no cache yet, or one that cannot be trusted: read the file itself


def _keep(cache_dir: Path, prefix: str, key: str, questionnaire: Questionnaire) -> None:
    """Write the checked questionnaire atomically; the file's older cache entries go."""
    try:
        cache_dir.mkdir(mode=0o700, exist_ok=True)
        for old in cache_dir.glob(f"{prefix}*.json"):
            old.unlink(missing_ok=True)
        target = cache_dir / f"{prefix}{key}.json"
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(json.dumps(questionnaire.model_dump(mode="json"), ensure_ascii=False))
        os.replace(temporary, target)
    except OSError:
        pass  # a cache is only a shortcut; the kiosk reads the file next time


class LiveQuestionnaire:
    """The last good questionnaire from ``path``, and a staff notice if a newer edit is broken."""

    def __init__(self, path: Path, questionnaire: Questionnaire, stamp: Stamp | None,
                 check: Check | None = None) -> None:
        self.path = path
        self.current = questionnaire
        self.stamp = stamp
        self.check = check  # what this kiosk asks of a version beyond validating
        self.problem: str | None = None  # why the file on disk is not the one in use

    @classmethod
    def load(cls, path: str | os.PathLike[str], cache_dir: Path | None = None,
             check: Check | None = None) -> LiveQuestionnaire:
        """Read the file once at start-up; a broken file (or one ``check`` refuses) raises
        with every problem."""
        file = Path(path)
        stamp = _stamp(file)
        key = None
        questionnaire = None
        if cache_dir is not None:
            try:
                key = _file_key(file)
            except OSError:
                key = None
            questionnaire = _cached(cache_dir / CACHE_FOLDER, _cache_prefix(file), key) \
                if key else None
        if questionnaire is None:
            # only when there is no cache
            from kiosk.questionnaire.cases import read_questionnaire_with_cases

            result = read_questionnaire_with_cases(file)
            if result.questionnaire is None:
                lines = "\n".join(str(problem) for problem in result.errors)
                raise QuestionnaireFileError(f"{file} cannot be used:\n{lines}")
            questionnaire = result.questionnaire
            if cache_dir is not None and key is not None and _unchanged(file, key):
                _keep(cache_dir / CACHE_FOLDER, _cache_prefix(file), key, questionnaire)
        refused = check(questionnaire) if check is not None else None
        if refused is not None:
            raise QuestionnaireFileError(f"{file} cannot be offered: {refused}")
        return cls(file, questionnaire, stamp, check)

    def refresh(self) -> bool:
        """Re-read the file if it changed since last time; True when a new version is in use."""
        stamp = _stamp(self.path)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        from kiosk.questionnaire.cases import read_questionnaire_with_cases

        result = read_questionnaire_with_cases(self.path)
        if result.questionnaire is None:
            self.problem = "\n".join(str(problem) for problem in result.errors)
            return False
        refused = self.check(result.questionnaire) if self.check is not None else None
        if refused is not None:  # refused like a broken edit: the last good version stays
            self.problem = f"{self.path}: {refused}"
            return False
        self.problem = None
        changed = result.questionnaire.content_hash != self.current.content_hash
        self.current = result.questionnaire
        return changed
