"""``kiosk web``'s server: the kiosk in tablet browsers, one kiosk process per browser tab.

textual-serve does the work: each browser tab opens a websocket, and for each one it
starts ``tab_command`` (``python -m kiosk.web_tab ...``) with Textual's web driver and
relays the terminal between the process and the page's xterm.js. This module adds
what a clinic needs around it: its own page (full screen, no third-party font, sized
for touch), websockets only from that page, a cap on how many tabs run at once, logs
without tracebacks or keystrokes, and optionally the clinician viewer, in a process of
its own (``kiosk.viewer_child``), stopped with this server.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shlex
import signal
import ssl
import sys
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.server import Server

from kiosk.errors import KioskError
from kiosk.link import DEFAULT_PORT, default_public_url
from kiosk.viewer_child import ViewerChild, ViewerPlan

PAGE = Path(__file__).parent / "data" / "tablet.html"
SHUTDOWN_SECONDS = 2.0  # how long open tabs get to end when the server stops
FONT_SIZES = range(10, 41)
LOOPBACK = ("127.0.0.1", "localhost", "::1")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("kiosk.web")


class TabletServerError(KioskError):
    """The tablet page cannot be served (for example, its port is taken)."""


@dataclass(frozen=True)
class TabKiosk:
    """What every tab's kiosk runs with (the same for all tabs but the station)."""

    data_dir: Path
    questionnaires: tuple[Path, ...]  # every tab offers the same set
    idle_timeout: float | None

    def command(self, public_url: str) -> str:
        """The shell command textual-serve runs per tab: absolute paths, nothing of a patient;
        ``exec`` so the shell becomes the kiosk (one process per tab, not two)."""
        argv = [sys.executable, "-m", "kiosk.web_tab", "--data", str(self.data_dir.resolve()),
                "--public-url", public_url]
        for questionnaire in self.questionnaires:
            argv += ["--questionnaire", str(questionnaire.resolve())]
        if self.idle_timeout is not None:
            argv += ["--idle-timeout", repr(self.idle_timeout)]
        return "exec " + shlex.join(argv)


@dataclass(frozen=True)
class TabletPlan:
    """What ``kiosk web`` serves, decided (and checked) before anything starts.

    ``viewer`` None: no clinician viewer here. ``public_url`` None: phones reach the
    viewer at this machine's address (known once the viewer has its port).
    """

    host: str
    port: int
    tab: TabKiosk
    title: str
    font_size: int
    max_tabs: int
    viewer: ViewerPlan | None
    public_url: str | None
    ssl_context: ssl.SSLContext | None = None  # https/wss for the page and the viewer

    def url(self, port: int) -> str:
        """How a tablet or phone on the network reaches ``port`` of this machine."""
        plain = default_public_url(self.host, port)
        return plain.replace("http://", "https://", 1) if self.ssl_context else plain


