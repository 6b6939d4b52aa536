"""The rule sheet: every flag rule of a questionnaire, for a clinical lead to sign off.

Grouped stop, refer, caution, then note; each rule in the clinic's words (the
question, the answer that raises it, the clinician's message, the follow-up
questions it opens), as text, Markdown or a printable HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kiosk.questionnaire.expressions import parse_expression
from kiosk.questionnaire.logic import FlagSource, flag_sources
from kiosk.questionnaire.model import (
    ChoiceItemBase,
    FlagLevel,
    Item,
    MultiChoiceItem,
    Questionnaire,
    ScaleItem,
    YesNoItem,
)
from kiosk.questionnaire.rule_words import ConditionWords
from kiosk.questionnaire.text import localize

FORMATS = ("text", "md", "html")
SHEET_ORDER: tuple[FlagLevel, ...] = ("stop", "refer", "caution", "note")
_TEMPLATES = Path(__file__).parent.parent / "data"  # kiosk/data, with the tablet page

_HEADINGS: dict[str, dict[str, str]] = {
    "stop": {"en": "Stop: do not needle today without review",
             "es": "Parar: no punzar hoy sin revisión"},
    "refer": {"en": "Refer: possible red flag, consider a medical referral",
              "es": "Derivar: posible señal de alarma, considerar derivación médica"},
    "caution": {"en": "Caution: needle with care", "es": "Precaución: punzar con cuidado"},
    "note": {"en": "Note: worth knowing", "es": "Nota: conviene saberlo"},
}
_LABELS: dict[str, dict[str, str]] = {
    "sheet": {"en": "Rule sheet", "es": "Hoja de reglas"},
    "version": {"en": "version", "es": "versión"},
    "hash": {"en": "content hash", "es": "huella del contenido"},
    "language": {"en": "language", "es": "idioma"},
    "rules": {"en": "flag rules", "es": "reglas de alerta"},
    "question": {"en": "Question", "es": "Pregunta"},
    "when": {"en": "Raised when", "es": "Se activa si"},
    "message": {"en": "Message", "es": "Mensaje"},
    "opens": {"en": "Opens", "es": "Abre"},
    "asked_when": {"en": "Asked only when", "es": "Solo se pregunta si"},
    "section": {"en": "Section", "es": "Sección"},
    "none": {"en": "No rules at this level.", "es": "Ninguna regla en este nivel."},
    "signed": {"en": "Reviewed and approved by", "es": "Revisado y aprobado por"},
    "date": {"en": "Date", "es": "Fecha"},
}


@dataclass(frozen=True)
class RuleLine:
    """One flag rule, as a clinician reads it."""

    section: str
    question: str
    condition: str
    message: str
    opens: tuple[str, ...]
    asked_when: str | None = None  # the question's own show_if, in words


@dataclass(frozen=True)
class RuleGroup:
    level: FlagLevel
    heading: str
    rules: tuple[RuleLine, ...]


@dataclass
class RuleSheet:
    title: str
    questionnaire_id: str
    version: int
    content_hash: str
    language: str
    groups: list[RuleGroup] = field(default_factory=list)

    def label(self, key: str) -> str:
        return localize(_LABELS[key], self.language)

    @property
    def count(self) -> int:
        return sum(len(group.rules) for group in self.groups)


def rule_sheet(questionnaire: Questionnaire, language: str | None = None) -> RuleSheet:
    """The sheet of every flag rule in ``language`` (the questionnaire's default if None)."""
    language = language or questionnaire.default_language
    words = ConditionWords(questionnaire, language)
    section_of = {item.id: questionnaire.text(section.title, language)
                  for section in questionnaire.sections for item in section.items}
    lines: dict[str, list[RuleLine]] = {level: [] for level in SHEET_ORDER}
    for source in flag_sources(questionnaire):
        item = source.item
        condition = words.condition(source.when) if source.when is not None else \
            words.chosen(item, source.option)  # type: ignore[arg-type]
        opens = tuple(words.label(f) for f in follow_ups(questionnaire, source))
        lines[source.level].append(RuleLine(
            section=section_of[item.id], question=words.label(item), condition=condition,
            message=" ".join(questionnaire.text(source.message, language).split()),
            opens=opens,
            asked_when=words.condition(item.show_if) if item.show_if is not None else None))
    sheet = RuleSheet(questionnaire.text(questionnaire.title, language), questionnaire.id,
                      questionnaire.version, questionnaire.content_hash, language)
    sheet.groups = [RuleGroup(level, localize(_HEADINGS[level], language), tuple(lines[level]))
                    for level in SHEET_ORDER]
    return sheet


# ------------------------------------------------------------------ follow-ups

def follow_ups(questionnaire: Questionnaire, source: FlagSource) -> list[Item]:
    """The questions whose ``show_if`` depends on the flagged question and that open
    when the rule holds: for a yes/no, choice or scale question, tried with each answer
    that raises the flag; otherwise every question that depends on it."""
    item = source.item
    dependants = [other for other in questionnaire.items() if other.show_if is not None
                  and item.id in parse_expression(other.show_if).names]
    raising = _raising_answers(source)
    if raising is None:
        return dependants
    return [other for other in dependants
            if any(parse_expression(other.show_if or "").evaluate({item.id: answer})
                   for answer in raising)]


def _raising_answers(source: FlagSource) -> list[Any] | None:
    """The answers to the flagged question alone that raise the flag, when they can be
    listed (None when the rule reads other questions too, or any number)."""
    item = source.item
    if source.option is not None:
        value = source.option.value
        return [[value] if isinstance(item, MultiChoiceItem) else value]
    expression = parse_expression(source.when or "")
    if expression.names != {item.id}:
        return None
    candidates: list[Any]
    if isinstance(item, YesNoItem):
        candidates = [True, False]
    elif isinstance(item, MultiChoiceItem):
        candidates = [[option.value] for option in item.options]
    elif isinstance(item, ChoiceItemBase):
        candidates = [option.value for option in item.options]
    elif isinstance(item, ScaleItem):
        candidates = list(range(item.min, item.max + 1))
    else:
        return None
    return [answer for answer in candidates if expression.evaluate({item.id: answer})]


# ------------------------------------------------------------------ formats

def render(sheet: RuleSheet, form: str) -> str:
    """The sheet as ``text``, ``md`` (Markdown) or ``html`` (a printable A4 page)."""
    if form == "html":
        environment = Environment(loader=FileSystemLoader(_TEMPLATES),
                                  autoescape=select_autoescape(["html"]),
                                  trim_blocks=True, lstrip_blocks=True)
        return environment.get_template("rule_sheet.html").render(sheet=sheet)
    return _markdown(sheet) if form == "md" else _text(sheet)


def _identity(sheet: RuleSheet) -> str:
    return (f"{sheet.questionnaire_id}, {sheet.label('version')} {sheet.version}, "
            f"{sheet.label('hash')} {sheet.content_hash}, {sheet.label('language')} "
            f"{sheet.language}, {sheet.count} {sheet.label('rules')}")


def _text(sheet: RuleSheet) -> str:
    out = [f"{sheet.label('sheet')}: {sheet.title}", _identity(sheet)]
    for group in sheet.groups:
        out += ["", f"{group.heading.upper()} ({len(group.rules)})"]
        if not group.rules:
            out.append(f"  {sheet.label('none')}")
        for rule in group.rules:
            out.append(f"  - {rule.condition}")
            if rule.asked_when:
                out.append(f"    {sheet.label('asked_when')}: {rule.asked_when}")
            out.append(f"    {sheet.label('message')}: {rule.message}")
            if rule.opens:
                out.append(f"    {sheet.label('opens')}: {'; '.join(rule.opens)}")
    return "\n".join(out) + "\n"


def _asked(sheet: RuleSheet, rule: RuleLine, separator: str) -> str:
    if rule.asked_when is None:
        return ""
    return f"{separator}({sheet.label('asked_when')}: {_cell(rule.asked_when)})"


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a | would end the cell."""
    return text.replace("|", "\\|")


def _markdown(sheet: RuleSheet) -> str:
    out = [f"# {sheet.label('sheet')}: {_cell(sheet.title)}", "", f"`{_identity(sheet)}`"]
    for group in sheet.groups:
        out += ["", f"## {group.heading} ({len(group.rules)})", ""]
        if not group.rules:
            out.append(sheet.label("none"))
            continue
        out += [f"| {sheet.label('when')} | {sheet.label('message')} | {sheet.label('opens')} |",
                "|---|---|---|"]
        out += [f"| {_cell(rule.condition)}{_asked(sheet, rule, '<br>')} | {_cell(rule.message)} | "
                f"{_cell('; '.join(rule.opens)) or '-'} |" for rule in group.rules]
    return "\n".join(out) + "\n"
