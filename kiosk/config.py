"""Kiosk settings: one pydantic model, read from ``config.json`` in the data folder and env vars.

Environment variables win over the file (``KIOSK_CLINIC_NAME``, ``KIOSK_PUBLIC_URL``,
``KIOSK_STAFF_PIN``, ``KIOSK_STATION``), so a tablet can be set up without editing files.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.errors import KioskError
from kiosk.storage.files import write_durably

CONFIG_FILE = "config.json"
_PIN_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


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
    env = {"clinic_name": "KIOSK_CLINIC_NAME", "public_url": "KIOSK_PUBLIC_URL",
           "station": "KIOSK_STATION"}
    values.update({key: os.environ[var] for key, var in env.items() if os.environ.get(var)})
    if os.environ.get("KIOSK_STAFF_PIN"):
        values["staff_pin_hash"] = hash_pin(os.environ["KIOSK_STAFF_PIN"])
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


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_PIN_SCRYPT)  # type: ignore[arg-type]
    return f"scrypt${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str | None) -> bool:
    if not stored or stored.count("$") != 2:
        return False
    _, salt_hex, digest_hex = stored.split("$")
    try:
        digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex),
                                **_PIN_SCRYPT)  # type: ignore[arg-type]
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)
