"""``kiosk keys recovery``: a new recovery code for the clinic's key (staff login needed).

The new code replaces the old one, which stops working at once; it is printed once.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.commands.staff_login import LoginNeeded, add_login_options, read_secret, unlock
from kiosk.paths import resolve_data_dir
from kiosk.store import AuditEvent, Store


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "keys", help="the clinic's key: a new recovery code",
        description="Manage the clinic's key. Staff accounts each hold a copy (see 'kiosk "
                    "staff'); the recovery code opens it when every password is lost.")
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    recovery = actions.add_parser(
        "recovery", parents=[common], help="print a new recovery code (the old one stops "
                                           "working)",
        description="Make a new recovery code and print it once; the old code stops working.")
    add_login_options(recovery)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = Store(resolve_data_dir(args.data))
    if not store.sealed:
        raise LoginNeeded("this data folder has no keys yet: the first 'kiosk staff add NAME' "
                          "sets them up and prints the recovery code")
    if not args.user:
        raise LoginNeeded("'kiosk keys recovery' needs a staff login: add --user NAME")
    key = unlock(store, args.user, read_secret("Password: ", args.password_stdin),
                 "keys recovery")
    with store.locked():
        code = store.keys.new_recovery_code(key)
    store.record_audit(AuditEvent(actor=args.user.strip().lower(), action="recovery code made",
                                  detail="the previous code no longer works"))
    print("NEW RECOVERY CODE (shown once; the old one no longer works):\n\n"
          f"    {code}\n\nWrite it down and keep it locked away.")
    return 0
