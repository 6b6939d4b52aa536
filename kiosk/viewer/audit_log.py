"""The viewer's audit of views, by group commit: a record is shown only once its view is logged.

Views that wait at the same moment are prepared and logged together in one call on
the store thread: each page is prepared, then all their events go into one durable
append (``Store.record_audit_many``: one write, one fsync), and only then do the pages
go out. Views arriving while a group is being written wait for the next group, so a
burst costs one hand-off to the store thread and one fsync per group, not per view,
without ever showing a record whose view is not yet on disk. A HEAD request is prepared
the same way (so its status and headers are GET's) but logs nothing: it shows nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from kiosk.store import AuditEvent, Store

Runner = Callable[..., Awaitable[Any]]
Shown = tuple[web.StreamResponse, AuditEvent]
Prepare = Callable[[web.Request], Shown]
# What one view came to: its response, or the exception its page answers with.
Outcome = tuple[web.StreamResponse | None, BaseException | None]


class AuditLog:
    """Collects views from handlers; one writer task prepares and logs them in groups."""

    def __init__(self, store: Store, run: Runner) -> None:
        self.store = store
        self.run = run  # runs a function on the viewer's store thread
        self._waiting: list[tuple[Prepare, web.Request, asyncio.Future[web.StreamResponse]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def show(self, prepare: Prepare, request: web.Request) -> web.StreamResponse:
        """``prepare(request)``'s page, returned once its view is durably in the audit log."""
        done: asyncio.Future[web.StreamResponse] = asyncio.get_running_loop().create_future()
        self._waiting.append((prepare, request, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_groups())
        return await done

    async def _write_groups(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                outcomes = await self.run(self._prepare_and_log,
                                          [(prepare, request) for prepare, request, _ in group])
            except Exception as failure:  # nothing was shown: each page answers with the error
                outcomes = [(None, failure)] * len(group)
            for (_, _, done), (response, error) in zip(group, outcomes, strict=True):
                if done.done():
                    continue
                if response is not None:
                    done.set_result(response)
                else:
                    done.set_exception(error or RuntimeError("view not prepared"))

    def _prepare_and_log(self, views: list[tuple[Prepare, web.Request]]) -> list[Outcome]:
        """On the store thread: prepare each page, then log all their views in one append."""
        outcomes: list[Outcome] = []
        events: list[AuditEvent] = []
        for prepare, request in views:
            try:
                response, event = prepare(request)
            except Exception as error:  # a 404 or a login redirect: that page only
                outcomes.append((None, error))
            else:
                outcomes.append((response, None))
                if request.method != "HEAD":  # the same headers, but nothing was shown
                    events.append(event)
        if events:
            self.store.record_audit_many(events)  # raises: no page of this group is shown
        return outcomes
