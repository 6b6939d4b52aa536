"""Where things live: the data folder and the bundled questionnaires."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from kiosk.errors import KioskError

DATA_DIR_ENV = "KIOSK_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_QUESTIONNAIRE = REPO_ROOT / "questionnaires" / "dry-needling.yaml"
BUNDLED_FOLLOW_UP = REPO_ROOT / "questionnaires" / "follow-up.yaml"
# What a kiosk offers unless told otherwise: the first-visit intake and the follow-up.
BUNDLED_QUESTIONNAIRES = (BUNDLED_QUESTIONNAIRE, BUNDLED_FOLLOW_UP)


class DataDirError(KioskError):
    """The data folder cannot be created or used."""


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data DIR``, else ``$KIOSK_DATA_DIR``, else the per-user data folder; created 0700."""
    chosen = explicit or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir("intake-kiosk")
    path = Path(chosen).expanduser().resolve()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(f"cannot create the data folder {path}: {error.strerror}") from None
    if not path.is_dir():
        raise DataDirError(f"the data folder {path} is not a folder")
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise DataDirError(f"the data folder {path} is not readable and writable by this user")
    return path
