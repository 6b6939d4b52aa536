"""Arguments and actors that several staff commands share."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass


def day(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` argument, or argparse's usage error naming it."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def add_day_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=day, metavar="DATE",
                        help="only records submitted on or after DATE (YYYY-MM-DD)")
    parser.add_argument("--until", type=day, metavar="DATE",
                        help="only records submitted on or before DATE (YYYY-MM-DD)")


def cli_actor() -> str:
    """Who the audit log names for a staff command: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"
