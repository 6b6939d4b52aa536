"""Whether a kiosk viewer already answers on a port, asked without loading the viewer.

The patient-facing kiosk asks this before it starts a viewer of its own; it must not
import aiohttp, jinja2 or ``kiosk.viewer`` to do so (see ``kiosk.viewer_child``).
"""

from __future__ import annotations

import http.client
import json
import ssl

SERVICE_NAME = "intake-kiosk-viewer"  # what the viewer's /healthz says it is


def _probe_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def viewer_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether a kiosk viewer already answers on ``host:port`` (plain HTTP or TLS).

    Asked with a kept-alive connection that this side closes, so the viewer's port is
    left with no closing connection that would keep it from being bound again at once.
    """
    # The certificate is not checked: this only asks who answers, and sends nothing secret.
    tls = ssl._create_unverified_context()
    for connection in (http.client.HTTPConnection(_probe_host(host), port, timeout=timeout),
                       http.client.HTTPSConnection(_probe_host(host), port, timeout=timeout,
                                                   context=tls)):
        try:
            connection.request("GET", "/healthz")
            reply = connection.getresponse()
            return bool(json.loads(reply.read(1000)) == {"service": SERVICE_NAME})
        except (OSError, ValueError, http.client.HTTPException):
            continue
        finally:
            connection.close()
    return False
