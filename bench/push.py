"""How fast the outbox reaches a FHIR server: 1,000 intakes pushed to the in-process test
server (tests/fhir_server.py) over real HTTP on loopback, and what queueing adds to a save.

Run: ``.venv/bin/python bench/push.py`` (about a minute; ``--count N`` for another size).

- queueing: the same saves with the outbox off and on (one bucket file more per save);
- a push of every record (one transaction each, 4 in flight), with the server checking
  each resource with fhir.resources as the tests do, and without (the kiosk's own cost);
- a second push, which finds nothing owed and sends nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests"))  # the test FHIR server and its checks

from answers_fixture import complete_answers  # noqa: E402
from fhir_server import running_fhir_server  # noqa: E402

from kiosk.intake import build_intake  # noqa: E402
from kiosk.interop.fhir_push import Pusher  # noqa: E402
from kiosk.interop.fhir_settings import FhirTarget  # noqa: E402
from kiosk.paths import BUNDLED_QUESTIONNAIRE  # noqa: E402
from kiosk.questionnaire.loader import load_questionnaire  # noqa: E402
from kiosk.questionnaire.model import Questionnaire  # noqa: E402
from kiosk.storage import outbox  # noqa: E402
from kiosk.store import Store  # noqa: E402

FLAGGED = {"needle_fear": True, "blood_thinners": True, "blood_thinner_name": ["warfarin"]}


def save_many(store: Store, questionnaire: Questionnaire, count: int) -> list[float]:
    """Save ``count`` intakes (every third with two flags); each save's seconds."""
    took = []
    for n in range(count):
        answers = complete_answers() | (FLAGGED if n % 3 == 0 else {})
        name = f"Bench Person {n // 4}"  # 4 visits a patient
        answers["full_name"] = name
        answers["consent"] = {**answers["consent"], "name": name}
        intake = build_intake(questionnaire, answers)
        started = time.perf_counter()
        store.save_intake(intake, questionnaire)
        took.append(time.perf_counter() - started)
    return took


def push_all(store: Store, url: str, at_once: int) -> tuple[float, int]:
    pusher = Pusher(store, FhirTarget(url, "none"), at_once=at_once)
    started = time.perf_counter()
    tried = asyncio.run(pusher.push_owed(now_ignoring_backoff=True))
    return time.perf_counter() - started, sum(1 for one in tried if one.state == "sent")


def reset_outbox(store: Store, record_ids: list[str]) -> None:
    """Owe every record again, as if never sent (the server keeps what it has)."""
    import shutil
    shutil.rmtree(store.root / outbox.OUTBOX)
    outbox.switch_on_outbox(store.root)
    with store.locked():
        for record_id in record_ids:
            outbox.queue_ids(store.root, [record_id])


def push_forever(count: int) -> None:
    """Save ``count`` intakes, then push them to a validating test server again and again,
    as a viewer does in the background (for ``bench/tui.py --push-ab``); until killed."""
    import signal

    # Stopped with SIGTERM: leave through the with-blocks, so the scratch folder goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=BENCH) as tmp:
        store = Store(Path(tmp) / "pushing")
        outbox.switch_on_outbox(store.root)
        save_many(store, questionnaire, count)
        record_ids = list(outbox.owed(store.root))
        with running_fhir_server(validating=True) as server:
            print("pushing", flush=True)
            while True:
                reset_outbox(store, record_ids)
                push_all(store, f"{server.url}/fhir", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000)
    parser.add_argument("--forever", action="store_true",
                        help="push again and again until killed (bench/tui.py --push-ab)")
    args = parser.parse_args()
    if args.forever:
        push_forever(min(args.count, 200))
        return
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=BENCH) as tmp:
        off = Store(Path(tmp) / "off")
        on = Store(Path(tmp) / "on")
        outbox.switch_on_outbox(on.root)
        sample = min(args.count, 300)
        save_off: list[float] = []
        save_on: list[float] = []
        for _ in range(sample // 10):  # interleaved, so the disk's moods hit both alike
            save_off += save_many(off, questionnaire, 10)
            save_on += save_many(on, questionnaire, 10)
        save_many(on, questionnaire, args.count - len(save_on))
        print(f"save, outbox off: median {statistics.median(save_off) * 1000:.2f} ms; "
              f"on: {statistics.median(save_on) * 1000:.2f} ms ({len(save_on)} saves each)")
        record_ids = list(outbox.owed(on.root))
        for validating in (True, False):
            with running_fhir_server(validating=validating) as server:
                for at_once in (1, 4):
                    reset_outbox(on, record_ids)
                    seconds, sent = push_all(on, f"{server.url}/fhir", at_once)
                    label = "server validates" if validating else "no server checks"
                    print(f"push {sent} records, {at_once} in flight, {label}: {seconds:.2f} s, "
                          f"{sent / seconds:.0f} records/s, "
                          f"{seconds / max(sent, 1) * 1000:.1f} ms each")
                started = time.perf_counter()
                _, again = push_all(on, f"{server.url}/fhir", 4)
                print(f"  a second push: {again} sent in "
                      f"{(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
