"""``kiosk config``: the kiosk's settings (clinic name, public URL, station, idle time, staff PIN).

``set-pin`` asks twice (or reads ``--pin-stdin``) and stores only a scrypt hash;
``show`` never prints the hash. Environment variables still win over the file.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.config import ConfigError, Settings, save_settings
from kiosk.errors import KioskError
from kiosk.interop.fhir_settings import FHIR_PATHS, FHIR_SETTINGS, FHIR_URLS, check_fhir_url
from kiosk.link import check_public_url
from kiosk.paths import resolve_data_dir
from kiosk.pins import hash_pin
from kiosk.settings_sources import CONFIG_FILE, SETTINGS_ENV, STAFF_PIN_ENV
from kiosk.storage.outbox import switch_on_outbox

SETTABLE = ("clinic_name", "public_url", "station", "idle_timeout", "backup_dir", "backup_keep",
            *FHIR_SETTINGS)
PIN_MIN_LENGTH = 4
PIN_MAX_LENGTH = 64


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "config", help="show or change the kiosk's settings",
        description="Show or change the kiosk's settings, kept in config.json in the data "
                    "folder. KIOSK_CLINIC_NAME, KIOSK_PUBLIC_URL, KIOSK_STATION and "
                    "KIOSK_STAFF_PIN override the file.")
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    set_pin = actions.add_parser(
        "set-pin", parents=[common], help="set the staff PIN that unlocks the kiosk's exit",
        description="Set the staff PIN (asked twice). Only a scrypt hash is stored.")
    set_pin.add_argument("--pin-stdin", action="store_true",
                         help="read the PIN from the first line of standard input")
    set_pin.set_defaults(handler=run_set_pin)
    setter = actions.add_parser(
        "set", parents=[common], help="change one setting",
        description="Change one setting: clinic_name, public_url (empty to use this "
                    "machine's address), station, idle_timeout (seconds), backup_dir (where "
                    "the kiosk and 'kiosk serve' write a backup once a day; empty for none) "
                    "or backup_keep (how many of those to keep); fhir_url (the clinic's FHIR "
                    "server intakes are sent to; empty for none), fhir_token_file, "
                    "fhir_client_id, fhir_token_url, fhir_private_key_file, fhir_key_id or "
                    "fhir_key_alg (how the kiosk signs in there; see docs/export.md).")
    setter.add_argument("key", choices=SETTABLE)
    setter.add_argument("value")
    setter.set_defaults(handler=run_set)
    show = actions.add_parser("show", parents=[common], help="print the settings in use",
                              description="Print the settings in use (never the PIN).")
    show.set_defaults(handler=run_show)


def file_settings(data_dir: Path) -> Settings:
    """The settings written in the config file only (environment variables left out)."""
    path = data_dir / CONFIG_FILE
    try:
        values = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return Settings.model_validate(values)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the settings ({error}); fix or remove "
                          "the file") from None
    except ValidationError as error:
        raise ConfigError(f"{path}: {_problems(error)}") from None


def _problems(error: ValidationError, locations: bool = True) -> str:
    def explain(detail: Any) -> str:
        if detail["type"] == "string_pattern_mismatch":
            return "use 1 to 40 letters, digits, '.', '_' or '-'"
        return str(detail["msg"])

    return "; ".join((f"{'.'.join(map(str, e['loc']))}: " if locations else "") + explain(e)
                     for e in error.errors(include_url=False))


def read_pin(from_stdin: bool) -> str:
    if from_stdin:
        pin = sys.stdin.readline().rstrip("\r\n")
    else:
        pin = getpass.getpass("New staff PIN: ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise KioskError("the two PINs differ; nothing was changed")
    if len(pin.strip()) < PIN_MIN_LENGTH or len(pin) > PIN_MAX_LENGTH:
        raise KioskError(f"a staff PIN needs {PIN_MIN_LENGTH} to {PIN_MAX_LENGTH} characters; "
                         "nothing was changed")
    return pin


def run_set_pin(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data)
    settings = file_settings(data_dir)
    pin = read_pin(args.pin_stdin)
    save_settings(data_dir, settings.model_copy(update={"staff_pin_hash": hash_pin(pin)}))
    print("Staff PIN set. Restart the kiosk for it to take effect.")
    if os.environ.get(STAFF_PIN_ENV):
        print(f"Note: {STAFF_PIN_ENV} is set in this environment and wins over the file.")
    return 0


def run_set(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data)
    settings = file_settings(data_dir)
    value: Any = args.value
    if args.key == "public_url":
        value = check_public_url(value) if value.strip() else None
    if args.key in FHIR_URLS:
        value = check_fhir_url(args.key, value) if value.strip() else None
    if args.key in ("backup_dir", *FHIR_PATHS):  # kept whole: the kiosk may start elsewhere
        value = str(Path(value).expanduser().absolute()) if value.strip() else None
    if args.key in ("fhir_client_id", "fhir_key_id"):
        value = value.strip() or None
    try:
        changed = Settings.model_validate({**settings.model_dump(), args.key: value})
    except ValidationError as error:
        raise ConfigError(f"{args.key}: {_problems(error, locations=False)}") from None
    save_settings(data_dir, changed)
    if args.key == "fhir_url" and changed.fhir_url:
        switch_on_outbox(data_dir)
    print(f"{args.key} set to {getattr(changed, args.key)!r}. Restart the kiosk for it to "
          "take effect.")
    variable = SETTINGS_ENV.get(args.key)
    if variable and os.environ.get(variable):
        print(f"Note: {variable} is set in this environment and wins over the file.")
    return 0


def run_show(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data)
    settings = file_settings(data_dir)
    print(f"data folder: {data_dir}")
    for key in ("clinic_name", "public_url", "station", "idle_timeout", "qr_timeout",
                "backup_dir", "backup_keep", *FHIR_SETTINGS):
        value = getattr(settings, key)
        variable = SETTINGS_ENV.get(key)
        if variable and os.environ.get(variable):
            value, source = os.environ[variable], f" (from {variable})"
        else:
            source = ""
        if key == "public_url" and value is None:
            print("public_url: not set (the kiosk uses this machine's address)")
        elif key == "backup_dir" and value is None:
            print("backup_dir: not set (no daily backups)")
        elif key.startswith("fhir_") and (value is None or not settings.fhir_url or (
                key == "fhir_key_alg" and not settings.fhir_client_id)):
            continue  # only what sending to a FHIR server uses, once one is set
        else:
            print(f"{key}: {value}{source}")
    if os.environ.get(STAFF_PIN_ENV):
        print(f"staff_pin: set (from {STAFF_PIN_ENV})")
    elif settings.staff_pin_hash:
        print("staff_pin: set")
    else:
        print("staff_pin: not set (run 'kiosk config set-pin')")
    return 0
