"""``kiosk export``: records as a FHIR R4 Bundle or a CSV file, for the clinic's other systems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.commands.arguments import add_day_range, cli_actor
from kiosk.commands.staff_login import add_login_options, reading_store
from kiosk.errors import KioskError
from kiosk.interop.csv_export import export_csv
from kiosk.interop.fhir import export_bundle, to_json
from kiosk.storage.files import write_durably
from kiosk.store import AuditEvent

FORMATS = ("fhir", "csv")


class ExportError(KioskError):
    """An export that cannot be written; the message says what to do."""


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export", parents=[common], help="export records as FHIR R4 JSON or CSV",
        description="Export submitted records as a FHIR R4 Bundle (JSON) or a CSV file. "
                    "Writes to --out FILE (readable by this user only), or to standard output "
                    "when it is a pipe or a file; never to the terminal. Each exported record "
                    "is written to the audit log.")
    parser.add_argument("--format", choices=FORMATS, required=True,
                        help="fhir: a Bundle of Questionnaire, QuestionnaireResponse and Flag "
                             "resources; csv: one row per record for a spreadsheet")
    add_day_range(parser)
    parser.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    add_login_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.out is None and sys.stdout.isatty():
        # Patient answers must not land in the terminal's scrollback.
        raise ExportError("will not print patient records to the terminal; use --out FILE "
                          "or redirect the output to a file")
    if args.since and args.until and args.since > args.until:
        raise ExportError(f"--since {args.since} is after --until {args.until}")
    store = reading_store(args, "export")
    intakes = store.list_intakes(since=args.since, until=args.until)
    if args.format == "fhir":
        payload = to_json(export_bundle(store, intakes)).encode("utf-8")
    else:
        payload = export_csv(store, intakes)
    actor = cli_actor()
    store.record_audit_many([AuditEvent(actor=actor, action="export", record_id=intake.id)
                             for intake in intakes])
    if args.out is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        where = "standard output"
    else:
        write_private_file(Path(args.out), payload)
        where = args.out
    print(f"exported {len(intakes)} record(s) as {args.format} to {where}", file=sys.stderr)
    return 0


def write_private_file(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` atomically, readable and writable by this user only."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name for --out")
    if not folder.is_dir():
        raise ExportError(f"the folder {folder} does not exist; create it or choose another")
    write_durably(path, payload)
