"""Sending the outbox's records to the clinic's FHIR server: once now (``kiosk push``),
or on and on in a long-running process (:class:`BackgroundPusher`).

Each try reads the record afresh, sends one transaction (:mod:`kiosk.interop.fhir_transaction`),
settles the outcome in the outbox under the store lock, and audits it (action "push",
the outcome's status and issue codes, never the server's words or the patient's). A
record the process cannot open (sealed, no staff login yet) simply waits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass

import aiohttp
from filelock import FileLock, Timeout

from kiosk.errors import KioskError
from kiosk.interop.fhir_auth import Credentials
from kiosk.interop.fhir_delivery import Answer, backoff, send_transaction
from kiosk.interop.fhir_settings import FhirTarget
from kiosk.interop.fhir_transaction import delivery_bundle, erasure_bundle, server_ids
from kiosk.interop.fhir_values import canonical
from kiosk.storage import outbox
from kiosk.storage.errors import RecordLocked, RecordNotFound
from kiosk.storage.files import PRIVATE_FILE_MODE
from kiosk.storage.layout import PUSH_LOCK_FILE
from kiosk.storage.models import AuditEvent
from kiosk.store import Store

log = logging.getLogger("kiosk.push")
ACTOR = "fhir-push"
DEFAULT_TIMEOUT = 30.0
AT_ONCE = 4  # transactions in flight together
WAITING_FOR_LOGIN = "waiting for a staff login (the record is sealed)"


class PushBusy(KioskError):
    """Another process is pushing this data folder's outbox."""


@dataclass(frozen=True)
class Tried:
    """One record's try: its state afterwards and why, in one line without patient data."""

    record_id: str
    short_code: str | None
    state: str  # "sent", "pending" or "failed"
    why: str = ""


class Pusher:
    """Delivers the outbox of one data folder to one FHIR server."""

    def __init__(self, store: Store, target: FhirTarget, timeout: float = DEFAULT_TIMEOUT,
                 at_once: int = AT_ONCE) -> None:
        self.store = store
        self.target = target
        self.timeout = timeout
        self.at_once = at_once
        self.credentials = Credentials(target)
        outbox.switch_on_outbox(store.root)

    async def push_owed(self, *, now_ignoring_backoff: bool,
                        wait_for_others: float = 0.0) -> list[Tried]:
        """Try each pending record once (those due, unless ``now_ignoring_backoff``);
        failed ones wait for staff. Returns every owed record's state afterwards.

        One process pushes at a time (the viewer's background push, ``kiosk push``), so
        a record is never in flight twice: this waits up to ``wait_for_others`` seconds
        for another, then tries nothing (:class:`PushBusy`)."""
        lock = FileLock(self.store.root / PUSH_LOCK_FILE, mode=PRIVATE_FILE_MODE)
        waited_until = time.monotonic() + wait_for_others
        while True:
            try:
                lock.acquire(timeout=0)  # on the loop's thread, which releases it too
                break
            except Timeout:
                if time.monotonic() >= waited_until:
                    raise PushBusy("another kiosk process is sending to the FHIR server "
                                   "right now; try again in a moment") from None
                await asyncio.sleep(0.1)
        try:
            return await self._push_owed(now_ignoring_backoff)
        finally:
            lock.release()

    async def _push_owed(self, now_ignoring_backoff: bool) -> list[Tried]:
        owed = await asyncio.to_thread(outbox.owed, self.store.root)
        moment = dt.datetime.now(dt.UTC)
        due = [record_id for record_id, owing in owed.items() if not owing.failed and (
            now_ignoring_backoff or owing.next_try is None or owing.next_try <= moment)]
        tried: dict[str, Tried] = {
            record_id: Tried(record_id, owing.short_code, owing.state, _why(owing))
            for record_id, owing in owed.items() if record_id not in due}
        if due:
            gate = asyncio.Semaphore(self.at_once)
            async with aiohttp.ClientSession() as session:
                async def one(record_id: str) -> Tried:
                    async with gate:
                        return await self.push_one(session, record_id)

                for result in await asyncio.gather(*(one(record_id) for record_id in due)):
                    tried[result.record_id] = result
        return list(tried.values())

    async def push_one(self, session: aiohttp.ClientSession, record_id: str) -> Tried:
        owing = await asyncio.to_thread(outbox.owed_one, self.store.root, record_id)
        if owing is None:
            return Tried(record_id, None, "sent")  # settled meanwhile by another process
        try:
            bundle, questionnaire_key = await asyncio.to_thread(self._bundle, record_id, owing)
        except RecordLocked:
            return Tried(record_id, owing.short_code, "pending", WAITING_FOR_LOGIN)
        except RecordNotFound:  # erased meanwhile: its erasure is owed instead
            return Tried(record_id, owing.short_code, "pending", "erased meanwhile")
        answer = await send_transaction(session, self.target.url, self.credentials, bundle,
                                        self.timeout)
        await asyncio.to_thread(self._settle, record_id, owing, bundle, questionnaire_key,
                                answer)
        state = {"sent": "sent", "retry": "pending", "failed": "failed"}[answer.outcome]
        return Tried(record_id, owing.short_code, state,
                     "" if answer.outcome == "sent" else answer.why)

    def _bundle(self, record_id: str, owing: outbox.Owed) -> tuple[dict[str, object], str | None]:
        if owing.erase is not None:
            return erasure_bundle(record_id, owing.erase), None
        intake = self.store.get_intake(record_id)
        questionnaire = self.store.questionnaire_for(intake.questionnaire)
        key = canonical(intake.questionnaire)
        known = key in outbox.questionnaires_sent(self.store.root)
        first = outbox.sent(self.store.root, record_id) is None
        return delivery_bundle(intake, questionnaire, first=first,
                               with_questionnaire=not known), None if known else key

    def _settle(self, record_id: str, owing: outbox.Owed, bundle: dict[str, object],
                questionnaire_key: str | None, answer: Answer) -> None:
        root = self.store.root
        with self.store.locked():
            if answer.outcome == "sent":
                ids = server_ids(bundle, answer.body)
                outbox.settle_sent(root, record_id, owing.change, ids,
                                   erased=owing.erase is not None)
                if questionnaire_key and ids.get("Questionnaire"):
                    outbox.note_questionnaire(root, questionnaire_key, ids["Questionnaire"][0])
            else:
                failed = answer.outcome == "failed"
                outbox.settle_unsent(
                    root, record_id, owing.change, failed=failed,
                    next_try=None if failed else backoff(owing.attempts + 1, answer.retry_after),
                    status=answer.status, issues=answer.issues,
                    error=self.store.seal_text(answer.error) if answer.error else None)
        outcome = "sent" if answer.outcome == "sent" else \
            "failed" if answer.outcome == "failed" else "will retry"
        self.store.record_audit(AuditEvent(
            actor=ACTOR, action="push", record_id=record_id,
            detail=f"{'erasure' if owing.erase else 'change'} {owing.change}: {outcome}"
                   f"{f'; {answer.why}' if answer.outcome != 'sent' else ''}"))


