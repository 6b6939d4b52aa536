"""POST /i/{ref}/decide and /i/{ref}/consent: the clinician's decision on a flag, and
consent confirmed in person.

Both need a login and the session's CSRF token, like marking reviewed; the store checks
the rules (:mod:`kiosk.decisions`) and audits each change under its lock. A refused
decision shows the record page again with the reason, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from kiosk.decisions import DecisionRefused
from kiosk.store import RecordNotFound
from kiosk.viewer.auth import require_session, see_other
from kiosk.viewer.context import viewer
from kiosk.viewer.pages import load_intake, record_page_response, record_ref
from kiosk.viewer.security import tokens_match


async def decide_flag(request: web.Request) -> web.StreamResponse:
    """POST /i/{ref}/decide: flag, decision and note from the form."""
    form = await request.post()
    return await viewer(request).run(_decide_flag, request, form)


async def confirm_consent(request: web.Request) -> web.StreamResponse:
    """POST /i/{ref}/consent: the tick and the clinician's name."""
    form = await request.post()
    return await viewer(request).run(_confirm_consent, request, form)


def _checked(request: web.Request, form: Mapping[str, object]) -> tuple[str, str]:
    """The record's id and the staff user, once login and CSRF token are checked."""
    ref = record_ref(request)
    session = require_session(request, f"/i/{ref}")
    if not tokens_match(str(form.get("csrf", "")), session.csrf):
        raise web.HTTPForbidden()
    return load_intake(viewer(request), ref).id, session.user


def _decide_flag(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    record_id, user = _checked(request, form)
    try:
        viewer(request).store.decide_flag(record_id, str(form.get("flag", "")),
                                          str(form.get("decision", "")),
                                          str(form.get("note", "")), user, request.remote)
    except DecisionRefused as refused:
        return _refused(request, str(refused), record_id, user)
    except RecordNotFound:
        raise web.HTTPNotFound() from None
    return see_other(f"/i/{record_id}#decisions-heading")


def _refused(request: web.Request, problem: str, record_id: str, user: str) -> web.Response:
    """The record page again with the reason; it shows the record, so it is a view."""
    page = record_page_response(request, problem=problem, status=422)
    viewer(request).audit(request, user, "view", record_id)
    return page


def _confirm_consent(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    record_id, user = _checked(request, form)
    if form.get("confirm") != "yes":
        return _refused(request, "Tick that you went through the consent with the patient in "
                                 "person.", record_id, user)
    try:
        viewer(request).store.confirm_consent(record_id, str(form.get("clinician", "")), user,
                                              request.remote)
    except DecisionRefused as refused:
        return _refused(request, str(refused), record_id, user)
    except RecordNotFound:
        raise web.HTTPNotFound() from None
    return see_other(f"/i/{record_id}#decisions-heading")
