"""``kiosk staff add|list|remove``: the accounts clinicians log in to the viewer with."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.paths import resolve_data_dir
from kiosk.store import Store
from kiosk.viewer.accounts import StaffAccounts, StaffError, check_password


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "staff", help="add, list or remove staff logins for the viewer",
        description="Manage the staff accounts that may open intakes in the clinician viewer. "
                    "Passwords are stored only as scrypt hashes.")
    # --data belongs to each action (kiosk staff add NAME --data DIR), not to "staff" itself:
    # given to both, the action's default would overwrite the value given before it.
    actions = parser.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a staff account",
                             description="Add a staff account; asks for the password twice.")
    add.add_argument("name", metavar="NAME", help="login name: letters, digits, . _ -")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    actions.add_parser("list", parents=[common], help="list staff accounts")
    remove = actions.add_parser("remove", parents=[common],
                                help="remove a staff account and end its sessions")
    remove.add_argument("name", metavar="NAME")
    parser.set_defaults(handler=run)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        check_password(password)
        return password
    if not sys.stdin.isatty():
        raise StaffError("no terminal to ask for the password on; use --password-stdin")
    password = getpass.getpass("Password: ")
    check_password(password)
    if getpass.getpass("Password again: ") != password:
        raise StaffError("the two passwords differ; nothing was changed")
    return password


def run(args: argparse.Namespace) -> int:
    accounts = StaffAccounts(Store(resolve_data_dir(args.data)))
    if args.staff_action == "add":
        password = _read_password(args.password_stdin)
        account = accounts.add(args.name, password)
        print(f"added staff account {account.name!r}")
    elif args.staff_action == "remove":
        accounts.remove(args.name)
        print(f"removed staff account {args.name.strip().lower()!r}; its sessions are ended")
    else:
        listed = accounts.all_accounts()
        if not listed:
            print("no staff accounts yet; add one with: kiosk staff add NAME")
        for account in listed:
            print(f"{account.name}\tadded {account.created_at}")
    return 0
