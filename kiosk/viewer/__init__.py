"""The clinician viewer: the web pages the kiosk's QR link opens, behind a staff login.

The web parts (aiohttp, jinja2) load on first use, so commands that only touch staff
accounts, such as ``kiosk staff``, start without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.viewer.app import create_app
    from kiosk.viewer.server import RunningViewer, ViewerError, start_viewer
    from kiosk.viewer_probe import viewer_answers

__all__ = ["RunningViewer", "ViewerError", "create_app", "start_viewer", "viewer_answers"]
_HOMES = {"create_app": "kiosk.viewer.app", "RunningViewer": "kiosk.viewer.server",
          "ViewerError": "kiosk.viewer.server", "start_viewer": "kiosk.viewer.server",
          "viewer_answers": "kiosk.viewer_probe"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'kiosk.viewer' has no attribute {name!r}")
