"""``kiosk records list``, ``show`` and ``history``: the stored intakes, for staff.

These print patient answers on purpose (staff asked for them); nothing here logs.
``show`` labels the answers with the questionnaire the record was taken with, and
writes a "view" event to the audit log like the clinician viewer does; ``history``
lists the visits of the record's patient and writes a "history" event for each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from kiosk.commands.arguments import add_day_range, cli_actor
from kiosk.commands.staff_login import add_login_options, reading_store
from kiosk.decisions import DECISION_LABELS, FlagDecision, current_decisions, flag_keys
from kiosk.intake import STATUSES, Intake
from kiosk.questionnaire.body_map import region_label
from kiosk.questionnaire.model import (
    ActivitiesItem,
    BodyMapItem,
    ChoiceItemBase,
    ConsentItem,
    Item,
    LongTextItem,
    NumberItem,
    Questionnaire,
    ScaleItem,
    YesNoItem,
)
from kiosk.questionnaire.text import clean_patient_text
from kiosk.storage import outbox
from kiosk.storage.files import write_durably
from kiosk.store import AuditEvent, Store


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "records", help="list, show and erase stored intakes",
        description="List stored intakes (newest first) or show one, flags first.")
    commands = parser.add_subparsers(dest="records_command", metavar="ACTION", required=True)
    listing = commands.add_parser(
        "list", parents=[common], help="list intakes, newest first",
        description="List intakes, newest submitted first. Dates are this machine's days.")
    listing.add_argument("--json", action="store_true",
                         help="print one JSON array instead of a table")
    listing.add_argument("--status", choices=[code for code in STATUSES if code != "draft"],
                         help="only records with this status")
    listing.add_argument("--open", choices=["yes", "no"], dest="open_flags",
                         help="only records with (yes) or without (no) undecided flags")
    add_day_range(listing)
    listing.add_argument("--limit", type=int, metavar="N", help="at most N records")
    add_login_options(listing)
    listing.set_defaults(handler=run_list)
    show = commands.add_parser(
        "show", parents=[common], help="show one intake, flags first",
        description="Show one intake by record id or short code: flags first, then scores, "
                    "then every answer labelled with the questionnaire it was taken with.")
    show.add_argument("key", metavar="ID|SHORT_CODE")
    shown_as = show.add_mutually_exclusive_group()
    shown_as.add_argument("--json", action="store_true", help="print the record as JSON")
    shown_as.add_argument("--pdf", metavar="FILE",
                          help="write the record as an A4 PDF, the viewer's Download PDF")
    add_login_options(show)
    show.set_defaults(handler=run_show)
    history = commands.add_parser(
        "history", parents=[common], help="one patient's visits, oldest first",
        description="List every visit of the patient a record belongs to (the record given "
                    "by id or short code), oldest first, with flags and scores.")
    history.add_argument("key", metavar="ID|SHORT_CODE")
    history.add_argument("--json", action="store_true",
                         help="print one JSON array instead of a table")
    add_login_options(history)
    history.set_defaults(handler=run_history)
    from kiosk.commands import erase  # its own module: it imports this one
    erase.register(commands, common)


# --- list ----------------------------------------------------------------------------------

def run_list(args: argparse.Namespace) -> int:
    store = reading_store(args, "records list")
    open_flags = None if args.open_flags is None else args.open_flags == "yes"
    intakes = store.list_intakes(status=args.status, since=args.since, until=args.until,
                                 limit=args.limit, open_flags=open_flags)
    # Only once a FHIR server was set: how far each record got there.
    delivery = outbox.delivery_words(store.root, [intake.id for intake in intakes])
    if args.json:
        print(json.dumps([summary(intake) | ({"delivery": delivery[intake.id]} if delivery
                                             else {}) for intake in intakes],
                         ensure_ascii=False, indent=2))
        return 0
    if not intakes:
        print("No records.")
        return 0
    rows: list[tuple[str, ...]] = [("SUBMITTED", "CODE", "STATUS", "OPEN", "QUESTIONNAIRE",
                                    "FLAGS", *(("DELIVERY",) if delivery else ()), "ID")]
    rows += [(local_time(intake), intake.short_code, intake.status, str(intake.open_flags),
              f"{intake.questionnaire.id} v{intake.questionnaire.version}",
              flag_counts(intake), *((delivery[intake.id],) if delivery else ()), intake.id)
             for intake in intakes]
    print_table(rows)
    return 0


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              .rstrip())


def summary(intake: Intake) -> dict[str, Any]:
    """The fields ``records list --json`` promises, plus a few that help sorting."""
    return {
        "id": intake.id, "short_code": intake.short_code,
        "submitted_at": _iso(intake.submitted_at), "status": intake.status,
        "open_flags": intake.open_flags,
        "questionnaire_id": intake.questionnaire.id,
        "questionnaire_version": intake.questionnaire.version,
        "station": intake.station, "language": intake.language, "patient": intake.patient,
        "flags": [{"level": flag.level, "message": flag.message, "item_id": flag.item_id}
                  for flag in intake.flags],
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def local_time(intake: Intake) -> str:
    moment = intake.submitted_at or intake.created_at
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def flag_counts(intake: Intake) -> str:
    counts: dict[str, int] = {}
    for flag in intake.flags:
        counts[flag.level] = counts.get(flag.level, 0) + 1
    return ", ".join(f"{count} {level}" for level, count in counts.items()) or "-"


# --- show ----------------------------------------------------------------------------------

def run_show(args: argparse.Namespace) -> int:
    store = reading_store(args, "records show")
    if args.pdf:
        return write_pdf(store, args.key, Path(args.pdf))
    intake = store.get_intake(args.key)
    questionnaire = store.questionnaire_for(intake.questionnaire)
    store.record_audit(AuditEvent(actor=cli_actor(), action="view", record_id=intake.id))
    answers = labelled_answers(questionnaire, intake)
    if args.json:
        record = intake.model_dump(mode="json")
        shown = {key: record.pop(key) for key in ("id", "short_code", "status", "flags",
                                                  "open_flags", "decisions",
                                                  "consent_confirmation")}
        print(json.dumps({**shown, **record, "labelled_answers": answers},
                         ensure_ascii=False, indent=2))
        return 0
    print("\n".join(record_text(intake, questionnaire, answers)))
    return 0


def write_pdf(store: Store, key: str, path: Path) -> int:
    """The record as the viewer's PDF, written durably to ``path``; audited as an export."""
    from kiosk.viewer.paper import printed_record  # WeasyPrint and the viewer: only here

    intake, pdf = printed_record(store, key, cli_actor())
    write_durably(path, pdf)
    store.record_audit(AuditEvent(actor=cli_actor(), action="export_pdf", record_id=intake.id))
    print(f"Wrote intake {intake.short_code} as PDF to {path}")
    return 0


