"""The viewer's pages: the day's intakes, one intake (HTML and JSON), and marking it reviewed.

Every record id is checked against :mod:`kiosk.ids` before the store is asked, so a
hostile path never reaches it; every view and review goes into the audit log before the
page is sent. Store work runs on the viewer's store thread, so the kiosk screen sharing
this loop never stalls.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from aiohttp import web
from markupsafe import Markup

from kiosk.decisions import STATUS_LABELS, STATUSES
from kiosk.ids import looks_like_record_id, looks_like_short_code
from kiosk.intake import Intake
from kiosk.interop.fhir import record_bundle, to_json
from kiosk.questionnaire.model import ConsentItem
from kiosk.store import RecordNotFound
from kiosk.viewer import paper
from kiosk.viewer.audit_log import Shown
from kiosk.viewer.auth import require_session, see_other
from kiosk.viewer.context import ViewerContext, viewer
from kiosk.viewer.course import badges
from kiosk.viewer.decision_view import decisions_view
from kiosk.viewer.delivery_view import delivery_view
from kiosk.viewer.record_cache import RecordPart
from kiosk.viewer.record_view import local_time, reviewed_line
from kiosk.viewer.security import log, tokens_match
from kiosk.viewer.sessions import Session
from kiosk.viewer_probe import SERVICE_NAME

NO_STORE = {"Cache-Control": "no-store"}
LISTED_STATUSES = [code for code in STATUSES if code != "draft"]  # drafts are never stored
OPEN_FILTERS = {"yes": True, "no": False}  # the day list's "open flags" choice


def record_ref(request: web.Request) -> str:
    """The record id or short code in the path, or a 404 if it cannot be one."""
    ref = request.match_info.get("ref", "")
    if looks_like_record_id(ref):
        return ref
    if looks_like_short_code(ref):
        return ref.upper()
    raise web.HTTPNotFound()


def load_intake(context: ViewerContext, ref: str) -> Intake:
    try:
        return context.store.get_intake(ref)
    except RecordNotFound:
        raise web.HTTPNotFound() from None


def kept_record(context: ViewerContext, ref: str) -> RecordPart:
    """The record and its rendered part, re-read only if its file changed since last time."""
    try:
        return context.records.record(ref)
    except RecordNotFound:
        raise web.HTTPNotFound() from None


async def shown_once_audited(request: web.Request,
                             prepare: Callable[[web.Request], Shown]) -> web.StreamResponse:
    """Prepare a page on the store thread, then send it only once its view is logged."""
    return await viewer(request).audit_log.show(prepare, request)


async def record_page(request: web.Request) -> web.StreamResponse:
    """GET /i/{ref}: flags first, then pain, then every answer."""
    return await shown_once_audited(request, _record_page)


def _record_page(request: web.Request) -> Shown:
    context = viewer(request)
    response, intake, user = _record_response(request, "", 200)
    return response, context.audit_event(request, user, "view", intake.id)


def record_page_response(request: web.Request, problem: str, status: int) -> web.Response:
    """The record page again with ``problem`` beside the decisions (a refused form)."""
    return _record_response(request, problem, status)[0]


def _record_response(request: web.Request, problem: str,
                     status: int) -> tuple[web.Response, Intake, str]:
    """The record page, its record and who asked (a path that cannot name a record is a
    404 before any login)."""
    context = viewer(request)
    ref = record_ref(request)
    session = require_session(request)
    intake, html = record_page_html(context, ref, session, problem)
    return web.Response(text=html, status=status, content_type="text/html",
                        headers=NO_STORE), intake, session.user


def record_page_html(context: ViewerContext, ref: str, session: Session,
                     problem: str = "") -> tuple[Intake, str]:
    """The record page as HTML, for the screen and for paper (:mod:`kiosk.viewer.paper`)."""
    record = kept_record(context, ref)
    intake = record.intake
    visits, index = context.course_of(intake)
    # Only the record's parts are kept; the shell with this user's name and token is fresh,
    # and so are the decision forms (they carry the token; on paper they never print).
    decisions = context.templates.get_template("_decisions.html").render(
        decide=decisions_view(intake), problem=problem, csrf=session.csrf,
        user=session.user, intake_id=intake.id)
    html = context.templates.get_template("record.html").render(
        session=session, intake=intake, record_top=context.course_parts.top(visits, index),
        decisions=Markup(decisions), record_body=record.body, reviewed=reviewed_line(intake),
        visit_count=len(visits), delivery=delivery_view(context.store, intake.id))
    return intake, html


async def record_pdf(request: web.Request) -> web.StreamResponse:
    """GET /i/{ref}.pdf: the record page printed to an A4 PDF (audited as an export).

    The page is prepared on the store thread, but printed beside it: a PDF takes a second
    or two, which the store thread (every page, every kiosk save) must not wait for.
    """
    context = viewer(request)
    intake, html, user = await context.run(_printable_page, request)
    try:
        pdf = await asyncio.to_thread(paper.record_pdf, html)
    except paper.PdfUnavailable as error:
        log.error("viewer: %s", error)  # what to install; no patient data in it
        raise web.HTTPServiceUnavailable() from None
    disposition = f'attachment; filename="{paper.pdf_file_name(intake.short_code)}"'
    response = web.Response(body=pdf, content_type="application/pdf",
                            headers={**NO_STORE, "Content-Disposition": disposition})

    def sent_once_audited(request: web.Request) -> Shown:
        return response, context.audit_event(request, user, "export_pdf", intake.id)

    return await shown_once_audited(request, sent_once_audited)


def _printable_page(request: web.Request) -> tuple[Intake, str, str]:
    """The record page to print, and who asks for it (their login checked first)."""
    context = viewer(request)
    ref = record_ref(request)  # a path that cannot name a record is Not found, logged in or not
    session = require_session(request)
    intake, html = record_page_html(context, ref, session)
    return intake, html, session.user


async def record_json(request: web.Request) -> web.StreamResponse:
    """GET /i/{ref}.json: the stored record, for staff tools."""
    return await shown_once_audited(request, _record_json)


def _stored_record(request: web.Request) -> tuple[Intake, str]:
    """The record the path names and the logged-in staff member asking for it."""
    context = viewer(request)
    ref = record_ref(request)
    session = require_session(request)
    try:
        return context.records.intake(ref), session.user
    except RecordNotFound:
        raise web.HTTPNotFound() from None


def _record_json(request: web.Request) -> Shown:
    intake, user = _stored_record(request)
    response = web.Response(text=intake.model_dump_json(indent=2),
                            content_type="application/json", headers=NO_STORE)
    return response, viewer(request).audit_event(request, user, "view_json", intake.id)


async def record_fhir(request: web.Request) -> web.StreamResponse:
    """GET /i/{ref}.fhir.json: the record as a FHIR R4 Bundle, downloaded (audited as an export)."""
    return await shown_once_audited(request, _record_fhir)


def _record_fhir(request: web.Request) -> Shown:
    intake, user = _stored_record(request)
    context = viewer(request)
    bundle = to_json(record_bundle(context.store, intake))
    # The file name carries the short code, not the id: a download folder is not private.
    disposition = f'attachment; filename="intake-{intake.short_code}.fhir.json"'
    response = web.Response(text=bundle, content_type="application/fhir+json",
                            headers={**NO_STORE, "Content-Disposition": disposition})
    return response, context.audit_event(request, user, "export", intake.id)


async def mark_reviewed(request: web.Request) -> web.StreamResponse:
    """POST /i/{ref}/review: set the status to reviewed (needs the session's CSRF token)."""
    form = await request.post()
    return await viewer(request).run(_mark_reviewed, request, form)


def _mark_reviewed(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    context = viewer(request)
    ref = record_ref(request)
    session = require_session(request, f"/i/{ref}")
    if not tokens_match(str(form.get("csrf", "")), session.csrf):
        raise web.HTTPForbidden()
    intake = load_intake(context, ref)
    try:
        context.store.mark_reviewed(intake.id, session.user)
    except RecordNotFound:
        raise web.HTTPNotFound() from None
    context.audit(request, session.user, "review", intake.id)
    return see_other(f"/i/{intake.id}")


@dataclass(frozen=True)
class IntakeRow:
    id: str
    short_code: str
    time: str
    name: str
    status: str
    status_label: str
    open_flags: int
    badges: Sequence[tuple[str, int]]


def _patient_name(context: ViewerContext, intake: Intake) -> str:
    """The name signed on the consent, if the questionnaire has one."""
    questionnaire = context.store.questionnaire_for(intake.questionnaire)
    for item in questionnaire.items():
        answer = intake.answers.get(item.id)
        if isinstance(item, ConsentItem) and isinstance(answer, dict):
            return str(answer.get("name", ""))
    return ""


def _row(context: ViewerContext, intake: Intake) -> IntakeRow:
    return IntakeRow(intake.id, intake.short_code,
                     local_time(intake.submitted_at or intake.created_at)[-5:],
                     _patient_name(context, intake), intake.status,
                     STATUS_LABELS[intake.status], intake.open_flags, badges(intake))


# Plain notices the day list shows after an action sent the clinician there.
NOTICES = {"erased": "The record was erased. The audit log keeps that you erased it."}


async def day_list(request: web.Request) -> web.StreamResponse:
    """GET /: one day's intakes (today unless ``day`` picks another), newest first."""
    return await shown_once_audited(request, _day_list)


def _day_list(request: web.Request) -> Shown:
    context = viewer(request)
    session = require_session(request)
    today = dt.datetime.fromtimestamp(context.clock()).date()
    day, problem = today, ""
    asked = request.query.get("day", "")
    if asked:
        try:
            day = dt.date.fromisoformat(asked[:10])
        except ValueError:
            problem = "That is not a date; showing today."
    notice = NOTICES.get(request.query.get("notice", ""), "")
    status = request.query.get("status", "")
    status = status if status in LISTED_STATUSES else ""
    open_only = OPEN_FILTERS.get(request.query.get("open", ""))
    rows = [_row(context, intake) for intake in context.store.list_intakes(
        since=day, until=day, status=status or None, open_flags=open_only)]
    label = "today" if day == today else f"on {day.isoformat()}"
    return (context.render("index.html", session=session, rows=rows, day=day.isoformat(),
                           today=today.isoformat(), day_label=label, problem=problem,
                           statuses=[(code, STATUS_LABELS[code]) for code in LISTED_STATUSES],
                           notice=notice, status_filter=status,
                           open_filter=request.query.get("open", "")
                           if open_only is not None else ""),
            context.audit_event(request, session.user, "list"))


async def health(request: web.Request) -> web.StreamResponse:
    """GET /healthz: says this port is a kiosk viewer, so a second one is not started."""
    return web.json_response({"service": SERVICE_NAME})


def stylesheet(css: bytes) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """GET /static/viewer.css, read once: the only static file, so no path ever reaches disk."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=css, content_type="text/css", charset="utf-8",
                            headers={"Cache-Control": "max-age=3600"})

    return handler
