"""Correcting which patient a visit belongs to: split a visit off, or merge two patients.

Linking goes by name and birth date, so it can be wrong both ways (two people who share
both; one person whose birth date was mistyped once). A clinician corrects it from the
record page. Each correction is a POST carrying the session's CSRF token (as marking
reviewed) and a ticked confirmation; the store writes the audit entry for every record
that changes, under the logged-in staff member's name.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from kiosk.ids import looks_like_short_code
from kiosk.store import RecordNotFound, StoreError
from kiosk.viewer.auth import require_session, see_other
from kiosk.viewer.context import ViewerContext, viewer
from kiosk.viewer.pages import load_intake, record_ref
from kiosk.viewer.security import tokens_match
from kiosk.viewer.sessions import Session

NOT_CONFIRMED = "Tick the box to confirm, then try again. Nothing was changed."
NOT_CHANGED = ("The viewer could not change the link. Nothing was changed; reload the "
               "record and try again.")


def checked(request: web.Request, form: Mapping[str, object]) -> tuple[ViewerContext, str,
                                                                        Session]:
    """The context, the record ref and the session, once login and CSRF token are checked."""
    context = viewer(request)
    ref = record_ref(request)
    session = require_session(request, f"/i/{ref}")
    if not tokens_match(str(form.get("csrf", "")), session.csrf):
        raise web.HTTPForbidden()
    return context, ref, session


def refused(context: ViewerContext, ref: str, problem: str, status: int = 400) -> web.Response:
    """A page saying why nothing changed, with the way back to the record."""
    return context.render("correction.html", status=status, session=None, problem=problem,
                          back=f"/i/{ref}")


async def split_visit(request: web.Request) -> web.StreamResponse:
    """POST /i/{ref}/split: this visit gets a patient of its own (confirmed, CSRF, audited)."""
    form = await request.post()
    return await viewer(request).run(_split_visit, request, form)


def _split_visit(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    context, ref, session = checked(request, form)
    intake = load_intake(context, ref)
    if form.get("confirm") != "yes":
        return refused(context, intake.id, NOT_CONFIRMED)
    visits, _ = context.course_of(intake)
    if len(visits) < 2:
        return refused(context, intake.id, "This visit is its patient's only visit: there is "
                                            "nothing to split it from.", 409)
    try:
        context.store.split_visit(intake.id, session.user)
    except RecordNotFound:
        raise web.HTTPNotFound() from None
    except StoreError:
        return refused(context, intake.id, NOT_CHANGED, 409)
    return see_other(f"/i/{intake.id}")


async def merge_patients(request: web.Request) -> web.StreamResponse:
    """POST /i/{ref}/merge: the visit with short code ``other``, and all its patient's
    visits, join this visit's patient (confirmed, CSRF, audited)."""
    form = await request.post()
    return await viewer(request).run(_merge_patients, request, form)


def _merge_patients(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    context, ref, session = checked(request, form)
    intake = load_intake(context, ref)
    other_code = str(form.get("other", "")).strip().upper()
    if not looks_like_short_code(other_code):
        return refused(context, intake.id, "Type the other visit's short code (as printed "
                                            "under its QR code). Nothing was changed.")
    if form.get("confirm") != "yes":
        return refused(context, intake.id, NOT_CONFIRMED)
    try:
        other = context.store.get_intake(other_code)
    except RecordNotFound:
        return refused(context, intake.id, f"No visit has the short code {other_code}. "
                                            "Nothing was changed.", 404)
    if other.id == intake.id:
        return refused(context, intake.id, "That is this visit's own short code. "
                                            "Nothing was changed.")
    try:
        context.store.merge_patients(intake.id, other.id, session.user)
    except RecordNotFound:
        raise web.HTTPNotFound() from None
    except StoreError:
        return refused(context, intake.id, NOT_CHANGED, 409)
    return see_other(f"/i/{intake.id}")
