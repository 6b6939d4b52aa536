"""``kiosk check [--repair]``: every file of the data folder read, every index compared.

No login: it checks files' shape and the indexes, and never shows what a record holds.
Once records are sealed, the patient index can only be compared with them by a process
holding the key: ``--user NAME`` adds that check (and its repair).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.commands.staff_login import read_secret, unlock
from kiosk.config import ConfigError, load_settings
from kiosk.paths import resolve_data_dir
from kiosk.storage.backup import backups_in
from kiosk.store import Store


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "check", parents=[common], help="check every file of the data folder (and repair)",
        description="Read every file of the data folder and check that the indexes match the "
                    "day files. Prints one line per problem and exits 1 if there is any. "
                    "--repair rebuilds the indexes from the day files, keeping each damaged "
                    "file in damaged/; it never rewrites a day file, an account or a key.")
    parser.add_argument("--repair", action="store_true",
                        help="rebuild what can be rebuilt; exit 1 if something needs a backup")
    parser.add_argument("--user", metavar="NAME",
                        help="a staff login, to check the patient index of sealed records too")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the staff password from the first line of standard input")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data)
    store = Store(data_dir)
    if args.user and store.sealed:
        unlock(store, args.user, read_secret("Password: ", args.password_stdin), "check")
    report = store.check(repair=args.repair)
    for problem in report.problems:
        if problem in report.repaired:
            print(f"repaired: {problem.path}: {problem.problem}")
        else:
            how = "'kiosk check --repair' rebuilds it" if problem.repairable \
                else "only a backup has it"
            print(f"problem: {problem.path}: {problem.problem} ({how})")
    for path in report.moved:
        print(f"kept the damaged file as {path}")
    checked = ", ".join(f"{count:,} {what}{'' if count == 1 else 's'}"
                        for what, count in report.counts.items())
    print(f"Checked {checked or 'an empty data folder'} in {report.seconds:.1f} s.")
    for what in report.not_checked:
        print(f"not checked: {what}")
    left = report.left
    if not left:
        print("No problems left." if report.problems else "No problems found.")
        return 0
    if any(not problem.repairable for problem in left):
        print(restore_advice(data_dir))
    else:
        print("Run 'kiosk check --repair' to rebuild what is derived from the day files.")
    return 1


def restore_advice(data_dir: Path) -> str:
    """Which backup to restore the files only a backup has from."""
    try:
        backup_dir = load_settings(data_dir).backup_dir
    except ConfigError:
        backup_dir = None
    newest = backups_in(Path(backup_dir)) if backup_dir else []
    where = f"the newest backup is {newest[-1][1]}" if newest else \
        "find the newest backup ('kiosk config set backup_dir' makes them daily)"
    return ("Files only a backup can mend are left untouched: " + where + ". Restore it "
            "into a new folder ('kiosk restore FILE --data NEW_FOLDER') and copy those files "
            "from there, or restore it with --replace.")
