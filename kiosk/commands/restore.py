"""``kiosk restore FILE --data DIR``: a backup checked against its manifest, then restored.

The backup is unpacked into a working folder beside the data folder while every
file is checked against the manifest; only a backup that checks out whole takes the
data folder's place, so a damaged, cut-short or edited one is refused with the data
folder untouched. A folder that holds anything is used only with ``--replace``, and
then set aside under a new name first, never deleted.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.paths import resolve_data_dir
from kiosk.storage.backup import restore_backup


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "restore", parents=[common], help="restore a backup into a data folder",
        description="Check a backup against its manifest, then restore it into the data "
                    "folder (--data), which must be new or empty unless --replace is given. "
                    "Stop the kiosks using the folder first.")
    parser.add_argument("file", metavar="FILE", type=Path, help="the backup file (.tar.gz)")
    parser.add_argument("--replace", action="store_true",
                        help="set the data folder that is there aside (renamed, never "
                             "deleted) and restore in its place")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    restored = restore_backup(args.file, resolve_data_dir(args.data), replace=args.replace)
    if restored.set_aside is not None:
        print(f"The data folder that was there is kept as {restored.set_aside}")
    print(f"Restored {restored.files:,} files from {args.file} into {restored.data_dir}; "
          "every one matched the backup's manifest.")
    return 0
