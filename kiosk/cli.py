"""The ``kiosk`` command: parses arguments and hands over to one module per subcommand.

Edges decide how errors look: a known problem prints one clear line; anything
unexpected prints a short notice without patient data and no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from kiosk.errors import KioskError

# Each module in kiosk.commands has ``register(subparsers, common)``; the order is the help's.
COMMAND_MODULES = ("run", "preview", "validate", "rules", "submit", "records", "serve", "staff",
                   "keys", "audit", "config", "web", "export", "backup", "restore", "check",
                   "push")
DEFAULT_COMMAND = "run"
DEBUG_ENV = "KIOSK_DEBUG"

log = logging.getLogger("kiosk")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or only ``only`` (so a command imports just its
    own module: starting ``kiosk submit`` should not pay for the web viewer's imports)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", metavar="DIR",
                        help="data folder (default: $KIOSK_DATA_DIR, else a per-user folder)")
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Patient intake kiosk for dry-needling clinics. "
        f"With no command, runs '{DEFAULT_COMMAND}'.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else (only,):
        try:
            module = importlib.import_module(f"kiosk.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"kiosk.commands.{name}":
                raise
            continue  # a command not built yet
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    wants_help = bool({"-h", "--help"} & set(args_list))
    command = next((arg for arg in args_list if arg in COMMAND_MODULES), None)
    if command is None and not wants_help:
        command = DEFAULT_COMMAND
        args_list.insert(0, command)
    parser = build_parser(only=command if command and not (wants_help and
                                                           args_list[0].startswith("-")) else None)
    args = parser.parse_args(args_list)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KioskError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # the edge: no traceback, no patient data
        # An exception's text may quote an answer (pydantic does), so only its type is shown.
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"kiosk: unexpected error ({type(error).__name__}); nothing more is shown "
              f"because it may hold patient data. Set {DEBUG_ENV}=1 to see the details.",
              file=sys.stderr)
        return 70


if __name__ == "__main__":
    raise SystemExit(main())