def _why(owing: outbox.Owed) -> str:
    if owing.failed:
        codes = ", ".join(f"{issue.severity} {issue.code}" for issue in owing.issues)
        return f"refused: HTTP {owing.status}" + (f" ({codes})" if codes else "") + \
            "; fix the cause, then 'kiosk push --retry CODE'"
    if owing.next_try is not None:
        return f"next try {owing.next_try.astimezone().strftime('%H:%M:%S')}"
    return ""


class BackgroundPusher:
    """Pushes due records every few seconds for as long as the process runs."""

    def __init__(self, pusher: Pusher, every: float = 5.0) -> None:
        self.pusher = pusher
        self.every = every

    async def run(self) -> None:
        while True:  # until the task is cancelled
            try:
                tried = await self.pusher.push_owed(now_ignoring_backoff=False)
            except PushBusy:
                tried = []  # `kiosk push` is at it: next round
                sent = sum(1 for one in tried if one.state == "sent")
                if sent:
                    log.info("sent %d record(s) to the FHIR server", sent)
            except Exception as error:  # noqa: BLE001 - a bad moment must not stop the loop
                log.warning("pushing to the FHIR server stopped for now: %s",
                            type(error).__name__)
            await asyncio.sleep(self.every)

    def start(self) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(self.run(), name="fhir-push")


def background_pusher(store: Store) -> BackgroundPusher | None:
    """The pusher a long-running process starts when the settings name a FHIR server
    (None when they do not); a sign-in setting half there is said once, in one line."""
    from kiosk.config import load_settings
    from kiosk.interop.fhir_settings import fhir_target

    try:
        target = fhir_target(load_settings(store.root))
    except KioskError as error:
        print(f"Not sending intakes to the FHIR server: {error}", flush=True)
        return None
    return None if target is None else BackgroundPusher(Pusher(store, target))
