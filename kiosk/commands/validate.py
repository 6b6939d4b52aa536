"""``kiosk validate PATH...``: check questionnaire files the way the kiosk will load them."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.questionnaire.loader import read_questionnaire


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "validate", parents=[common], help="check questionnaire files",
        description="Check questionnaire files. Problems go to stderr as PATH:LINE: message; "
                    "the exit status is 1 if any file has an error.")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--quiet-warnings", action="store_true",
                        help="do not print warnings (such as missing translations, or no "
                             "item holding the patient's name or date of birth)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    failed = False
    for path in args.paths:
        result = read_questionnaire(path, identity=True)
        for problem in result.problems:
            if not (problem.warning and args.quiet_warnings):
                print(problem, file=sys.stderr)
        questionnaire = result.questionnaire
        if questionnaire is None:
            failed = True
            print(f"{path}: FAILED, {len(result.errors)} error(s)", file=sys.stderr)
            continue
        warnings = f", {len(result.warnings)} warning(s)" if result.warnings else ""
        print(f"{path}: OK, '{questionnaire.id}' version {questionnaire.version}, "
              f"{len(questionnaire.sections)} sections, "
              f"{len(questionnaire.items_by_id)} items{warnings}")
    return 1 if failed else 0
