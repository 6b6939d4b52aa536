"""``kiosk staff add|passwd|remove|list``: staff accounts, each holding a copy of the key.

The first ``staff add`` on a data folder needs no login: it makes the clinic's key pair,
prints a recovery code once, and seals the records already there. After that, adding,
changing or removing an account needs an existing staff login (``--user NAME``) or the
recovery code (``--recovery-code``), so nobody who merely reaches a shell on the kiosk
can make themselves an account that reads records. With ``--password-stdin`` the first
line is the existing password (or the code) and the second the new password.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.commands.staff_login import WrongPassword, read_secret, unlock
from kiosk.keys.keyring import ClinicKey, KeyProblem
from kiosk.keys.wrapping import WrongSecret
from kiosk.paths import resolve_data_dir
from kiosk.storage import patients
from kiosk.storage.sealing_migration import seal_in_place
from kiosk.store import AuditEvent, Store
from kiosk.viewer.accounts import StaffAccounts, StaffError, check_name, check_password


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "staff", help="add, change, list or remove staff logins",
        description="Manage the staff accounts that open intakes in the viewer and in the "
                    "record commands. Each holds a copy of the clinic's key, wrapped under "
                    "its password.")
    # --data belongs to each action (kiosk staff add NAME --data DIR), not to "staff" itself:
    # given to both, the action's default would overwrite the value given before it.
    actions = parser.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", parents=[common], help="add a staff account",
        description="Add a staff account; asks for its password twice. The first account "
                    "sets up the clinic's key and prints the recovery code once; later ones "
                    "need --user NAME (an existing account) or --recovery-code.")
    add.add_argument("name", metavar="NAME", help="login name: letters, digits, . _ -")
    passwd = actions.add_parser(
        "passwd", parents=[common], help="change a staff account's password",
        description="Change a password: log in as the account itself (the default), as "
                    "another account with --user, or with --recovery-code.")
    passwd.add_argument("name", metavar="NAME")
    remove = actions.add_parser("remove", parents=[common],
                                help="remove a staff account (its copy of the key goes too)")
    remove.add_argument("name", metavar="NAME")
    for action in (add, passwd, remove):
        _add_authority(action)
    actions.add_parser("list", parents=[common], help="list staff accounts")
    parser.set_defaults(handler=run)


def _add_authority(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", metavar="NAME", help="your own staff account, to authorise this")
    who.add_argument("--recovery-code", action="store_true",
                     help="authorise with the clinic's recovery code (asked for, or the "
                          "first line of standard input)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the passwords from standard input: the existing one (or "
                             "the code) first, then the new one")


def _new_password(from_stdin: bool) -> str:
    password = read_secret("New password: ", from_stdin)
    check_password(password)
    if not from_stdin and read_secret("New password again: ", False) != password:
        raise StaffError("the two passwords differ; nothing was changed")
    return password


def _authority(store: Store, args: argparse.Namespace, purpose: str,
               default_user: str | None = None) -> ClinicKey:
    """The opened key, from the login or recovery code the command was given."""
    if args.recovery_code:
        code = read_secret("Recovery code: ", args.password_stdin)
        try:
            key = store.keys.unlock_with_recovery(code)
        except WrongSecret as wrong:
            store.record_audit(AuditEvent(actor="recovery code", action="unlock refused",
                                          detail=purpose))
            raise WrongPassword(f"{wrong}; nothing was changed") from None
        store.unlock(key)
        store.record_audit(AuditEvent(actor="recovery code", action="unlock", detail=purpose))
        return key
    user = args.user or default_user
    if not user:
        raise StaffError(f"'kiosk staff {args.staff_action}' needs an existing staff login: "
                         "add --user NAME, or --recovery-code")
    password = read_secret(f"Password for {user}: ", args.password_stdin)
    return unlock(store, user, password, purpose)


def run(args: argparse.Namespace) -> int:
    store = Store(resolve_data_dir(args.data))
    accounts = StaffAccounts(store)
    finish_set_up(store)
    if args.staff_action == "list":
        listed = accounts.all_accounts()
        if not listed:
            print("no staff accounts yet; add one with: kiosk staff add NAME")
        for account in listed:
            print(f"{account.name}\tadded {account.created_at}")
        return 0
    name = check_name(args.name)
    if args.staff_action == "add" and not store.sealed:
        return _set_up(store, name, args)
    if not store.sealed:  # accounts made before keys existed: as before, no key to wrap
        if args.staff_action == "remove":
            accounts.remove(name)
            print(f"removed staff account {name!r}; its sessions are ended")
            return 0
        raise StaffError("this data folder has no keys yet: 'kiosk staff add NAME' makes "
                         "them (and the account)")
    key = _authority(store, args, f"staff {args.staff_action} {name}",
                     default_user=name if args.staff_action == "passwd" else None)
    if args.staff_action == "add":
        password = _new_password(args.password_stdin)
        with store.locked():
            if name in accounts.names_without_key():
                raise StaffError(f"staff account {name!r} already exists; change its "
                                 f"password with 'kiosk staff passwd {name}'")
            store.keys.add_account(key, name, password)
        print(f"added staff account {name!r}")
    elif args.staff_action == "passwd":
        password = _new_password(args.password_stdin)
        with store.locked():
            if name not in store.keys.account_names() and \
                    name not in accounts.names_without_key():
                raise StaffError(f"there is no staff account {name!r} (see 'kiosk staff list')")
            store.keys.change_password(key, name, password)
        accounts.forget_old_hash(name)  # its password is now the wrapped key's
        print(f"changed the password of {name!r}")
    else:
        _remove(store, accounts, name)
    return 0


def _remove(store: Store, accounts: StaffAccounts, name: str) -> None:
    with store.locked():
        holders = store.keys.account_names()
        if name in holders and len(holders) == 1:
            raise StaffError(f"{name!r} is the last account holding the clinic's key; add "
                             "another first (only the recovery code would be left)")
    removed = accounts.remove(name)
    if not removed:
        raise StaffError(f"there is no staff account {name!r} (see 'kiosk staff list')")
    print(f"removed staff account {name!r}; its copy of the key is deleted and its "
          "sessions are ended")


def _set_up(store: Store, name: str, args: argparse.Namespace) -> int:
    if args.user or args.recovery_code:
        raise StaffError("this data folder has no keys yet, so no login is needed: the "
                         "first account sets them up")
    password = _new_password(args.password_stdin)
    with store.locked():
        if store.sealed:
            raise KeyProblem("another 'kiosk staff add' set up the keys meanwhile; add this "
                             "account with --user NAME")
        secret = patients.existing_secret(store.root) or patients.load_secret(store.root)
        key, code = store.keys.set_up(name, password, secret)
    StaffAccounts(store).forget_old_hash(name)
    store.unlock(key)
    store.record_audit(AuditEvent(actor=name, action="keys set up",
                                  detail="first staff account; recovery code made"))
    print(f"added staff account {name!r} and set up the clinic's key.\n\n"
          f"RECOVERY CODE (shown once; write it down and keep it locked away):\n\n"
          f"    {code}\n\n"
          "With it, 'kiosk staff passwd NAME --recovery-code' gets you back in after every "
          "staff password is lost. Without a password or this code, sealed records cannot "
          "be opened by anyone.", flush=True)
    sealed = seal_in_place(store)
    print(f"sealed {sealed.records} record(s) already in the data folder"
          + (f" and {sealed.drafts} draft(s)" if sealed.drafts else ""))
    if sealed.records:
        print("backups taken before now hold those records in clear: take a new backup "
              "('kiosk backup DIR') and delete the old ones", file=sys.stderr)
    return 0


def finish_set_up(store: Store) -> None:
    """Finish a set-up a crash cut short: publish the public key, seal what is in clear."""
    with store.locked():
        store.keys.publish()
    seal_in_place(store)
