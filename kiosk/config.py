"""Kiosk settings: one pydantic model, read from ``config.json`` in the data folder and env vars.

Environment variables win over the file (``KIOSK_CLINIC_NAME``, ``KIOSK_PUBLIC_URL``,
``KIOSK_STAFF_PIN``, ``KIOSK_STATION``), so a tablet can be set up without editing files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.errors import KioskError
from kiosk.pins import hash_pin
from kiosk.settings_sources import CONFIG_FILE, SETTINGS_ENV, STAFF_PIN_ENV
from kiosk.storage.files import write_durably


class ConfigError(KioskError):
    """The config file is damaged or holds a value that cannot be used."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clinic_name: str = Field("Physical Therapy Clinic", max_length=80)
    public_url: str | None = None
    station: str = Field("kiosk", pattern=r"^[A-Za-z0-9_.\-]{1,40}$")
    staff_pin_hash: str | None = None  # "scrypt$salt_hex$hash_hex"; never the PIN itself
    idle_timeout: float = Field(90.0, gt=0, le=3600)
    qr_timeout: float = Field(60.0, gt=0, le=3600)
    backup_dir: str | None = None  # a daily backup goes here (kiosk, kiosk serve) when set
    backup_keep: int = Field(7, ge=1, le=3650)  # how many daily backups are kept
    # Sending intakes to the clinic's FHIR server (docs/export.md): the server, then one
    # way to authenticate: none, a bearer token read from a file, or SMART Backend Services.
    fhir_url: str | None = None
    fhir_token_file: str | None = None
    fhir_client_id: str | None = None
    fhir_token_url: str | None = None
    fhir_private_key_file: str | None = None
    fhir_key_id: str | None = None
    fhir_key_alg: Literal["RS384", "ES384"] = "RS384"


def load_settings(data_dir: Path) -> Settings:
    """Settings from the data folder's config file (if any), then the environment."""
    path = data_dir / CONFIG_FILE
    values: dict[str, object] = {}
    if path.exists():
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ConfigError(f"{path}: cannot read the settings ({error}); fix or remove "
                              "the file") from None
    values.update({key: os.environ[var] for key, var in SETTINGS_ENV.items()
                   if os.environ.get(var)})
    if os.environ.get(STAFF_PIN_ENV):
        values["staff_pin_hash"] = hash_pin(os.environ[STAFF_PIN_ENV])
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in error.errors(include_url=False))
        raise ConfigError(f"{path}: {problems}") from None


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write the config file atomically, readable only by this user."""
    payload = settings.model_dump_json(indent=2, exclude_none=True).encode("utf-8")
    write_durably(data_dir / CONFIG_FILE, payload)

