"""``kiosk backup DIR``: one file holding a consistent copy of the data folder.

No login: the backup copies the files' bytes and never opens what they hold.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.paths import resolve_data_dir
from kiosk.store import Store


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "backup", parents=[common], help="write a backup of the data folder into DIR",
        description="Write a backup of the data folder (records, audit log, accounts, "
                    "settings, questionnaires; not the drafts of check-ins in progress) as "
                    "one file in DIR, named with the date and time. Kiosks keep running.")
    parser.add_argument("folder", metavar="DIR", type=Path,
                        help="where the backup goes (a USB stick, a network folder)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = Store(resolve_data_dir(args.data))
    backup = store.take_backup(args.folder)
    print(f"Backup written: {backup.path} ({size_text(backup.size)}, {backup.files:,} files, "
          f"{backup.seconds:.1f} s; saves waited at most {backup.locked_seconds:.2f} s)")
    return 0


def size_text(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"