# --- history -------------------------------------------------------------------------------

def run_history(args: argparse.Namespace) -> int:
    store = reading_store(args, "records history")
    intake = store.get_intake(args.key)
    # A record saved before visits were linked has no patient: it is its own history.
    visits = store.patient_visits(intake.patient) if intake.patient else [intake]
    actor = cli_actor()
    store.record_audit_many([AuditEvent(actor=actor, action="history", record_id=visit.id)
                             for visit in visits])
    if args.json:
        print(json.dumps([visit_summary(visit) for visit in visits], ensure_ascii=False,
                         indent=2))
        return 0
    count = f"{len(visits)} visit" + ("s" if len(visits) != 1 else "")
    print(f"Patient {intake.patient or '(none: saved before visits were linked)'}   "
          f"{count}, oldest first")
    rows: list[tuple[str, ...]] = [("VISIT", "SUBMITTED", "CODE", "QUESTIONNAIRE", "FLAGS",
                                    "SCORES", "ID")]
    rows += [(str(number), local_time(visit), visit.short_code,
              f"{visit.questionnaire.id} v{visit.questionnaire.version}", flag_counts(visit),
              score_text(visit), visit.id) for number, visit in enumerate(visits, 1)]
    print_table(rows)
    return 0


def visit_summary(intake: Intake) -> dict[str, Any]:
    """What ``records history --json`` promises for each visit."""
    return {**summary(intake), "questionnaire": intake.questionnaire.id,
            "scores": intake.scores}


def score_text(intake: Intake) -> str:
    return ", ".join(f"{score_id} {'-' if value is None else f'{value:g}'}"
                     for score_id, value in intake.scores.items()) or "-"


