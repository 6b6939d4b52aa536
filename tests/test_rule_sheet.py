"""`kiosk rules`: the sheet a clinical lead signs off lists each flag rule once, in its group,
in the clinic's words (question and answer labels, never ids or expression syntax)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.questionnaire.case_files import is_cases_file
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.logic import flag_sources
from kiosk.questionnaire.rule_sheet import SHEET_ORDER

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]  # as tests/conftest.py
BUNDLED = sorted(path for path in (REPO / "questionnaires").glob("*.yaml")
                 if not is_cases_file(path))
HEADINGS = {
    "en": {"stop": "STOP: DO NOT NEEDLE TODAY WITHOUT REVIEW",
           "refer": "REFER: POSSIBLE RED FLAG, CONSIDER A MEDICAL REFERRAL",
           "caution": "CAUTION: NEEDLE WITH CARE", "note": "NOTE: WORTH KNOWING"},
    "es": {"stop": "PARAR: NO PUNZAR HOY SIN REVISIÓN",
           "refer": "DERIVAR: POSIBLE SEÑAL DE ALARMA, CONSIDERAR DERIVACIÓN MÉDICA",
           "caution": "PRECAUCIÓN: PUNZAR CON CUIDADO", "note": "NOTA: CONVIENE SABERLO"},
}
MESSAGE = {"en": "Message: ", "es": "Mensaje: "}

SMALL = """\
id: pain-check
version: 4
title: {en: Pain check, es: Control del dolor}
languages: [en, es]
sections:
  - id: today
    title: {en: Today, es: Hoy}
    items:
      - id: pain_now
        type: scale
        label: {en: Pain right now, es: Dolor ahora mismo}
        flags:
          - when: pain_now >= 7
            level: note
            message: {en: Severe pain <today>, es: Dolor fuerte <hoy>}
      - id: pain_areas
        type: body_map
        label: {en: Where does it hurt?, es: ¿Dónde le duele?}
        flags:
          - when: "'front.chest.left' in pain_areas and pain_now > 3"
            level: refer
            message: {en: Chest pain & more, es: Dolor de pecho y más}
      - id: blood_thinners
        type: yes_no
        label: {en: Do you take a blood thinner?, es: ¿Toma un anticoagulante?}
        flags:
          - when: blood_thinners == true
            level: caution
            message: {en: Anticoagulated, es: Anticoagulado}
      - id: blood_thinner_name
        type: single_choice
        label: {en: Which one?, es: ¿Cuál?}
        show_if: blood_thinners == true
        options:
          - value: warfarin
            label: {en: Warfarin <b>, es: Warfarina <b>}
            flag: {level: stop, message: {en: Check the INR, es: Revisar el INR}}
          - {value: other, label: {en: Another one, es: Otro}}
      - id: why
        type: text
        label: {en: What for?, es: ¿Para qué?}
        show_if: blood_thinner_name == 'warfarin'
