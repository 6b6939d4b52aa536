"""Protections every viewer response gets: security headers, plain error pages, safe redirects.

No traceback, path or patient data ever leaves through an error: unexpected exceptions
become a plain 500 page, and only the exception's type is logged.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from kiosk.viewer.context import viewer

log = logging.getLogger("kiosk.viewer")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
ERROR_TEXTS = {
    400: ("Bad request", "The request could not be read."),
    403: ("Not allowed", "This form has expired or did not come from this viewer. "
                         "Go back, reload the page and try again."),
    404: ("Not found", "There is no such page or intake. Check the link or the short code."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "The request was too large."),
    429: ("Too many attempts", "Too many failed logins. Wait a while before trying again."),
    503: ("PDF not available", "This computer cannot make PDFs yet; the viewer's log says "
                               "what to install. Print the page from the browser instead."),
    500: ("Something went wrong", "The viewer could not show this page. Try again; if it keeps "
                                  "happening, tell the person who looks after the kiosk."),
}
# Where a login may send the browser afterwards: a path on this site, never another host.
_SAFE_NEXT = re.compile(r"^/(?![/\\])[A-Za-z0-9._~\-/]{0,200}(\?[A-Za-z0-9=&._~\-]{0,100})?$")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def safe_next(target: str | None) -> str:
    """``target`` if it is a same-site relative path, else ``/``: no open redirect."""
    if target and _SAFE_NEXT.match(target):
        return target
    return "/"


def tokens_match(given: str | None, expected: str | None) -> bool:
    """A CSRF token check in constant time; a missing token never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def error_page(request: web.Request, status: int,
               headers: dict[str, str] | None = None) -> web.Response:
    """A plain page for an error status, without any detail of what went wrong."""
    heading, explanation = ERROR_TEXTS.get(status, ERROR_TEXTS[400 if status < 500 else 500])
    try:
        response = viewer(request).render("error.html", status=status, session=None,
                                          heading=heading, explanation=explanation)
    except Exception:  # the error page itself must never fail; fall back to text
        response = web.Response(text=f"{heading}\n", status=status)
    response.headers.update(headers or {})
    return response


@web.middleware
async def plain_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn HTTP errors into plain pages and anything unexpected into a bare 500."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        kept = {name: value for name, value in error.headers.items()
                if name in ("Allow", "Retry-After")}
        return error_page(request, error.status, kept)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        # Only the type: a message or traceback could hold a record id or an answer.
        log.error("viewer: unexpected %s while answering a request", type(error).__name__)
        return error_page(request, 500)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@web.middleware
async def same_origin_posts(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a form posted from another site's page, before any token is even looked at.

    Browsers say where a request comes from in ``Sec-Fetch-Site``, and in ``Origin``
    unless a no-referrer policy (ours) makes it "null"; a given origin must be this
    viewer as the phone reached it, or the public URL (different behind a TLS proxy).
    """
    if request.method == "POST":
        site = request.headers.get("Sec-Fetch-Site")
        origin = request.headers.get("Origin")
        if site is not None and site not in ("same-origin", "none"):
            raise web.HTTPForbidden()
        if origin not in (None, "null"):
            allowed = {_origin(f"{request.scheme}://{request.host}"),
                       _origin(viewer(request).public_url)}
            if origin.lower() not in allowed:
                raise web.HTTPForbidden()
    return await handler(request)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: the same protective headers on every response, static ones too."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # aiohttp names itself, with its version and Python's: a gift to whoever probes for a
    # known flaw. (This hook runs after aiohttp has set its headers, so the removal holds.)
    response.headers.popall("Server", None)
