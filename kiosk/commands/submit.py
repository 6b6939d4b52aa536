"""``kiosk submit --answers FILE``: check and save intakes from a file, as the kiosk would.

Staff use it to try a questionnaire end to end; clinics use it to import intakes.
Each answer set is checked exactly as the kiosk checks a patient's (required,
types, ranges, options, hidden items dropped). Problems go to stderr as
``FILE:LINE: item_id: message``; each saved record prints one line, flushed as
soon as it is durable: ``<record id>  <short code>  <clinician link>``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import load_settings
from kiosk.errors import KioskError
from kiosk.intake import Intake, InvalidAnswers, build_intake
from kiosk.link import check_public_url, clinician_link, default_public_url
from kiosk.paths import BUNDLED_QUESTIONNAIRE, resolve_data_dir
from kiosk.questionnaire.loader import QuestionnaireError, load_questionnaire
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store

MAX_ANSWERS_BYTES = 200_000_000


class AnswersFileError(KioskError):
    """The answers file cannot be read at all."""


@dataclass(frozen=True)
class AnswerSet:
    """One patient's answers from the file, or why that line could not be read."""

    line: int
    answers: dict[str, Any] | None
    problem: str | None = None


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "submit", parents=[common], help="check and save intakes from a file of answers",
        description="Check answers as the kiosk would and save each valid set as an intake. "
                    "FILE holds one JSON object of answers keyed by item id, or JSON Lines "
                    "(one object per line). Problems go to stderr as FILE:LINE: item_id: "
                    "message; each saved record prints its id, short code and clinician link. "
                    "Exit status 1 if any answer set was rejected.")
    parser.add_argument("--answers", required=True, metavar="FILE",
                        help="JSON object or JSON Lines file of answers")
    parser.add_argument("--questionnaire", metavar="PATH", default=str(BUNDLED_QUESTIONNAIRE),
                        help="questionnaire file (default: the bundled dry-needling intake)")
    parser.add_argument("--station", default=None, metavar="NAME",
                        help="kiosk station name to record (default: the configured station)")
    parser.add_argument("--language", default=None, metavar="LANG",
                        help="language the answers were given in (default: the "
                             "questionnaire's first language)")
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help="base of the clinician links (default: the configured public "
                             "URL, else this machine's address)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data)
    settings = load_settings(data_dir)
    public_url = check_public_url(args.public_url or settings.public_url
                                  or default_public_url())
    questionnaire = _questionnaire(args.questionnaire)
    language = args.language or questionnaire.default_language
    if language not in questionnaire.languages:
        raise KioskError(f"language {language!r} is not one of the questionnaire's: "
                         f"{', '.join(questionnaire.languages)}")
    station = args.station or settings.station
    store = Store(data_dir)
    rejected = 0
    sets = list(read_answer_sets(Path(args.answers)))
    if not sets:
        raise AnswersFileError(f"{args.answers}: no answers found (expected a JSON object, "
                               "or one JSON object per line)")
    for answer_set in sets:
        checked = check_answers(questionnaire, answer_set, language, station)
        if isinstance(checked, list):
            rejected += 1
            for problem in checked:
                print(f"{args.answers}:{answer_set.line}: {problem}", file=sys.stderr)
            continue
        store.save_intake(checked, questionnaire)
        print(f"{checked.id}  {checked.short_code}  {clinician_link(public_url, checked.id)}",
              flush=True)
    return 1 if rejected else 0


def _questionnaire(path: str) -> Questionnaire:
    try:
        return load_questionnaire(path)
    except QuestionnaireError as error:
        raise KioskError(f"the questionnaire cannot be used; `kiosk validate {path}` lists "
                         f"{len(error.problems)} problem(s), the first: {error.problems[0]}"
                         ) from None


def check_answers(questionnaire: Questionnaire, answer_set: AnswerSet, language: str,
                  station: str) -> Intake | list[str]:
    """The intake, or every problem with the answer set as ``item_id: message``."""
    if answer_set.answers is None:
        return [answer_set.problem or "cannot read this line"]
    problems = [f"{key}: not an item of questionnaire '{questionnaire.id}'"
                for key in answer_set.answers if key not in questionnaire.items_by_id]
    try:
        intake = build_intake(questionnaire, answer_set.answers, language=language,
                              station=station)
    except InvalidAnswers as error:
        return problems + [f"{item_id}: {text}" for item_id, text in error.problems.items()]
    return problems or intake


def read_answer_sets(path: Path) -> Iterator[AnswerSet]:
    """The file's answer sets: one JSON object (any layout), or one object per line."""
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_ANSWERS_BYTES:
            raise AnswersFileError(f"{path}: the file is larger than 200 MB")
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise AnswersFileError(f"{path}: cannot read the answers file: {error.strerror}"
                               ) from None
    except UnicodeDecodeError:
        raise AnswersFileError(f"{path}: the answers file is not UTF-8 text") from None
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as whole_error:
        yield from _json_lines(text, whole_error)
        return
    leading = text[: len(text) - len(text.lstrip())]
    yield _answer_set(whole, leading.count("\n") + 1)


def _json_lines(text: str, whole_error: json.JSONDecodeError) -> Iterator[AnswerSet]:
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
             if line.strip()]
    parsed: list[AnswerSet] = []
    for number, line in lines:
        try:
            parsed.append(_answer_set(json.loads(line), number))
        except json.JSONDecodeError as error:
            parsed.append(AnswerSet(number, None, f"not valid JSON ({error.msg}, column "
                                                  f"{error.colno})"))
    if lines and all(answer_set.answers is None for answer_set in parsed) and len(lines) > 1:
        # Not JSON Lines at all: one broken JSON document; report where it broke.
        yield AnswerSet(whole_error.lineno, None,
                        f"not valid JSON ({whole_error.msg}, column {whole_error.colno})")
        return
    yield from parsed


def _answer_set(value: Any, line: int) -> AnswerSet:
    if not isinstance(value, dict):
        return AnswerSet(line, None, "expected a JSON object of answers keyed by item id")
    return AnswerSet(line, value)
