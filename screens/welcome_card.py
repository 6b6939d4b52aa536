"""What the Welcome screen shows, kept from the last start so that the next start paints it at once.

Before the kiosk can take a patient it loads pydantic, its settings, the checked
questionnaire and the store: longer than Textual takes to paint a screen. The
Welcome screen needs a few facts of all that: the clinic's name, the languages and
the first language, and (on a kiosk offering several questionnaires) the choices it
asks the patient to make, in each language, and whether staff have a notice. Each
full load keeps them here under a key made from everything that load read (the config
file, the settings variables, the command's options, every questionnaire file and the
format's code). The next start
whose sources give the same key paints Welcome from the card and loads the rest just
after: the same load that succeeded last time. Should it now fail, the kiosk stops
with its message as before; should it find other facts, Welcome is drawn again.

The card is read before pydantic is imported (that is its point), so it is checked
by hand; anything unexpected in it means no card, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.settings_sources import CONFIG_FILE, SETTINGS_ENV
from screens.live_questionnaire import CACHE_FOLDER, questionnaire_key

CARD_FILE = "welcome-card.json"
CARD_FORMAT = "2"  # a change to what the card holds makes older cards stale
_LANGUAGE = re.compile(r"[a-z]{2,3}")  # as the questionnaire format allows
_MAX_LANGUAGES = 20
_MAX_CLINIC_NAME = 80  # as the settings allow
_MAX_CHOICES = 20
_MAX_CHOICE_KEY = 4096  # a file's path
_MAX_LABEL = 300


@dataclass(frozen=True)
class Choice:
    """One questionnaire Welcome offers: ``key`` finds it again (its file's path), and its
    label in each of Welcome's languages."""

    key: str
    labels: tuple[tuple[str, str], ...]

    def label(self, language: str) -> str:
        return dict(self.labels).get(language) or self.labels[0][1]


@dataclass(frozen=True)
class WelcomeCard:
    clinic_name: str
    languages: tuple[str, ...]
    default_language: str
    choices: tuple[Choice, ...] = ()  # none: one questionnaire, a plain Start button
    staff_notice: bool = False


def welcome_card_key(data_dir: Path, questionnaire_files: Path | Sequence[Path],
                     options: Sequence[object]) -> str | None:
    """The key of the card that fits these sources and command ``options`` now; None if a
    source cannot be read."""
    files = [questionnaire_files] if isinstance(questionnaire_files, Path) \
        else list(questionnaire_files)
    try:
        questionnaires = [f"{file}\0{questionnaire_key(file.read_bytes())}" for file in files]
        config_file = data_dir / CONFIG_FILE
        config = config_file.read_bytes() if config_file.exists() else None
    except OSError:
        return None
    digest = hashlib.sha256("\0".join([CARD_FORMAT, *questionnaires, ""]).encode())
    digest.update(b"absent" if config is None else b"file:" + config)
    variables = [os.environ.get(name) for name in sorted(SETTINGS_ENV.values())]
    digest.update(b"\0" + repr((variables, list(options))).encode())
    return digest.hexdigest()


def read_welcome_card(data_dir: Path, key: str) -> WelcomeCard | None:
    """The card kept under ``key``, if there is one and it is sound."""
    try:
        kept = json.loads((data_dir / CACHE_FOLDER / CARD_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None
    name, languages, default = (kept.get("clinic_name"), kept.get("languages"),
                                kept.get("default_language"))
    if not (isinstance(name, str) and 0 < len(name) <= _MAX_CLINIC_NAME
            and isinstance(languages, list) and 0 < len(languages) <= _MAX_LANGUAGES
            and all(isinstance(code, str) and _LANGUAGE.fullmatch(code) for code in languages)
            and isinstance(default, str) and default in languages):
        return None
    choices = _read_choices(kept.get("choices"), languages)
    staff_notice = kept.get("staff_notice")
    if choices is None or not isinstance(staff_notice, bool):
        return None
    return WelcomeCard(name, tuple(languages), default, choices, staff_notice)


def _read_choices(kept: object, languages: list[str]) -> tuple[Choice, ...] | None:
    """The card's choices if sound: a label in every language, none or at least two."""
    if not isinstance(kept, list) or len(kept) == 1 or len(kept) > _MAX_CHOICES:
        return None
    choices = []
    for choice in kept:
        if not isinstance(choice, dict):
            return None
        key, labels = choice.get("key"), choice.get("labels")
        if not (isinstance(key, str) and 0 < len(key) <= _MAX_CHOICE_KEY
                and isinstance(labels, dict) and list(labels) == languages
                and all(isinstance(label, str) and 0 < len(label) <= _MAX_LABEL
                        for label in labels.values())):
            return None
        choices.append(Choice(key, tuple(labels.items())))
    return tuple(choices)


def keep_welcome_card(data_dir: Path, key: str, card: WelcomeCard) -> None:
    """Keep ``card`` for the next start, unless it is kept already (a failure costs only speed)."""
    from kiosk.storage.errors import StoreError
    from kiosk.storage.files import ensure_private_dir, write_durably

    if read_welcome_card(data_dir, key) == card:
        return
    payload = {"key": key, "clinic_name": card.clinic_name, "languages": list(card.languages),
               "default_language": card.default_language,
               "choices": [{"key": choice.key, "labels": dict(choice.labels)}
                           for choice in card.choices],
               "staff_notice": card.staff_notice}
    try:
        ensure_private_dir(data_dir / CACHE_FOLDER)
        write_durably(data_dir / CACHE_FOLDER / CARD_FILE,
                      json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    except (OSError, StoreError):
        pass
