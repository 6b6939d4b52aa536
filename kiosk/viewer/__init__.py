"""The clinician viewer: the web pages the kiosk's QR link opens, behind a staff login."""

from kiosk.viewer.app import create_app
from kiosk.viewer.server import RunningViewer, ViewerError, start_viewer, viewer_answers

__all__ = ["RunningViewer", "ViewerError", "create_app", "start_viewer", "viewer_answers"]
