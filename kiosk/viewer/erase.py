"""Erasing a record from its page: a POST with the session's CSRF token and a ticked box.

The store removes the record and its index entries and audits "erase" with the record
id and the staff user (see :meth:`kiosk.store.Store.erase_record`); the viewer then
drops what it kept of the record in memory and goes back to the day list, which says
the record was erased. Its page answers 404 from then on.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from kiosk.store import RecordNotFound
from kiosk.viewer.auth import see_other
from kiosk.viewer.context import viewer
from kiosk.viewer.corrections import NOT_CONFIRMED, checked, refused
from kiosk.viewer.pages import load_intake

ERASED_NOTICE = "erased"  # the day list's ?notice=: says a record was erased, not which


async def erase_record(request: web.Request) -> web.StreamResponse:
    """POST /i/{ref}/erase: remove the record for good (confirmed, CSRF, audited)."""
    form = await request.post()
    return await viewer(request).run(_erase_record, request, form)


def _erase_record(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    context, ref, session = checked(request, form)
    intake = load_intake(context, ref)
    if form.get("confirm") != "yes":
        return refused(context, intake.id, NOT_CONFIRMED)
    try:
        context.store.erase_record(intake.id, session.user, request.remote)
    except RecordNotFound:
        raise web.HTTPNotFound() from None
    context.records.forget(intake.id)
    return see_other(f"/?notice={ERASED_NOTICE}")
