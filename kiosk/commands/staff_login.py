"""The staff login that commands reading records need once the data folder has keys.

``add_login_options`` gives a command ``--user NAME`` and ``--password-stdin``;
``reading_store`` opens the data folder's store able to read sealed records: it asks for
the password at the terminal (or reads the first line of standard input), opens the
clinic's key into this process's memory only, and audits the unlock. Without a login on
a folder with keys it refuses with one line and exit 2; a wrong password has its own line.
A folder with no staff account yet needs no login (its records are not sealed yet).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from kiosk.errors import KioskError
from kiosk.keys.keyring import ClinicKey
from kiosk.keys.wrapping import WrongSecret
from kiosk.paths import resolve_data_dir
from kiosk.store import AuditEvent, Store
from kiosk.viewer.accounts import normalize_name


class LoginNeeded(KioskError):
    exit_code = 2


class WrongPassword(KioskError):
    exit_code = 2


def add_login_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="NAME",
                        help="your staff account: needed to read records once the data "
                             "folder has keys (the password is asked for at the terminal)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the staff password from the first line of standard input")


def read_secret(prompt: str, from_stdin: bool, stdin: TextIO | None = None) -> str:
    """One password or code: the next line of standard input, or typed at the terminal
    (never echoed)."""
    stream = stdin or sys.stdin
    if from_stdin:
        line = stream.readline()
        if not line:
            raise LoginNeeded(f"standard input ended before the {prompt.lower().rstrip(': ')}")
        return line.rstrip("\r\n")
    if not stream.isatty():
        raise LoginNeeded("no terminal to ask for the password on; use --password-stdin")
    return getpass.getpass(prompt)


def unlock(store: Store, user: str, password: str, purpose: str) -> ClinicKey:
    """Open the clinic's key with a staff password, into ``store``; audited either way."""
    name = normalize_name(user)
    try:
        key = store.keys.unlock(name, password)
    except WrongSecret:
        store.record_audit(AuditEvent(actor=name, action="unlock refused", detail=purpose))
        raise WrongPassword(f"wrong password for staff account {name!r}; nothing was "
                            "read") from None
    store.unlock(key)
    store.record_audit(AuditEvent(actor=name, action="unlock", detail=purpose))
    return key


def reading_store(args: argparse.Namespace, purpose: str) -> Store:
    """The store, unlocked for reading records by the staff login in ``args``.

    ``purpose`` names the command in the audit log ("records list", "push").
    """
    store = Store(resolve_data_dir(args.data))
    if not store.sealed:  # as before keys: staff are told where they look (kiosk serve, F12)
        return store
    if not args.user:
        raise LoginNeeded(f"'kiosk {purpose}' reads sealed records and needs a staff login: "
                          "add --user NAME (the password is asked for, or read with "
                          "--password-stdin)")
    password = read_secret("Password: ", args.password_stdin)
    unlock(store, args.user, password, purpose)
    store.link_waiting()  # visits kiosks saved sealed join their patients (history, export)
    return store
