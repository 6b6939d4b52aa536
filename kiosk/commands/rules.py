"""``kiosk rules FILE``: the rule sheet a clinical lead reviews and signs off.

Every flag rule in the clinic's words, grouped stop, refer, caution, note; as text,
Markdown, or an HTML page that prints on A4 with the file's id, version and hash.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.errors import KioskError
from kiosk.questionnaire.loader import read_questionnaire
from kiosk.questionnaire.rule_sheet import FORMATS, render, rule_sheet


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "rules", help="print the rule sheet of a questionnaire file, for sign-off",
        description="Print every flag rule of FILE in the clinic's words, grouped stop, "
                    "refer, caution, then note: the question and answer that raise it, "
                    "the clinician's message and the follow-up questions it opens.")
    parser.add_argument("file", metavar="FILE", help="questionnaire file")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), md (Markdown) or html (prints on A4)")
    parser.add_argument("--language", metavar="LANG",
                        help="one of the file's languages (default: its first)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    result = read_questionnaire(args.file)
    questionnaire = result.questionnaire
    if questionnaire is None:
        lines = "\n".join(str(problem) for problem in result.errors)
        raise KioskError(f"{args.file} cannot be used; fix it first "
                         f"(kiosk validate {args.file}):\n{lines}")
    language = args.language or questionnaire.default_language
    if language not in questionnaire.languages:
        raise KioskError(f"--language {language}: the file is written in "
                         f"{', '.join(questionnaire.languages)}")
    sys.stdout.write(render(rule_sheet(questionnaire, language), args.format))
    return 0
