"""Store problems, each a one-line message a person can act on (the CLI prints ``str()``)."""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import KioskError

RESTORE_ADVICE = ("restore it from a backup (or move it out of the data folder and accept "
                  "losing what it held), then try again")
# For derived files (the indexes), which the day files hold everything of.
REPAIR_ADVICE = ("it is rebuilt from the day files by 'kiosk check --repair', which keeps "
                 "the damaged file in the data folder's damaged/ folder")
# Drafts are never in a backup: all that helps is to set the file aside.
DRAFTS_ADVICE = ("'kiosk check --repair' moves it into the data folder's damaged/ folder; "
                 "the answers of check-ins in progress are lost (drafts are never in a backup)")


def with_advice(damage: StoreDamaged, advice: str) -> StoreDamaged:
    """The same damage with other advice, unless it says how to mend an unreadable file
    (its owner, not its content, needs mending then)."""
    if damage.advice != RESTORE_ADVICE:
        return damage
    return StoreDamaged(damage.path, damage.problem, advice)


class StoreError(KioskError):
    """Any store problem; ``str()`` is one clear line."""


class StoreDamaged(StoreError):
    """A damaged or unreadable data file. It is never rewritten, renamed or repaired."""

    def __init__(self, path: Path, problem: str, advice: str = RESTORE_ADVICE) -> None:
        self.path = path
        self.problem = problem
        self.advice = advice
        super().__init__(f"damaged data file {path}: {problem}; the kiosk stopped and left "
                         f"the file unchanged: {advice}")


class RecordNotFound(StoreError):
    """No stored record has that id or short code."""


class RecordLocked(StoreError):
    """The record is sealed and this process holds no key to open it (no staff login)."""

    exit_code = 2
