"""The viewer's audit of views, by group commit: a record is shown only once its view is logged.

Views that wait at the same moment are written together in one durable append
(``Store.record_audit_many``), then all their pages go out. One append rewrites the
day's audit file, so under load this costs one rewrite per group instead of one per
view, without ever showing a record whose view is not yet on disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from kiosk.store import AuditEvent, Store

Runner = Callable[..., Awaitable[Any]]


class AuditLog:
    """Collects view events from handlers; one writer task flushes them in groups."""

    def __init__(self, store: Store, run: Runner) -> None:
        self.store = store
        self.run = run  # runs a function on the viewer's store thread
        self._waiting: list[tuple[AuditEvent, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, event: AuditEvent) -> None:
        """Return once ``event`` is durably in the audit log; raise if it could not be."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_groups())
        await done

    async def _write_groups(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                await self.run(self.store.record_audit_many, [event for event, _ in group])
            except Exception as error:  # each waiting page answers with the error page
                for _, done in group:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in group:
                    if not done.done():
                        done.set_result(None)
