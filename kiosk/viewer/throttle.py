"""Login throttling: after 5 failed logins for a name or an address within 15 minutes, wait.

Kept in memory: it protects one running viewer, and restarting it needs access to the
machine anyway. While throttled even the right password is refused, so guessing stays slow.
An attempt counts as failed from the moment it starts, so a burst of parallel guesses
cannot slip past the limit while their passwords are being checked.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

FAILURE_LIMIT = 5
WINDOW_SECONDS = 15 * 60
_PRUNE_ABOVE = 10_000  # keys kept before old ones are swept, so a flood cannot grow memory

Key = tuple[str, str]


class LoginThrottle:
    """Counts recent failed logins per account name and per client address."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._failures: dict[Key, deque[float]] = {}
        self._lock = threading.Lock()  # login handlers run in worker threads

    def begin(self, name: str, address: str) -> tuple[float | None, float]:
        """Start an attempt: (seconds to wait, or None if it may go ahead; its start time).

        An attempt that goes ahead is counted as a failure until :meth:`succeeded` says not.
        """
        now = self.clock()
        keys = (("name", name), ("address", address))
        with self._lock:
            waits = [self._wait(key, now) for key in keys]
            if any(wait is not None for wait in waits):
                return max(wait for wait in waits if wait is not None), now
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > _PRUNE_ABOVE:
                self._sweep(now)
        return None, now

    def succeeded(self, name: str, address: str, started: float) -> None:
        """A right password: clear the name's count and take this attempt off the address's."""
        with self._lock:
            self._failures.pop(("name", name), None)
            recent = self._failures.get(("address", address))
            if recent is not None and started in recent:
                recent.remove(started)

    def _wait(self, key: Key, now: float) -> float | None:
        if key not in self._failures:
            return None
        recent = self._recent(key, now)
        if len(recent) < FAILURE_LIMIT:
            return None
        return recent[-FAILURE_LIMIT] + WINDOW_SECONDS - now

    def _recent(self, key: Key, now: float) -> deque[float]:
        recent = self._failures.get(key)
        if recent is None:
            recent = self._failures[key] = deque(maxlen=FAILURE_LIMIT)
        while recent and recent[0] <= now - WINDOW_SECONDS:
            recent.popleft()
        return recent

    def _sweep(self, now: float) -> None:
        for key in list(self._failures):
            if not self._recent(key, now):
                del self._failures[key]
