"""Full garbage collections at quiet moments (a patient reading), not while a patient waits.

CPython starts a full collection when enough objects have outlived the younger
generations, which is in the middle of the allocation-heavy work of a Next: with
the kiosk's screens loaded, each took 24-28 ms (measured), landing in the frame a
patient waits for. While the kiosk runs, automatic full collections are held back
(the young generations are still collected as usual) and the kiosk runs one itself
when it is quiet: once a section is on screen and the next one is built, on Welcome,
and at least every two minutes while nobody is checking in.
"""

from __future__ import annotations

import gc
import time

HELD_BACK = 1_000_000  # young collections before an automatic full one: never, in practice
IDLE_COLLECT_SECONDS = 120.0

_automatic: tuple[int, int, int] | None = None  # the thresholds to restore
_last_full = time.monotonic()


def hold_back_full_collections() -> None:
    global _automatic
    if _automatic is None:
        _automatic = gc.get_threshold()
        gc.set_threshold(_automatic[0], _automatic[1], HELD_BACK)


def restore_automatic_collections() -> None:
    global _automatic
    if _automatic is not None:
        gc.set_threshold(*_automatic)
        _automatic = None


def collect_while_quiet() -> None:
    """A full collection now, if the kiosk holds them back: call only where nobody waits."""
    global _last_full
    if _automatic is not None:
        gc.collect()
        _last_full = time.monotonic()


def collect_if_due() -> None:
    """A full collection if none ran for a while (an idle kiosk still allocates)."""
    if time.monotonic() - _last_full >= IDLE_COLLECT_SECONDS:
        collect_while_quiet()
