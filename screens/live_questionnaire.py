"""The questionnaire a running kiosk uses, picked up again when staff edit its file.

Staff edit the YAML while the kiosk runs. Before each new patient the kiosk
looks at the file's modification time; a changed file is used only if it
validates, otherwise the last good questionnaire stays and staff get a notice.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.loader import read_questionnaire
from kiosk.questionnaire import Questionnaire

Stamp = tuple[int, int]  # (mtime in ns, size): cheap to read, changes with every save


class QuestionnaireFileError(KioskError):
    """The questionnaire file cannot be used at start-up; lists every problem with its line."""


def _stamp(path: Path) -> Stamp | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class LiveQuestionnaire:
    """The last good questionnaire from ``path``, and a staff notice if a newer edit is broken."""

    def __init__(self, path: Path, questionnaire: Questionnaire, stamp: Stamp | None) -> None:
        self.path = path
        self.current = questionnaire
        self.stamp = stamp
        self.problem: str | None = None  # why the file on disk is not the one in use

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LiveQuestionnaire:
        """Read the file once at start-up; a broken file stops the kiosk with every problem."""
        file = Path(path)
        stamp = _stamp(file)
        result = read_questionnaire(file)
        if result.questionnaire is None:
            lines = "\n".join(str(problem) for problem in result.errors)
            raise QuestionnaireFileError(f"{file} cannot be used:\n{lines}")
        return cls(file, result.questionnaire, stamp)

    def refresh(self) -> bool:
        """Re-read the file if it changed since last time; True when a new version is in use."""
        stamp = _stamp(self.path)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        result = read_questionnaire(self.path)
        if result.questionnaire is None:
            self.problem = "\n".join(str(problem) for problem in result.errors)
            return False
        self.problem = None
        changed = result.questionnaire.content_hash != self.current.content_hash
        self.current = result.questionnaire
        return changed