class _OnlyErrorType(logging.Filter):
    """textual-serve logs a failed websocket with its traceback (and its locals, which can
    hold what a patient typed); keep only the exception's type."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            error = record.exc_info[1]
            record.msg = "a tablet connection failed (%s)"
            record.args = (type(error).__name__,)
            record.exc_info = None
            record.exc_text = None
        return True


logging.getLogger("textual-serve").addFilter(_OnlyErrorType())


class TabletServer(Server):
    """textual-serve's server with the clinic's page and the checks around each tab."""

    def __init__(self, plan: TabletPlan, public_url: str) -> None:
        super().__init__(plan.tab.command(public_url), host=plan.host, port=plan.port,
                         title=plan.title, templates_path=PAGE.parent)
        self.plan = plan
        self.open_tabs = 0
        self.tabs: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        app.on_response_prepare.append(self._note_tab)
        app.on_shutdown.append(self._close_tabs)
        app.router.add_get("/manifest.webmanifest", self.handle_manifest)
        app.router.add_get("/favicon.ico", self.handle_no_icon)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints a logo and the command here; ``kiosk web`` prints its own.)"""

    async def _note_tab(self, request: web.Request, response: web.StreamResponse) -> None:
        if isinstance(response, web.WebSocketResponse):
            self.tabs.add(response)

    async def _close_tabs(self, app: web.Application) -> None:
        """Server stopping: close each tab's connection, so textual-serve tells its kiosk
        to quit (and the kiosk deletes its draft) instead of waiting to be cancelled."""
        await asyncio.gather(*(tab.close(code=WSCloseCode.GOING_AWAY, message=b"stopping")
                               for tab in list(self.tabs)), return_exceptions=True)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        """The tablet page; its websocket goes back to the address the tablet used."""
        font_size = self.plan.font_size
        asked = request.query.get("fontsize", "")
        if asked.isdigit() and int(asked) in FONT_SIZES:
            font_size = int(asked)
        scheme = "wss" if request.secure else "ws"
        context = {"title": self.plan.title, "font_size": font_size,
                   "websocket_url": f"{scheme}://{request.host}/ws", "static_url": "/static/"}
        response = aiohttp_jinja2.render_template(PAGE.name, request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_manifest(self, request: web.Request) -> web.Response:
        """Lets a tablet add the page to its home screen and open it full screen."""
        manifest = {"name": self.plan.title, "short_name": "Check-in", "start_url": "/",
                    "display": "fullscreen", "background_color": "#0c181f",
                    "theme_color": "#0c181f"}
        return web.Response(text=json.dumps(manifest), content_type="application/manifest+json")

    async def handle_no_icon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Websockets only from this server's own page, and at most ``max_tabs`` at once."""
        if request.path != "/ws":
            response = await handler(request)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("X-Frame-Options", "DENY")
            return response
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="this kiosk only answers its own page")
        if self.open_tabs >= self.plan.max_tabs:
            log.warning("a tablet was turned away: %d kiosk tabs already run (--max-tabs)",
                        self.open_tabs)
            raise web.HTTPServiceUnavailable(text="too many kiosk tabs are open")
        self.open_tabs += 1
        try:
            return await handler(request)
        finally:
            self.open_tabs -= 1


async def serve_tablets(plan: TabletPlan, announce: Callable[[str], None] = print) -> None:
    """Serve until SIGINT or SIGTERM; a port that cannot be used is one clear error."""
    viewer = None if plan.viewer is None else ViewerChild(
        plan.viewer, plan.tab.data_dir, plan.public_url or plan.url(plan.viewer.port))
    runner: web.AppRunner | None = None
    try:
        if viewer is not None:
            await asyncio.to_thread(viewer.start)  # waits until it listens (or cannot)
            if viewer.problem is not None:
                raise TabletServerError(viewer.problem)
        public_url = plan.public_url or plan.url(
            (viewer.port or viewer.plan.port) if viewer else DEFAULT_PORT)
        server = TabletServer(plan, public_url)
        runner = web.AppRunner(await server._make_app(), access_log=None,
                               shutdown_timeout=SHUTDOWN_SECONDS, handle_signals=False)
        await runner.setup()
        port = await _listen(runner, plan)
        announce(f"Tablets: open {plan.url(port)} in each tablet's browser, full screen "
                 "(each tab runs its own kiosk)")
        if viewer is None:
            where = "not served here (--no-serve)"
        elif viewer.port is None:
            where = viewer.state  # already served by another process
        else:
            where = plan.url(viewer.port)
        announce(f"Clinician viewer: {where}; QR links open {public_url}/i/...")
        if plan.host in LOOPBACK:
            announce("Only this machine can reach them; for tablets and phones on the clinic "
                     "network add --host 0.0.0.0")
        announce("Press Ctrl+C to stop.")
        await _until_stopped()
    finally:
        if runner is not None:
            await runner.cleanup()
        if viewer is not None:
            await asyncio.to_thread(viewer.stop)


async def _listen(runner: web.AppRunner, plan: TabletPlan) -> int:
    """Start listening; the port actually bound (``port`` 0 picks a free one)."""
    try:
        await web.TCPSite(runner, plan.host, plan.port, ssl_context=plan.ssl_context).start()
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise TabletServerError(f"cannot serve the tablet kiosk on {plan.host}:{plan.port}: "
                                f"{reason}; choose another --port") from None
    return int(runner.addresses[0][1])


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
