"""The record page on paper: the same HTML as the screen, printed to an A4 PDF by WeasyPrint.

The viewer's "Download PDF" and ``kiosk records show CODE --pdf FILE`` both come here,
so the chart gets exactly what the clinician saw, laid out by the print rules of
``viewer.css`` (``@media print``: a running header with who the patient is, flags first,
no navigation or buttons).

WeasyPrint is imported only when a PDF is asked for: it loads the Pango system libraries,
which a kiosk that never prints need not have, and it takes a moment to import. The
renderer reads nothing from the network or the disk but the viewer's own stylesheet, so
a record's text can never make it fetch anything.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from kiosk.errors import KioskError
from kiosk.intake import Intake
from kiosk.store import Store
from kiosk.viewer.accounts import StaffAccounts
from kiosk.viewer.context import PACKAGE_DIR, ViewerContext
from kiosk.viewer.sessions import Session, Sessions
from kiosk.viewer.throttle import LoginThrottle

# WeasyPrint warns about every screen-only CSS property it does not know (SVG strokes set
# in the stylesheet, for one); the kiosk's log is kept for problems someone must act on.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

# One PDF at a time: Pango and fontconfig are not made to lay out from several threads.
_ONE_AT_A_TIME = threading.Lock()
STYLESHEET_URL = "/static/viewer.css"
# WeasyPrint resolves the page's relative links against this; only the stylesheet is served.
BASE_URL = "https://viewer.invalid/"


class PdfUnavailable(KioskError):
    """WeasyPrint or the system libraries it needs (Pango) are not installed."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as error:
        raise PdfUnavailable(
            "PDFs need the Python package WeasyPrint, which is not installed: "
            "run `.venv/bin/pip install -e .` again.") from error
    except OSError as error:  # WeasyPrint found, its Pango library not
        raise PdfUnavailable(
            "PDFs need the Pango text libraries, which this computer does not have "
            f"({error}): on Debian or Ubuntu, `sudo apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0`.") from error
    return weasyprint


def _stylesheet_only(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher that serves the viewer's stylesheet and refuses all else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StylesheetOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url != BASE_URL.rstrip("/") + STYLESHEET_URL:
                raise ValueError("the record's PDF loads nothing but the viewer's stylesheet")
            css = (PACKAGE_DIR / "static" / "viewer.css").read_bytes()
            return URLFetcherResponse(url, css, {"Content-Type": "text/css; charset=utf-8"})

    return StylesheetOnly()


def record_pdf(page_html: str) -> bytes:
    """The record page's HTML as an A4 PDF, laid out with the stylesheet's print rules."""
    weasyprint = _weasyprint()
    with _ONE_AT_A_TIME:
        document = weasyprint.HTML(string=page_html, base_url=BASE_URL,
                                   url_fetcher=_stylesheet_only(weasyprint), media_type="print")
        pdf: bytes = document.write_pdf()
    return pdf


def pdf_file_name(short_code: str) -> str:
    """The download's name: the short code, never the record id (download folders are shared)."""
    return f"intake-{short_code}.pdf"


def printed_record(store: Store, ref: str, reader: str) -> tuple[Intake, bytes]:
    """The record ``ref`` (id or short code) as the viewer's PDF, for ``kiosk records show``.

    Rendered by a viewer context of its own, so the command prints exactly the page the
    viewer serves; ``reader`` stands where a logged-in user would (its forms do not print).
    """
    from kiosk.viewer.pages import record_page_html

    context = ViewerContext(
        store=store, public_url="", secure_cookies=False, clock=time.time,
        accounts=StaffAccounts(store), sessions=Sessions(store, time.time),
        throttle=LoginThrottle(time.time))
    stored = store.get_intake(ref)  # RecordNotFound says plainly what is wrong
    try:
        intake, html = record_page_html(context, stored.id, Session(user=reader, csrf=""))
    finally:
        context.store_thread.shutdown()
    return intake, record_pdf(html)
