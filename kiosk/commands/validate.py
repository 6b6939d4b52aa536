"""``kiosk validate PATH...``: check questionnaire files the way the kiosk will load them.

Each file's test cases (``NAME.cases.yaml`` beside it) run too; a cases file named on
the command line stands for its questionnaire, so ``kiosk validate questionnaires/*``
checks each questionnaire once and never reads a cases file as a questionnaire.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.questionnaire.cases import (
    is_cases_file,
    questionnaire_path,
    read_questionnaire_with_cases,
)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "validate", parents=[common], help="check questionnaire files and run their test cases",
        description="Check questionnaire files and run the test cases beside each "
                    "(NAME.cases.yaml). Problems go to stderr as PATH:LINE: message; "
                    "the exit status is 1 if any file has an error or a failing case.")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--quiet-warnings", action="store_true",
                        help="do not print warnings (such as missing translations, no item "
                             "holding the patient's name or date of birth, or flag rules no "
                             "test case raises)")
    parser.set_defaults(handler=run)


def questionnaire_paths(paths: list[str]) -> list[str]:
    """The questionnaires to check, each once, in the order given."""
    chosen: list[str] = []
    for path in paths:
        target = str(questionnaire_path(path)) if is_cases_file(path) else path
        if target not in chosen and Path(target) not in map(Path, chosen):
            chosen.append(target)
    return chosen


def run(args: argparse.Namespace) -> int:
    failed = False
    for path in questionnaire_paths(args.paths):
        result = read_questionnaire_with_cases(path, identity=True)
        for problem in result.problems:
            if not (problem.warning and args.quiet_warnings):
                print(problem, file=sys.stderr)
        questionnaire = result.questionnaire
        if questionnaire is None:
            failed = True
            print(f"{path}: FAILED, {len(result.errors)} error(s)", file=sys.stderr)
            continue
        cases = f", {result.cases_passed} cases passed" if result.cases_passed is not None else ""
        warnings = f", {len(result.warnings)} warning(s)" if result.warnings else ""
        print(f"{path}: OK, '{questionnaire.id}' version {questionnaire.version}, "
              f"{len(questionnaire.sections)} sections, "
              f"{len(questionnaire.items_by_id)} items{cases}{warnings}")
    return 1 if failed else 0
