"""Running the viewer on an asyncio loop: ``kiosk serve``'s own (the kiosks start it as a child).

The access log names the route ("record page"), never the path, query or Referer, which
could carry a record id; aiohttp's own error log keeps only the exception's type.
"""

from __future__ import annotations

import gc
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from kiosk.errors import KioskError
from kiosk.store import Store
from kiosk.viewer.app import ROUTE_NAMES, create_app

access_log = logging.getLogger("kiosk.viewer.access")
http_log = logging.getLogger("kiosk.viewer.http")
STOP_GRACE_SECONDS = 2.0


class ViewerError(KioskError):
    """The viewer cannot start (for example, its port is taken)."""


class PrivateAccessLogger(AbstractAccessLogger):
    """One line per request: method, route name, status and time; nothing from the URL."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        match_info = getattr(request, "match_info", None)
        route = getattr(getattr(match_info, "route", None), "name", None)
        self.logger.info("%s %s %d %.1fms", request.method[:10],
                         ROUTE_NAMES.get(route or "", "other"), response.status, time * 1000)


class _OnlyErrorType(logging.Filter):
    """aiohttp logs bad requests with the raw request line; keep only the exception's type."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        record.msg = "viewer: could not answer a request (%s)"
        record.args = (type(error).__name__ if error else "no details",)
        record.exc_info = None
        record.exc_text = None
        return True


http_log.addFilter(_OnlyErrorType())


@dataclass
class RunningViewer:
    """A viewer serving in the current loop; ``await stop()`` closes it."""

    runner: web.AppRunner
    host: str
    port: int
    public_url: str

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_viewer(store: Store, host: str, port: int, public_url: str,
                       ssl_context: ssl.SSLContext | None = None, *,
                       clock: Callable[[], float] = time.time) -> RunningViewer:
    """Serve the viewer on ``host:port`` in the running loop (port 0 picks a free one).

    Cookies are marked Secure when the viewer speaks TLS or phones reach it over https.
    """
    secure = ssl_context is not None or public_url.lower().startswith("https:")
    app = create_app(store, public_url=public_url, secure_cookies=secure, clock=clock)
    runner = web.AppRunner(app, access_log_class=PrivateAccessLogger, access_log=access_log,
                           logger=http_log, shutdown_timeout=STOP_GRACE_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ViewerError(f"cannot serve the clinician viewer on {host}:{port}: "
                          f"{error.strerror or error}; choose another --port") from None
    bound_port = int(runner.addresses[0][1])
    # What startup loaded (templates, questionnaire, modules) lives as long as the process:
    # moved out of the collector's reach, so its full collections stop walking it mid-request.
    gc.collect()
    gc.freeze()
    return RunningViewer(runner, host, bound_port, public_url)
