"""The one base class for problems the ``kiosk`` command reports as a plain message."""

from __future__ import annotations


class KioskError(Exception):
    """A problem a person can act on; ``str()`` is the whole message, ``exit_code`` the status."""

    exit_code = 1
