"""How long one save and one lookup by id take as the store fills up, next to plain TinyDB.

Run: ``.venv/bin/python bench/store.py`` (about a minute; ``--quick`` for a smoke run).

Records are real intakes of the bundled questionnaire (complete answers, with the
free-text answers a talkative patient gives) of about 3.5 KB each, spread over past
clinic days at 30 intakes a day. Measured saves go to later days, 30 a day, so
every size meets the same day files; saves and lookups are taken round-robin over
the sizes, so background load on a shared machine hits every size alike. Plain
TinyDB is one file with its default JSONStorage, as the issue measured it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the shared complete-answers fixture

from answers_fixture import complete_answers  # noqa: E402

from kiosk.ids import new_record_id, new_short_code  # noqa: E402
from kiosk.intake import Intake, build_intake  # noqa: E402
from kiosk.loader import load_questionnaire  # noqa: E402
from kiosk.paths import BUNDLED_QUESTIONNAIRE  # noqa: E402
from kiosk.questionnaire import Questionnaire  # noqa: E402
from kiosk.storage.files import encode, ensure_private_dir, write_durably  # noqa: E402
from kiosk.storage.layout import (  # noqa: E402
    CODE_INDEX,
    ID_INDEX,
    QUESTIONNAIRES,
    RECORDS,
    day_file,
    index_file,
)
from kiosk.store import Store  # noqa: E402

SIZES = (0, 1_000, 10_000, 50_000)
PER_DAY = 30
TARGET_BYTES = 3_500
START = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
Results = dict[int, dict[str, tuple[float, float]]]  # size -> operation -> (median, p95) ms


def template_intake(questionnaire: Questionnaire) -> dict[str, Any]:
    """One real intake of about 3.5 KB, as stored (JSON-native)."""
    answers = complete_answers()
    story = ("Sitting for more than an hour at work makes it ache, and bending to lift the "
             "laundry basket gives a sharp twinge on the right. ")
    for item_id in ("worse_with", "eased_by"):
        answers[item_id] = story * 4
    intake = build_intake(questionnaire, answers)
    document = intake.model_dump(mode="json")
    size = len(encode(document))
    document["answers"]["worse_with"] += "x" * max(0, TARGET_BYTES - size)
    Intake.model_validate(document)
    return document


def clone(template: dict[str, Any], moment: dt.datetime) -> dict[str, Any]:
    document = dict(template)
    document.update(id=new_record_id(), short_code=new_short_code(),
                    created_at=(moment - dt.timedelta(minutes=12)).isoformat(),
                    submitted_at=moment.isoformat())
    return document


def moments(count: int, first_day: dt.datetime, step: int) -> list[dt.datetime]:
    """``count`` submission times, 30 a clinic day, days walking by ``step`` from ``first_day``."""
    return [first_day + dt.timedelta(days=step * (n // PER_DAY), minutes=15 * (n % PER_DAY))
            for n in range(count)]


def fill_store(root: Path, questionnaire: Questionnaire, template: dict[str, Any],
               count: int) -> list[str]:
    """Write ``count`` past records straight into day files and index buckets (bulk path)."""
    Store(root)
    ensure_private_dir(root / QUESTIONNAIRES)
    write_durably(root / QUESTIONNAIRES / f"{questionnaire.content_hash}.json",
                  encode(questionnaire.model_dump(mode="json")))
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    id_buckets: dict[Path, dict[str, str]] = defaultdict(dict)
    code_buckets: dict[Path, dict[str, str]] = defaultdict(dict)
    for moment in moments(count, START - dt.timedelta(days=1), step=-1):
        document = clone(template, moment)
        day = moment.date().isoformat()
        days[day].append(document)
        id_buckets[index_file(root, ID_INDEX, document["id"])][document["id"]] = day
        code_buckets[index_file(root, CODE_INDEX, document["short_code"])][
            document["short_code"]] = document["id"]
    for day, documents in days.items():
        path = day_file(root, RECORDS, day)
        ensure_private_dir(path.parent)
        write_durably(path, encode({"intakes": {str(n): d for n, d in
                                                enumerate(documents, start=1)}}))
    for buckets in (id_buckets, code_buckets):
        for path, entries in buckets.items():
            ensure_private_dir(path.parent)
            write_durably(path, encode(entries))
    return [document["id"] for documents in days.values() for document in documents]


def fill_tinydb(path: Path, template: dict[str, Any], count: int) -> list[str]:
    documents = [clone(template, moment)
                 for moment in moments(count, START - dt.timedelta(days=1), step=-1)]
    path.write_text(json.dumps({"_default": {str(n): d for n, d in
                                             enumerate(documents, start=1)}}))
    return [document["id"] for document in documents]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def bench_stores(work: Path, questionnaire: Questionnaire, template: dict[str, Any],
                 sizes: tuple[int, ...], samples: int) -> Results:
    """Saves, then lookups, taken round-robin over the sizes so background load hits all alike."""
    stores: dict[int, Store] = {}
    stored: dict[int, list[str]] = {}
    for count in sizes:
        root = work / f"store-{count}"
        stored[count] = fill_store(root, questionnaire, template, count)
        stores[count] = Store(root)  # one long-lived instance, as a kiosk or the viewer holds
        print(f"  filled a store with {count:,} records", file=sys.stderr, flush=True)
    saves: dict[int, list[float]] = defaultdict(list)
    lookups: dict[int, list[float]] = defaultdict(list)
    order = list(sizes)
    for moment in moments(samples, START, step=1):
        random.shuffle(order)
        for count in order:
            intake = Intake.model_validate(clone(template, moment))
            saves[count].append(timed(lambda s=stores[count], i=intake:
                                      s.save_intake(i, questionnaire)))
            stored[count].append(intake.id)
    picks = {count: random.sample(stored[count], samples) for count in sizes}
    for n in range(samples):
        random.shuffle(order)
        for count in order:
            lookups[count].append(timed(lambda s=stores[count], rid=picks[count][n]:
                                        s.get_intake(rid)))
    return {count: {"save": summary(saves[count]), "lookup": summary(lookups[count])}
            for count in sizes}


def bench_tinydb(work: Path, template: dict[str, Any], count: int,
                 samples: int) -> dict[str, tuple[float, float]]:
    """Plain TinyDB, one size at a time (its operations take up to seconds)."""
    path = work / f"tinydb-{count}.json"
    stored = fill_tinydb(path, template, count)
    saves, lookups = [], []
    with TinyDB(path) as db:
        for moment in moments(samples, START, step=1):
            document = clone(template, moment)
            saves.append(timed(lambda document=document: db.insert(document)))
            stored.append(document["id"])
        for rid in random.sample(stored, min(samples, len(stored))):
            lookups.append(timed(lambda rid=rid: db.search(Query().id == rid)))
    path.unlink()
    return {"save": summary(saves), "lookup": summary(lookups)}


def tinydb_samples(count: int, quick: bool) -> int:
    """Plain TinyDB reads and rewrites its whole file per operation: fewer samples when big."""
    if quick:
        return 5
    return {0: 50, 1_000: 50, 10_000: 10}.get(count, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples, up to 10,000")
    parser.add_argument("--samples", type=int, default=300, help="samples per size (store)")
    args = parser.parse_args()
    sizes = SIZES[:3] if args.quick else SIZES
    samples = 50 if args.quick else args.samples
    random.seed(7)
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    template = template_intake(questionnaire)
    print(f"records of {len(encode(template)):,} bytes, {PER_DAY} intakes a clinic day; "
          f"store: {samples} saves and lookups per size; plain TinyDB: "
          f"{', '.join(f'{tinydb_samples(n, args.quick)} at {n:,}' for n in sizes)}")
    results: dict[str, Results] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=REPO / "bench") as tmp:
        work = Path(tmp)
        results["store"] = bench_stores(work, questionnaire, template, sizes, samples)
        results["tinydb"] = {}
        for count in sizes:
            results["tinydb"][count] = bench_tinydb(work, template, count,
                                                    tinydb_samples(count, args.quick))
            print(f"  measured plain TinyDB at {count:,} records", file=sys.stderr, flush=True)
    print_table(results, sizes)


def print_table(results: dict[str, Results], sizes: tuple[int, ...]) -> None:
    print()
    print("| records stored | store save median / p95 (ms) | store lookup median / p95 (ms) "
          "| plain TinyDB save median / p95 (ms) | plain TinyDB lookup median / p95 (ms) |")
    print("|---:|---:|---:|---:|---:|")
    for count in sizes:
        cells = [f"{results[kind][count][op][0]:.2f} / {results[kind][count][op][1]:.2f}"
                 for kind in ("store", "tinydb") for op in ("save", "lookup")]
        print(f"| {count:,} | " + " | ".join(cells) + " |")
    largest = sizes[-1]
    print()
    for kind, name in (("store", "store"), ("tinydb", "plain TinyDB")):
        ratios = [results[kind][largest][op][0] / results[kind][0][op][0]
                  for op in ("save", "lookup")]
        print(f"{name}: median at {largest:,} / median at 0 records: save {ratios[0]:.2f}, "
              f"lookup {ratios[1]:.2f}")


if __name__ == "__main__":
    main()