"""


def rules(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["rules", *args])
    out, err = capsys.readouterr()
    return status, out, err


def groups(sheet: str, language: str) -> dict[str, list[str]]:
    """The sheet's rule blocks (lines of one rule) under each level's heading."""
    found: dict[str, list[str]] = {}
    current = None
    for line in sheet.splitlines():
        heading = next((level for level, text in HEADINGS[language].items()
                        if line.startswith(text + " (")), None)
        if heading is not None:
            current = heading
            found[current] = []
        elif current is not None and line.startswith("  - "):
            found[current].append(line[4:])
        elif current is not None and line.startswith("    ") and found[current]:
            found[current][-1] += "\n" + line.strip()
    return found


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", BUNDLED, ids=[path.name for path in BUNDLED])
def test_each_rule_appears_once_in_its_group(path: Path, language: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    questionnaire = load_questionnaire(path)
    status, sheet, err = rules(capsys, str(path), "--language", language)
    assert (status, err) == (0, "")
    found = groups(sheet, language)
    assert list(found) == list(SHEET_ORDER)  # stop, refer, caution, then note
    for source in flag_sources(questionnaire):
        message = " ".join(questionnaire.text(source.message, language).split())
        holding = [level for level, blocks in found.items() for block in blocks
                   if f"\n{MESSAGE[language]}{message}\n" in block + "\n"]
        assert holding == [source.level], f"{source.key}: {holding}"
    for level in SHEET_ORDER:
        expected = [s for s in flag_sources(questionnaire) if s.level == level]
        assert len(found[level]) == len(expected)


@pytest.mark.parametrize("path", BUNDLED, ids=[path.name for path in BUNDLED])
def test_the_sheet_shows_no_item_ids_or_expression_syntax(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questionnaire = load_questionnaire(path)
    _, sheet, _ = rules(capsys, str(path))
    body = sheet.split("\n", 2)[2]  # below the title and the identity line
    ids = {item.id for item in questionnaire.items() if "_" in item.id}
    assert [item_id for item_id in ids if item_id in body] == []
    for syntax in ("==", "!=", ">=", "<=", " true", " false", "null", "'"):
        assert syntax not in body, syntax


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Pain right now: 7 or more", "Message: Severe pain <today>",
            "Where does it hurt? includes Left chest and Pain right now: more than 3",
            "Do you take a blood thinner? = Yes", "Opens: Which one?",
            "Which one? = Warfarin <b>", "Asked only when: Do you take a blood thinner? = Yes",
            "Opens: What for?"]),
    ("es", ["Dolor ahora mismo: 7 o más", "Mensaje: Dolor fuerte <hoy>",
            "¿Dónde le duele? incluye Pecho (izquierdo/a) y Dolor ahora mismo: más de 3",
            "¿Toma un anticoagulante? = Sí", "Abre: ¿Cuál?", "¿Cuál? = Warfarina <b>",
            "Solo se pregunta si: ¿Toma un anticoagulante? = Sí", "Abre: ¿Para qué?"]),
])
def test_conditions_read_in_the_clinics_words(write_yaml: Callable[..., Path],
                                             capsys: pytest.CaptureFixture[str],
                                             language: str, expected: list[str]) -> None:
    status, sheet, _ = rules(capsys, str(write_yaml(SMALL)), "--language", language)
    assert status == 0
    lines = [line.strip().removeprefix("- ") for line in sheet.splitlines()]
    for text in expected:
        assert text in lines, text


def test_markdown_has_one_table_row_per_rule(write_yaml: Callable[..., Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _, sheet, _ = rules(capsys, str(write_yaml(SMALL)), "--format", "md")
    assert sheet.startswith("# Rule sheet: Pain check\n")
    rows = [line for line in sheet.splitlines() if line.startswith("| ") and "---" not in line
            and not line.startswith("| Raised when")]
    assert len(rows) == 4
    assert "| Which one? = Warfarin <b><br>(Asked only when: Do you take a blood thinner? = " \
           "Yes) | Check the INR | What for? |" in rows


def test_the_html_sheet_is_escaped_and_names_the_version(
        write_yaml: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = write_yaml(SMALL)
    _, page, _ = rules(capsys, str(path), "--format", "html")
    questionnaire = load_questionnaire(path)
    assert "Warfarin &lt;b&gt;" in page and "<b>" not in page
    assert "Severe pain &lt;today&gt;" in page and "Chest pain &amp; more" in page
    header = page[page.index("<header>"):page.index("</header>")]
    assert "pain-check" in header and ">4<" in header and questionnaire.content_hash in header


def test_the_html_sheet_prints_on_a_few_a4_pages(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _, page_html, _ = rules(capsys, str(REPO / "questionnaires" / "dry-needling.yaml"),
                            "--format", "html")
    sheet = tmp_path / "rules.html"
    sheet.write_text(page_html, encoding="utf-8")
    pdf, rows = printed(sheet)
    assert rows == 4 * 1 + 46  # a head row per level, a row per rule
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 5, pages


def printed(page_file: Path) -> tuple[bytes, int]:
    """The page printed to A4 by chromium, and its table rows.

    A browser of its own, closed at the end: the suite's shared one would keep Playwright's
    event loop running for the Textual tests that come after this module."""
    if not CHROMIUM.exists():
        pytest.skip(f"BROWSER TEST SKIPPED: {CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            return page.pdf(format="A4"), page.locator("tr").count()
        finally:
            browser.close()


def test_a_language_the_file_lacks_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = rules(capsys, str(BUNDLED[0]), "--language", "fr")
    assert (status, out) == (1, "")
    assert err == "kiosk: --language fr: the file is written in en, es\n"


def test_a_broken_file_is_refused_with_its_lines(write_yaml: Callable[..., Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write_yaml(SMALL.replace("pain_now >= 7", "pain_nowe >= 7"))
    status, out, err = rules(capsys, str(path))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        f"kiosk: {path} cannot be used; fix it first (kiosk validate {path}):",
        f"{path}:13: item 'pain_now': flag refers to unknown or later item 'pain_nowe'"]
