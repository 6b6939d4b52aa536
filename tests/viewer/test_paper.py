"""The record on paper: chromium's print of the page, the "Download PDF" and ``--pdf``.

One store, one server and one PDF of each kind per module: WeasyPrint takes a second or
two per record. The record is the complete first-visit fixture with a stop flag, a
caution and a note, so the flags, the body map and every section are on the page.
PDFs are read back with pypdf (test extra): the page count, the page size, each page's
text and the size every piece of text is drawn at.
"""

from __future__ import annotations

import http.client
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdf
import pytest
from test_store_helpers import kiosk

from kiosk.intake import Intake
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.loader import read_questionnaire
from kiosk.store import Store
from kiosk.viewer import paper
from kiosk.viewer.accounts import StaffAccounts
from viewer.conftest import STAFF_NAME, STAFF_PASSWORD, Browser, Clock, ViewerServer, save_intake
from viewer.course_fixture import save_course

A4_POINTS = (595.28, 841.89)
FOLLOW_UP_PATIENT = "Bo Li"
FLAG_MESSAGES = ("Needle phobia", "Anticoagulant/antiplatelet", "On warfarin")
DECISIONS = (("needle_fear:stop:1", "cleared", "Talked it through; happy to go ahead"),
             ("blood_thinners:caution:1", "cleared", "INR 2.3 checked"))
# The body map's own letters (view names, the patient's sides) are drawn inside the small
# figure, captioned below in body text; everything else must be at least 9 pt.
FIGURE_LABELS = {"Front", "Back", "R", "L"}


class Clinic:
    def __init__(self, root: Path) -> None:
        questionnaire = read_questionnaire(BUNDLED_QUESTIONNAIRE).questionnaire
        assert questionnaire is not None
        self.store = Store(root / "data")
        StaffAccounts(self.store).add(STAFF_NAME, STAFF_PASSWORD)
        self.intake: Intake = save_intake(self.store, questionnaire, {
            "needle_fear": True, "blood_thinners": True, "blood_thinner_name": ["warfarin"],
        })
        # Decided as a clinician would, so the paper carries the decisions too.
        for key, decision, note in DECISIONS:
            self.store.decide_flag(self.intake.id, key, decision, note, STAFF_NAME)
        self.store.confirm_consent(self.intake.id, "Dr Ana Ruiz", STAFF_NAME)
        # Another patient's third visit, with a trend (another name: not linked to the first).
        self.follow_up: Intake = save_course(self.store, FOLLOW_UP_PATIENT, "1961-02-03")[-1]
        self.server = ViewerServer(self.store, Clock())
        self.staff: Browser = self.server.browser()
        assert self.staff.log_in().status == 303


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    running = Clinic(tmp_path_factory.mktemp("paper"))
    yield running
    running.server.stop()


@pytest.fixture(scope="module")
def downloaded(clinic: Clinic) -> tuple[Any, bytes]:
    """The "Download PDF" of the fixture's record: the reply (headers) and the PDF."""
    return _get_bytes(clinic.staff, f"/i/{clinic.intake.id}.pdf")


def _get_bytes(browser: Browser, path: str) -> tuple[Any, bytes]:
    """A GET whose body is kept as bytes (the shared client decodes text)."""
    connection = http.client.HTTPConnection(browser.host, browser.port, timeout=30)
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def squeezed(text: str) -> str:
    """Text without any white space: a PDF breaks lines where the page did not."""
    return re.sub(r"\s+", "", text)


