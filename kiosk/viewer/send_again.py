"""Sending a refused record again from its page, once staff fixed what the FHIR server
said: a POST with the session's CSRF token; audited ("push-retry"). The background push
of this process takes it within seconds."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from kiosk.viewer.auth import see_other
from kiosk.viewer.context import viewer
from kiosk.viewer.corrections import checked, refused
from kiosk.viewer.pages import load_intake


async def send_again(request: web.Request) -> web.StreamResponse:
    """POST /i/{ref}/send-again: a failed delivery is pending again."""
    form = await request.post()
    return await viewer(request).run(_send_again, request, form)


def _send_again(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    context, ref, session = checked(request, form)
    intake = load_intake(context, ref)
    if not context.store.retry_delivery(intake.id, session.user, request.remote):
        return refused(context, intake.id, "This record is not refused by the FHIR server; "
                                           "there is nothing to send again.")
    return see_other(f"/i/{intake.id}")
