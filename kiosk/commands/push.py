"""``kiosk push``: send every pending record to the clinic's FHIR server now.

It ignores the background backoff schedule (right after an outage, everything goes at
once), leaves failed records alone unless ``--retry`` names one, and prints one line per
record still owed: its short code, its state and why. Exit 0 when nothing is owed.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from kiosk.commands.arguments import cli_actor
from kiosk.commands.staff_login import add_login_options, reading_store
from kiosk.config import load_settings
from kiosk.errors import KioskError
from kiosk.interop.fhir_push import DEFAULT_TIMEOUT, Pusher, Tried
from kiosk.interop.fhir_settings import fhir_target
from kiosk.storage import outbox


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "push", parents=[common], help="send pending intakes to the clinic's FHIR server now",
        description="Send every pending record to the FHIR server set with 'kiosk config set "
                    "fhir_url URL', now, ignoring the background schedule. Prints one line "
                    "per record still pending or failed; exit 0 when none is.")
    parser.add_argument("--retry", metavar="ID|SHORT_CODE", action="append", default=[],
                        help="try this failed record again (after fixing what the server "
                             "said); may be given more than once")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"how long to wait for the server each time (default "
                             f"{DEFAULT_TIMEOUT:g})")
    add_login_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = reading_store(args, "push")
    target = fhir_target(load_settings(store.root))
    if target is None:
        raise KioskError("no FHIR server is set; set one with 'kiosk config set fhir_url URL'")
    pusher = Pusher(store, target, timeout=args.timeout)
    for ref in args.retry:
        if not store.retry_delivery(_owed_id(store.root, ref), cli_actor()):
            raise KioskError(f"record {ref} has not failed; nothing to retry")
    tried = {one.record_id: one for one in asyncio.run(pusher.push_owed(
        now_ignoring_backoff=True, wait_for_others=args.timeout + 5))}
    still = outbox.owed(store.root)  # a record changed meanwhile is owed again
    for record_id, owing in still.items():
        one = tried.get(record_id, Tried(record_id, owing.short_code, owing.state))
        why = one.why if one.state == owing.state else "changed while it was sent"
        print(f"{owing.short_code or record_id}  {owing.state}  {why or 'not sent yet'}")
    sent = sum(1 for one in tried.values() if one.state == "sent")
    print(f"{sent} sent, {len(still)} still owed" if still else
          f"{sent} sent; nothing left to send")
    return 1 if still else 0


def _owed_id(root: Any, ref: str) -> str:
    """The record id of an owed record, by its id or short code."""
    owed = outbox.owed(root)
    if ref in owed:
        return ref
    for record_id, owing in owed.items():
        if owing.short_code and owing.short_code == ref.upper():
            return record_id
    raise KioskError(f"no record {ref} waits to be sent")