def text_sizes(pdf: bytes) -> list[tuple[str, float]]:
    """Every piece of text in ``pdf`` with the size it is drawn at, in points."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            matrix = pypdf.mult(tm, cm)
            found.append((text.strip(), size * (matrix[0] ** 2 + matrix[1] ** 2) ** 0.5))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return found


class Answers(HTMLParser):
    """The record page's questions (``<dt>``) and each piece of text of their answers
    (``<dd>``), as the screen shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[str] = []
        self.answers: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("dt", "dd"):
            self._in = tag
            if tag == "dt":
                self.labels.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("dt", "dd"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "dt":
            self.labels[-1] += data
        elif self._in == "dd" and data.strip():
            self.answers.append(data)


def assert_a4_record(pdf: bytes, intake: Intake, name: str,
                     born: str = "1979-05-14") -> list[str]:
    """At most 2 A4 pages, each headed with whose record it is; the pages' text."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2, f"{len(reader.pages)} pages"
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=1)
    texts = page_texts(pdf)
    for text in texts:
        assert name in text and intake.short_code in text and born in text, text
    return texts


def test_the_pdf_download_is_the_record_on_two_a4_pages_at_9_points_or_more(
        clinic: Clinic, downloaded: tuple[Any, bytes]) -> None:
    response, pdf = downloaded
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("Content-Disposition") == \
        f'attachment; filename="intake-{clinic.intake.short_code}.pdf"'
    assert clinic.intake.id not in response.getheader("Content-Disposition")
    assert response.getheader("Cache-Control") == "no-store"

    texts = assert_a4_record(pdf, clinic.intake, "Ana María López")
    whole = "\n".join(texts)
    assert squeezed(whole).index("Needlephobia") < squeezed(whole).index("Marked:Rightlowback")
    for message in FLAG_MESSAGES:
        assert message in whole
    for _, _, note in DECISIONS:  # the decisions go on paper with their notes, and consent
        assert squeezed(note) in squeezed(whole)
    assert squeezed("Dr Ana Ruiz") in squeezed(whole)
    for nowhere in ("Log out", "Mark reviewed", "Download", "Correct the patient link",
                    clinic.intake.id):
        assert nowhere not in whole
    # Every question the screen shows is on paper, once (the pain answers beside the body
    # map on screen print only in their own sections).
    screen = Answers()
    screen.feed(clinic.staff.get(f"/i/{clinic.intake.id}").text)
    page_text = squeezed(whole)
    assert len(screen.labels) > 60
    for shown in screen.labels + screen.answers:
        assert squeezed(shown) in page_text, shown
    assert page_text.count(squeezed("How bad is your pain right now?")) == 1

    small = {text for text, size in text_sizes(pdf) if size < 8.95}
    assert small <= FIGURE_LABELS, small


def test_the_pdf_needs_a_login_and_each_download_is_audited_as_an_export(
        clinic: Clinic, downloaded: tuple[Any, bytes]) -> None:
    assert f'href="/i/{clinic.intake.id}.pdf" download>Download PDF</a>' in \
        clinic.staff.get(f"/i/{clinic.intake.id}").text
    anonymous = clinic.server.browser().get(f"/i/{clinic.intake.id}.pdf")
    assert anonymous.status == 303 and anonymous.location.startswith("/login?")
    assert "%PDF" not in anonymous.text
    exports = [event for event in clinic.store.audit_events(clinic.intake.id)
               if event.action == "export_pdf"]
    assert [event.actor for event in exports] == [STAFF_NAME]
    # A path that cannot name a record is Not found before any login, as for the page.
    assert clinic.server.browser().get("/i/OOOOOO.pdf").status == 404
    assert clinic.staff.get("/i/OOOOOO.pdf").status == 404


def test_records_show_pdf_writes_the_same_pdf_durably_and_audits_it(
        clinic: Clinic, tmp_path: Path) -> None:
    target = tmp_path / "chart.pdf"
    result = kiosk("records", "show", clinic.intake.short_code.lower(), "--pdf", str(target),
                   "--data", str(clinic.store.root))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"Wrote intake {clinic.intake.short_code} as PDF to {target}\n"
    guide = (Path(__file__).resolve().parents[2] / "docs" / "clinician-guide.md").read_text()
    assert "\nWrote intake HXK4TP as PDF to intake-HXK4TP.pdf\n" in guide  # what it prints
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    texts = assert_a4_record(target.read_bytes(), clinic.intake, "Ana María López")
    assert "Needle phobia" in texts[0] and "Log out" not in "".join(texts)
    exports = [event for event in clinic.store.audit_events(clinic.intake.id)
               if event.action == "export_pdf" and event.actor.startswith("cli:")]
    assert len(exports) == 1

    missing = kiosk("records", "show", "ZZZZZZ", "--pdf", str(tmp_path / "none.pdf"),
                    "--data", str(clinic.store.root))
    assert missing.returncode != 0 and "ZZZZZZ" in missing.stderr
    assert not (tmp_path / "none.pdf").exists()


def test_without_weasyprint_the_message_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)
    with pytest.raises(paper.PdfUnavailable, match="WeasyPrint, which is not installed"):
        paper.record_pdf("<p>record</p>")


def test_chromium_prints_the_record_on_two_a4_pages_with_the_header_on_each(
        chromium: Any, clinic: Clinic) -> None:
    context = chromium.new_context()
    context.add_cookies([{"name": name, "value": value, "domain": "127.0.0.1", "path": "/"}
                         for name, value in clinic.staff.cookies.items()])
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{clinic.server.port}/i/{clinic.intake.id}")
    page.emulate_media(media="print")
    # Nothing drawn in print is under 9 pt (12 CSS pixels), but the figures' own labels.
    too_small = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => !e.closest('svg') && e.offsetParent !== null
                && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                && parseFloat(getComputedStyle(e).fontSize) < 12)
        .map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 40))""")
    assert too_small == []
    assert page.locator("header.top").is_hidden()
    assert page.locator("button").evaluate_all("all => all.every(b => !b.offsetParent)")
    pdf = page.pdf(format="A4")
    texts = assert_a4_record(pdf, clinic.intake, "Ana María López")
    assert "Needle phobia" in texts[0] and "Log out" not in "".join(texts)

    # A follow-up: the visits list stays on screen; the progress figures print small.
    page.goto(f"http://127.0.0.1:{clinic.server.port}/i/{clinic.follow_up.id}")
    assert page.locator(".visits").is_hidden()
    figures = page.locator(".trend-figure")
    assert figures.count() >= 2
    main_width = page.locator("main").bounding_box()["width"]
    for i in range(figures.count()):
        assert figures.nth(i).bounding_box()["width"] < main_width / 2.5
    follow_up = assert_a4_record(page.pdf(format="A4"), clinic.follow_up, FOLLOW_UP_PATIENT,
                                 "1961-02-03")
    assert "Progress" in follow_up[0] and "NEW SINCE LAST VISIT" in follow_up[0]
    context.close()