def record_text(intake: Intake, questionnaire: Questionnaire,
                answers: list[dict[str, Any]]) -> list[str]:
    """The record as staff read it: who and when, flags first, scores, then the answers."""
    language = questionnaire.default_language
    lines = [f"Record {intake.id}   short code {intake.short_code}",
             f"Status: {intake.status}   submitted {local_time(intake)}   "
             f"station {intake.station}",
             f"Questionnaire: {questionnaire.text(questionnaire.title, language)} "
             f"({intake.questionnaire.id} version {intake.questionnaire.version})   "
             f"language {intake.language}"]
    if intake.patient:
        lines.append(f"Patient {intake.patient}   (all visits: kiosk records history "
                     f"{intake.short_code})")
    if intake.reviewed_at:
        lines.append(f"Reviewed {intake.reviewed_at.astimezone():%Y-%m-%d %H:%M} by "
                     f"{intake.reviewed_by or 'unknown'}")
    lines += ["", "FLAGS"]
    latest = current_decisions(intake.decisions)
    for flag, key in zip(intake.flags, flag_keys(intake.flags), strict=True):
        lines.append(f"  {flag.level.upper():8} {flag.message}")
        if key in latest:
            lines.append(f"           decision: {decision_text(latest[key])}")
    if not intake.flags:
        lines.append("  none")
    lines.append(f"Open flags: {intake.open_flags}")
    consent = intake.consent_confirmation
    lines.append(f"Consent confirmed in person by {_clean(consent.by)} at "
                 f"{consent.at.astimezone():%Y-%m-%d %H:%M}" if consent
                 else "Consent not yet confirmed in person")
    if intake.scores:
        lines += ["", "SCORES"]
        labels = {score.id: questionnaire.text(score.label, language)
                  for score in questionnaire.scores}
        lines += [f"  {labels.get(score_id, score_id)}: {'-' if value is None else value}"
                  for score_id, value in intake.scores.items()]
    lines += ["", "ANSWERS"]
    section = None
    for answer in answers:
        if answer["section"] != section:
            section = answer["section"]
            lines.append(f"{section}")
        text = str(answer["text"]).replace("\n", "\n      ")
        lines.append(f"  {answer['label']}: {text}")
    return lines


def labelled_answers(questionnaire: Questionnaire, intake: Intake) -> list[dict[str, Any]]:
    """Each answer with its section, label and readable text, in questionnaire order."""
    language = questionnaire.default_language
    found: list[dict[str, Any]] = []
    for section in questionnaire.sections:
        for item in section.items:
            if item.id in intake.answers:
                value = intake.answers[item.id]
                found.append({"item_id": item.id,
                              "section": questionnaire.text(section.title, language),
                              "label": questionnaire.text(item.label, language),
                              "value": value, "text": answer_text(questionnaire, item, value)})
    known = set(questionnaire.items_by_id)
    found += [{"item_id": key, "section": "Other answers", "label": key, "value": value,
               "text": _clean(str(value))}
              for key, value in intake.answers.items() if key not in known]
    return found


def answer_text(questionnaire: Questionnaire, item: Item, value: Any) -> str:
    """One answer in words: option labels, region names, yes/no, consent and ratings."""
    language = questionnaire.default_language
    values = value if isinstance(value, list) else [value]
    if isinstance(item, YesNoItem):
        return "Yes" if value is True else "No" if value is False else _clean(str(value))
    if isinstance(item, ChoiceItemBase):
        labels = []
        for choice in values:
            option = item.option(str(choice))
            labels.append(questionnaire.text(option.label, language) if option else str(choice))
        return _clean("; ".join(labels))
    if isinstance(item, BodyMapItem):
        return _clean("; ".join(region_label(str(region), language) for region in values))
    if isinstance(item, ConsentItem) and isinstance(value, dict):
        return _clean(f"agreed, signed by {value.get('name')} on {value.get('signed_on')}")
    if isinstance(item, ActivitiesItem):
        return _clean("; ".join(f"{row.get('activity')}: {row.get('rating')}/10"
                                for row in values if isinstance(row, dict)))
    if isinstance(item, ScaleItem):
        return f"{item.point_text(value)} (scale {item.range_text})"
    if isinstance(item, NumberItem) and item.unit:
        return _clean(f"{value} {questionnaire.text(item.unit, language)}")
    return _clean(str(value), multiline=isinstance(item, LongTextItem))


def decision_text(decision: FlagDecision) -> str:
    """"cleared by ana at 2026-12-06 09:12: INR 2.3 checked"."""
    line = (f"{DECISION_LABELS[decision.decision]} by {decision.by} at "
            f"{decision.at.astimezone():%Y-%m-%d %H:%M}")
    return f"{line}: {_clean(decision.note)}" if decision.note else line


def _clean(text: str, multiline: bool = False) -> str:
    """Patient text never reaches the terminal with control characters in it."""
    return clean_patient_text(text, multiline=multiline)
