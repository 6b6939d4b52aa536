"""``kiosk records erase`` and ``purge``: a record removed for good, on request or by age.

Both refuse without ``--yes`` (exit 2), saying what they would erase by id, code and
day only, never by anything a patient answered; the audit log keeps "erase" with the
record id and the staff user. Backups taken before still hold the record (see
docs/clinician-guide.md, "Erasing a record").
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from kiosk.commands.arguments import cli_actor, day
from kiosk.commands.records import local_time
from kiosk.commands.staff_login import add_login_options, reading_store

REFUSED = 2  # the same as a usage error: nothing was done


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    erase = commands.add_parser(
        "erase", parents=[common], help="erase one record for good",
        description="Remove one record (by id or short code) from the data folder: its "
                    "answers, flags, index entries and short code. The audit log keeps "
                    "that it was erased and by whom. Backups taken before still hold it.")
    erase.add_argument("key", metavar="ID|SHORT_CODE")
    erase.add_argument("--yes", action="store_true", help="really erase it")
    add_login_options(erase)
    erase.set_defaults(handler=run_erase)
    purge = commands.add_parser(
        "purge", parents=[common], help="erase every record submitted before a day",
        description="Erase every record submitted before DATE (this machine's days), for "
                    "clinics whose chart lives elsewhere. Each erasure is audited.")
    purge.add_argument("--before", type=day, metavar="DATE", required=True,
                       help="erase records submitted before this day (YYYY-MM-DD)")
    purge.add_argument("--yes", action="store_true", help="really erase them")
    add_login_options(purge)
    purge.set_defaults(handler=run_purge)


def run_erase(args: argparse.Namespace) -> int:
    store = reading_store(args, "records erase")
    intake = store.get_intake(args.key)  # RecordNotFound: exit 1 with its message
    if not args.yes:
        print(f"kiosk: this would erase record {intake.id} (code {intake.short_code}, "
              f"submitted {local_time(intake)}) for good; add --yes to erase it",
              file=sys.stderr)
        return REFUSED
    record_id = store.erase_record(intake.id, cli_actor())
    print(f"Erased record {record_id} (code {intake.short_code}).")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    store = reading_store(args, "records purge")
    before = args.before.isoformat()
    if not args.yes:
        count = len(store.list_intakes(until=args.before - dt.timedelta(days=1)))
        print(f"kiosk: this would erase {count} record(s) submitted before {before} for "
              "good; add --yes to erase them",
              file=sys.stderr)
        return REFUSED
    erased = store.purge_before(args.before, cli_actor())
    print(f"Erased {len(erased)} record(s) submitted before {before}.")
    return 0
