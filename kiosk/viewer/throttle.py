"""Login throttling: after 5 failed logins for a name or an address within 15 minutes, wait.

Kept in memory: it protects one running viewer, and restarting it needs access to the
machine anyway. While throttled even the right password is refused, so guessing stays slow.
The viewer checks one login at a time, so a burst of parallel guesses cannot slip past
the count while their passwords are being hashed.
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
        self._lock = threading.Lock()  # handlers run in worker threads

    def retry_after(self, name: str, address: str) -> float | None:
        """Seconds until this name and address may try again, or None if they may now."""
        now = self.clock()
        with self._lock:
            waits = [wait for key in (("name", name), ("address", address))
                     if (wait := self._wait(key, now)) is not None]
        return max(waits) if waits else None

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("name", name), ("address", address)):
                self._recent(key, now).append(now)
            if len(self._failures) > _PRUNE_ABOVE:
                self._sweep(now)

    def succeeded(self, name: str) -> None:
        """A right password clears the name's count (not the address's: it may be guessing)."""
        with self._lock:
            self._failures.pop(("name", name), None)

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
