"""``kiosk audit [--record ID]``: who opened, reviewed or exported which record, and when."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from kiosk.paths import resolve_data_dir
from kiosk.store import Store


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "audit", parents=[common], help="print the audit log",
        description="Print the audit log, oldest first: time (UTC), who, what, which record, "
                    "from which address (and, for a split or merge, the patients). "
                    "Tab-separated, one event a line.")
    parser.add_argument("--record", metavar="ID",
                        help="only the events of this record (its id or short code)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = Store(resolve_data_dir(args.data))
    # Through the indexes: a sealed record's id needs no key.
    record_id = store.record_file(args.record)[0] if args.record else None
    events = store.audit_events(record_id)
    if not events:
        print("no audit events" + (f" for record {record_id}" if record_id else ""))
    for event in events:
        at = event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        # A split or merge says which patient the record left and joined.
        detail = (event.detail,) if event.detail else ()
        print("\t".join((at, event.actor, event.action, event.record_id or "-",
                         event.address or "-", *detail)))
    return 0
