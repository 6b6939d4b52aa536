"""Staff login and logout, and the session check every record page makes first.

Handlers do their store reads and writes on the viewer's store thread and hash passwords
on another: the viewer may share its asyncio loop with the kiosk's screen, which must
not stall.
"""

from __future__ import annotations

import asyncio
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from kiosk.keys.keyring import ClinicKey, NoSuchAccount
from kiosk.keys.wrapping import WrongSecret
from kiosk.viewer.accounts import normalize_name, verify_password
from kiosk.viewer.context import ViewerContext, viewer
from kiosk.viewer.security import safe_next, tokens_match
from kiosk.viewer.sessions import COOKIE_NAME, Session

# The login form's CSRF token travels in this cookie and in a hidden field (double submit).
LOGIN_COOKIE = "kiosk_login"
# Visits kiosks saved while the viewer was locked, linked before the first page opens.
LINK_AT_UNLOCK = 100


def see_other(location: str) -> web.Response:
    """A 303 redirect as a plain response, so cookies can be set on it."""
    return web.Response(status=303, headers={"Location": location})


def _cookie(response: web.StreamResponse, context: ViewerContext, name: str, value: str,
            path: str = "/") -> None:
    response.set_cookie(name, value, path=path, httponly=True, samesite="Strict",
                        secure=context.secure_cookies)


def current_session(request: web.Request) -> Session | None:
    return viewer(request).sessions.find(request.cookies.get(COOKIE_NAME))


def require_session(request: web.Request, return_to: str | None = None) -> Session:
    """The staff session, or a redirect to the login page that comes back here afterwards.
    While the viewer is locked (sealed records, nobody logged in since it started), every
    session goes by the login page: the first login opens the clinic's key."""
    session = current_session(request)
    if session is None or is_locked(viewer(request)):
        target = safe_next(return_to or request.path_qs)
        raise web.HTTPSeeOther("/login?" + urlencode({"next": target}))
    return session


def is_locked(context: ViewerContext) -> bool:
    """Whether records are sealed and this viewer holds no key yet."""
    return not context.store.unlocked and context.store.sealed


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"


def _login_page(request: web.Request, *, next_path: str, problem: str = "",
                username: str = "", status: int = 200) -> web.Response:
    context = viewer(request)
    csrf = request.cookies.get(LOGIN_COOKIE)
    if not csrf or len(csrf) > 100:
        csrf = secrets.token_urlsafe(32)
    response = context.render("login.html", status=status, session=None, csrf=csrf,
                              next=next_path, problem=problem, username=username,
                              locked=is_locked(context))
    _cookie(response, context, LOGIN_COOKIE, csrf, path="/login")
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    """GET /login: the form, or straight on if already logged in."""
    return await viewer(request).run(_login_form, request)


def _login_form(request: web.Request) -> web.StreamResponse:
    next_path = safe_next(request.query.get("next"))
    if current_session(request) is not None and not is_locked(viewer(request)):
        return see_other(next_path)
    return _login_page(request, next_path=next_path)


@dataclass(frozen=True)
class LoginAttempt:
    username: str  # as typed, to refill the form
    name: str
    address: str
    password: str
    stored_hash: str | None
    has_key: bool  # the account holds a copy of the clinic's key: its password opens it
    next_path: str


async def log_in(request: web.Request) -> web.StreamResponse:
    """POST /login: check the form's token, the throttle, then the password."""
    context = viewer(request)
    form = await request.post()
    # One login at a time: the throttle's count is then exact even for a burst of parallel
    # guesses, and only one 16 MB scrypt runs at once. Waiting happens here, not in a thread.
    async with context.login_lock:
        attempt = await context.run(_start_login, request, form)
        if isinstance(attempt, web.StreamResponse):
            return attempt
        # scrypt takes ~50-100 ms: on its own thread, so record pages keep flowing meanwhile.
        result = await asyncio.to_thread(_check_password, context, attempt)
        return await context.run(_finish_login, request, attempt, result)


def _check_password(context: ViewerContext, attempt: LoginAttempt) -> bool | ClinicKey:
    """The opened key for an account holding one, True for a right password of an account
    made before keys, else False."""
    if attempt.has_key or (attempt.stored_hash is None and context.store.sealed):
        try:  # an unknown name costs as much as a wrong password (Keyring.unlock)
            return context.store.keys.unlock(attempt.name, attempt.password)
        except (WrongSecret, NoSuchAccount):
            return False
    return verify_password(attempt.password, attempt.stored_hash)


def _start_login(request: web.Request,
                 form: Mapping[str, object]) -> LoginAttempt | web.StreamResponse:
    context = viewer(request)
    next_path = safe_next(str(form.get("next", "")))
    if not tokens_match(str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE)):
        raise web.HTTPForbidden()
    username = str(form.get("username", ""))[:64]
    name, address = normalize_name(username), client_address(request)
    wait = context.throttle.retry_after(name, address)
    if wait is not None:
        response = _login_page(
            request, next_path=next_path, username=username, status=429,
            problem=f"Too many failed logins. Try again in {max(1, math.ceil(wait / 60))} "
                    "minute(s).")
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    return LoginAttempt(username, name, address, str(form.get("password", "")),
                        context.accounts.password_hash(name),
                        name in context.store.keys.account_names(), next_path)


def _finish_login(request: web.Request, attempt: LoginAttempt,
                  result: bool | ClinicKey) -> web.StreamResponse:
    context = viewer(request)
    if result is False:
        context.throttle.failed(attempt.name, attempt.address)
        known = attempt.stored_hash or attempt.has_key
        context.audit(request, attempt.name if known else "unknown", "login_failed")
        return _login_page(request, next_path=attempt.next_path, username=attempt.username,
                           problem="That name and password do not match.")
    context.throttle.succeeded(attempt.name)
    if isinstance(result, ClinicKey) and not context.store.unlocked:
        context.store.unlock(result)
        context.audit(request, attempt.name, "unlock")
        context.store.link_waiting(LINK_AT_UNLOCK)  # the rest follow in the background
    if is_locked(context):  # an account made before the keys: it holds no copy to open
        return _login_page(request, next_path=attempt.next_path, username=attempt.username,
                           problem="The viewer is locked, and this account holds no key: "
                                   "log in with an account added since the clinic's key "
                                   "was set up, or ask its holder to run 'kiosk staff "
                                   f"passwd {attempt.name} --user THEIR_NAME' once.")
    token, _session = context.sessions.start(attempt.name)
    context.audit(request, attempt.name, "login")
    response = see_other(attempt.next_path)
    _cookie(response, context, COOKIE_NAME, token)
    response.del_cookie(LOGIN_COOKIE, path="/login")
    return response


async def log_out(request: web.Request) -> web.StreamResponse:
    """POST /logout: end the session (with the session's CSRF token) and go to the login page."""
    form = await request.post()
    return await viewer(request).run(_log_out, request, form)


def _log_out(request: web.Request, form: Mapping[str, object]) -> web.StreamResponse:
    context = viewer(request)
    session = require_session(request, "/")
    if not tokens_match(str(form.get("csrf", "")), session.csrf):
        raise web.HTTPForbidden()
    context.sessions.end(request.cookies.get(COOKIE_NAME, ""))
    context.audit(request, session.user, "logout")
    response = see_other("/login")
    response.del_cookie(COOKIE_NAME, path="/")
    return response
