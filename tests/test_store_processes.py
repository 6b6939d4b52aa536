"""Several processes on one store: crashes at any instant, writers at once, long-lived readers."""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_store_helpers import (
    intake,
    small_questionnaire,
    start_worker,
    write_small_questionnaire,
)

from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import AuditEvent, Draft, Store

CRASH_ROUNDS = 40


Launch = Callable[..., "subprocess.Popen[str]"]


@pytest.fixture
def launch() -> Iterator[Launch]:
    """Start worker processes; any still running when the test ends (it failed) are killed."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: Any) -> subprocess.Popen[str]:
        worker = start_worker(*args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()


def wait_ready(worker: subprocess.Popen[str]) -> None:
    assert worker.stdout is not None
    line = worker.stdout.readline()
    if line.strip() != "ready":
        worker.kill()
        raise AssertionError(f"worker did not start: {line!r} {worker.communicate()[1]}")


def acknowledged(output: str) -> list[tuple[str, str]]:
    """(record id, short code) of every save the worker saw return, from its stdout."""
    found = []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and len(parts[0]) == 26:
            found.append((parts[0], parts[1]))
    return found


def write_until_killed(store: Store, questionnaire: Questionnaire, out: int) -> None:
    """The crash test's writer: saves, drafts, audit events, documents, reviews, forever.

    Each line it writes to ``out`` is an acknowledgement: the save had returned.
    """
    os.write(out, b"ready\n")
    for n in itertools.count():
        record = intake(questionnaire, f"Patient {n}", blood_thinners=n % 2 == 0)
        store.save_intake(record, questionnaire)
        os.write(out, f"{record.id} {record.short_code}\n".encode())
        store.save_draft(Draft(station="tablet", questionnaire=record.questionnaire,
                               language="en", answers={"n": n}, section_index=n % 3))
        store.record_audit(AuditEvent(actor="kiosk:tablet", action="submit",
                                      record_id=record.id))
        store.update_document("counter", lambda d: d.update(count=d.get("count", 0) + 1))
        if n % 4 == 3:
            store.mark_reviewed(record.id, "dr.lee")


Writer = Callable[[Store, Questionnaire, int], None]


def run_and_kill(data: Path, questionnaire: Questionnaire, after: float,
                 writer: Writer = write_until_killed) -> str:
    """Fork a writer (cheap, so many rounds fit in seconds), SIGKILL it, return its output."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            writer(Store(data), questionnaire, write_end)
        finally:
            os._exit(1)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as output:
        first = output.readline()
        # Once the first save is acknowledged the writer is in its loop, wherever the
        # machine's load has it: the kill lands among its writes, however slow they are.
        acknowledged_first = output.readline()
        time.sleep(after)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        rest = output.read()
    assert first == b"ready\n" and os.WIFSIGNALED(status), (first, rest)
    return (acknowledged_first + rest).decode()


def test_killing_a_writer_at_any_instant_loses_no_acknowledged_record(tmp_path: Path) -> None:
    questionnaire = small_questionnaire(tmp_path)
    data = tmp_path / "data"
    rng = random.Random()
    saved: list[tuple[str, str]] = []
    for _ in range(CRASH_ROUNDS):
        saved += acknowledged(run_and_kill(data, questionnaire, rng.uniform(0.0, 0.06)))

    store = Store(data)  # the store still opens, and every file in it reads
    listed = {record.id: record for record in store.list_intakes()}
    for record_id, short_code in saved:
        assert record_id in listed
        assert store.get_intake(record_id).short_code == short_code
        assert store.get_intake(short_code).id == record_id
    for record in listed.values():  # nothing is listed that cannot be opened
        assert store.get_intake(record.short_code).id == record.id
    assert len(store.audit_events()) >= len(saved) - CRASH_ROUNDS
    assert store.load_draft("tablet") is not None
    assert store.read_document("counter")["count"] >= len(saved) - CRASH_ROUNDS
    store.save_intake(intake(questionnaire, "After The Crash"), questionnaire)


def test_four_writers_at_once_lose_nothing(tmp_path: Path, launch: Launch) -> None:
    questionnaire_path = write_small_questionnaire(tmp_path)
    data = tmp_path / "data"
    go = tmp_path / "go"
    savers = [launch(tmp_path, data, questionnaire_path, "save", 15, str(go))
              for _ in range(2)]
    counters = [launch(tmp_path, data, questionnaire_path, "count", 25, str(go))
                for _ in range(2)]
    for worker in savers + counters:
        wait_ready(worker)
    go.touch()  # all four start writing at the same moment
    outputs = [worker.communicate(timeout=60) for worker in savers + counters]
    assert [worker.returncode for worker in savers + counters] == [0, 0, 0, 0], outputs
    saved = [pair for output, _ in outputs[:2] for pair in acknowledged(output)]
    assert len(saved) == 30
    store = Store(data)
    assert sorted(record.id for record in store.list_intakes()) == sorted(i for i, _ in saved)
    assert len({code for _, code in saved}) == 30
    assert store.read_document("counter") == {"count": 50}
    counted = sorted(int(line.split()[1]) for output, _ in outputs[2:]
                     for line in output.splitlines() if line.startswith("counted"))
    assert counted == list(range(1, 51))  # every increment saw the one before it


@pytest.mark.parametrize("action", ["save", "review"])
def test_a_long_lived_store_sees_what_another_process_wrote(tmp_path: Path, action: str,
                                                            launch: Launch) -> None:
    questionnaire_path = write_small_questionnaire(tmp_path)
    questionnaire = load_questionnaire(questionnaire_path)
    data = tmp_path / "data"
    store = Store(data)  # like the viewer: opened once, used all day
    mine = intake(questionnaire)
    store.save_intake(mine, questionnaire)
    assert store.get_intake(mine.id).status == "submitted"  # warms any cache there might be

    extra = (mine.id,) if action == "review" else ()
    worker = launch(tmp_path, data, questionnaire_path, action, 1, *extra)
    output, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors
    if action == "review":
        assert store.get_intake(mine.id).status == "reviewed"
        assert store.list_intakes(status="reviewed")[0].id == mine.id
        return
    (theirs, _), = acknowledged(output)
    assert store.get_intake(theirs).id == theirs
    assert {record.id for record in store.list_intakes()} == {mine.id, theirs}
    # Our next save goes into the same day's file the other process just wrote:
    # a stale TinyDB next-id would clash with (or overwrite) their record.
    later = intake(questionnaire, "Bo Li")
    store.save_intake(later, questionnaire)
    assert {record.id for record in store.list_intakes()} == {mine.id, theirs, later.id}
