"""The clinician viewer as an aiohttp application: routes, middleware and shared context."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from aiohttp import web

from kiosk.link import check_public_url
from kiosk.store import Store
from kiosk.viewer import auth, corrections, decide, erase, pages, send_again
from kiosk.viewer.accounts import StaffAccounts
from kiosk.viewer.context import PACKAGE_DIR, VIEWER, ViewerContext
from kiosk.viewer.security import add_security_headers, plain_errors, same_origin_posts
from kiosk.viewer.sessions import Sessions
from kiosk.viewer.throttle import LoginThrottle

log = logging.getLogger("kiosk.viewer")
MAX_REQUEST_BYTES = 64 * 1024  # a login or review form is tiny; refuse anything bigger

# Route names are what the access log shows instead of the path (which may hold a record id).
ROUTE_NAMES = {
    "day-list": "intake list",
    "record-json": "record json",
    "record-fhir": "record fhir export",
    "record-page": "record page",
    "record-pdf": "record pdf",
    "record-review": "mark reviewed",
    "record-decide": "decide flag",
    "record-consent": "confirm consent",
    "record-split": "split visit",
    "record-merge": "merge patients",
    "login-form": "login form",
    "login": "login",
    "logout": "logout",
    "health": "health check",
    "stylesheet": "stylesheet",
}


def create_app(store: Store, *, public_url: str, secure_cookies: bool,
               clock: Callable[[], float] = time.time) -> web.Application:
    """The viewer over ``store``; ``clock`` (seconds) is injectable for session-expiry tests."""
    app = web.Application(middlewares=[plain_errors, same_origin_posts],
                          client_max_size=MAX_REQUEST_BYTES)
    app[VIEWER] = ViewerContext(
        store=store, public_url=check_public_url(public_url), secure_cookies=secure_cookies,
        clock=clock, accounts=StaffAccounts(store), sessions=Sessions(store, clock),
        throttle=LoginThrottle(clock),
    )
    css = (PACKAGE_DIR / "static" / "viewer.css").read_bytes()
    # Every page answers HEAD as GET, without the body; a HEAD shows no record, so it is
    # not audited as a view (kiosk.viewer.audit_log).
    app.router.add_get("/", pages.day_list, name="day-list")
    # The download routes come first: "/i/{ref}" would otherwise take "ID.json" as a ref.
    app.router.add_get(r"/i/{ref:[A-Za-z0-9]{1,40}}.fhir.json", pages.record_fhir,
                       name="record-fhir")
    app.router.add_get(r"/i/{ref:[A-Za-z0-9]{1,40}}.pdf", pages.record_pdf, name="record-pdf")
    app.router.add_get(r"/i/{ref:[A-Za-z0-9]{1,40}}.json", pages.record_json,
                       name="record-json")
    app.router.add_get("/i/{ref}", pages.record_page, name="record-page")
    app.router.add_post("/i/{ref}/review", pages.mark_reviewed, name="record-review")
    app.router.add_post("/i/{ref}/decide", decide.decide_flag, name="record-decide")
    app.router.add_post("/i/{ref}/consent", decide.confirm_consent, name="record-consent")
    app.router.add_post("/i/{ref}/split", corrections.split_visit, name="record-split")
    app.router.add_post("/i/{ref}/merge", corrections.merge_patients, name="record-merge")
    app.router.add_post("/i/{ref}/erase", erase.erase_record, name="record-erase")
    app.router.add_post("/i/{ref}/send-again", send_again.send_again, name="record-send-again")
    app.router.add_get("/login", auth.login_form, name="login-form")
    app.router.add_post("/login", auth.log_in, name="login")
    app.router.add_post("/logout", auth.log_out, name="logout")
    app.router.add_get("/healthz", pages.health, name="health")
    app.router.add_get("/static/viewer.css", pages.stylesheet(css), name="stylesheet")
    app.on_response_prepare.append(add_security_headers)
    app.on_response_prepare.append(_head_with_get_length)
    app.on_startup.append(_start_linking)
    app.on_cleanup.append(_stop_linking)
    app.on_cleanup.append(_stop_store_thread)
    return app


LINK_EVERY_SECONDS = 5.0
LINK_BATCH = 200
LINKING: web.AppKey[asyncio.Task[None]] = web.AppKey("linking", asyncio.Task)


async def _start_linking(app: web.Application) -> None:
    app[LINKING] = asyncio.create_task(_link_while_open(app[VIEWER]))


async def _stop_linking(app: web.Application) -> None:
    app[LINKING].cancel()


async def _link_while_open(context: ViewerContext) -> None:
    """Link the visits kiosks saved sealed (they cannot: see kiosk.storage.patients), once
    a login has opened the key; a batch at a time on the store thread, between pages."""
    while True:
        if context.store.unlocked:
            try:
                linked = await context.run(context.store.link_waiting, LINK_BATCH)
            except Exception as error:  # a damaged file: the check command says which
                log.warning("linking waiting visits stopped: %s", type(error).__name__)
                linked = 0
            if linked == LINK_BATCH:
                continue
        await asyncio.sleep(LINK_EVERY_SECONDS)


async def _head_with_get_length(request: web.Request, response: web.StreamResponse) -> None:
    """A HEAD's headers are its GET's: aiohttp leaves ``Content-Length: 0`` out of a HEAD
    (RFC 9110 lets it), while the GET of the same empty answer (a redirect) has it."""
    if request.method == "HEAD" and isinstance(response, web.Response) \
            and not response.body and response.status not in (204, 304):
        response.headers.setdefault("Content-Length", "0")


async def _stop_store_thread(app: web.Application) -> None:
    """Let the store work already asked for finish (an audit entry, a review), then stop."""
    await asyncio.to_thread(app[VIEWER].store_thread.shutdown, True)
