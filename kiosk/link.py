"""The clinician link a QR code carries: ``{public_url}/i/{record_id}``, nothing else."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from kiosk.errors import KioskError

DEFAULT_PORT = 8765


class PublicUrlError(KioskError):
    """A public URL that phones could not use."""


def address_problem(url: str) -> str | None:
    """What keeps ``url`` from being a web server's address: "no address" (not http or
    https, or no host), "query" (it has a query or fragment), or None if it is one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "no address"
    if parts.query or parts.fragment:
        return "query"
    return None


def check_public_url(url: str) -> str:
    """The URL without a trailing slash, or :class:`PublicUrlError` saying what is wrong."""
    problem = address_problem(url)
    if problem == "no address":
        raise PublicUrlError(f"public URL {url!r} must look like http://HOST:PORT or "
                             "https://HOST")
    if problem == "query":
        raise PublicUrlError(f"public URL {url!r} must not have a query or fragment")
    return url.strip().rstrip("/")


def clinician_link(public_url: str, record_id: str) -> str:
    return f"{check_public_url(public_url)}/i/{record_id}"


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), else loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def default_public_url(host: str = "0.0.0.0", port: int = DEFAULT_PORT) -> str:
    """Where phones reach the viewer when nobody said: the LAN address if serving on all."""
    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"
