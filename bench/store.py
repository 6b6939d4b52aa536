"""How long one save and one lookup by id take as the store fills up, next to plain TinyDB,
what linking one patient's visits adds to a save, and an import of 20,000 intakes that
all land on one day.

Run: ``.venv/bin/python bench/store.py`` (a few minutes; ``--quick`` for a smoke run,
``--one-day-only`` for the import case alone).

Records are real intakes of the bundled questionnaire (complete answers, with the
free-text answers a talkative patient gives) of about 3.5 KB each, spread over past
clinic days at 30 intakes a day. Patients come for a course of 4 visits, so stored
records belong to one patient per 4, with the patient index filled to match. Measured
saves go to later days, 30 a day, so every size meets the same day files; one in 4 is a
new patient and the others return (patients of the store, or of the bench's own saves
in the empty store). Each save with linking is paired with one without (the same save
minus the patient index: what a save cost before linking), and saves, lookups and
history lookups are taken round-robin over the sizes, so background load on a shared
machine hits every size alike. Plain TinyDB is one file with its default JSONStorage,
as the issue measured it.

The one-day import saves 20,000 intakes submitted on one day, one by one through the
store as ``kiosk submit`` does (each linked, 4 visits a patient), into a store holding
one clinic day of 30: its total time, and the per-save pace over the first and the last
500. Then lookups by id into the import's day and into the day of 30, taken in turn.

Sealed saves: once the clinic has keys a kiosk holds the public key only, so it seals
each record and, unable to link it, notes it as waiting; the unlocked viewer links it
later (``Store.link_waiting``). Two stores of 10,000 (1,000 with ``--quick``) hold the
same kind of records, one in clear and one set up with keys and sealed in place as the
first ``kiosk staff add`` does; each clear save with linking is paired with a sealed
kiosk-side save, in alternating order. Then a store holding the clinic's key links what
the sealed saves left waiting, timed as a whole: records linked a second. The one-day
import is also run into a sealed store (kiosk-side, as ``kiosk submit`` saves there;
1,000 with ``--quick``), and what it left waiting is linked the same way.
``--sealed-only`` runs these alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the shared complete-answers fixture

from answers_fixture import complete_answers  # noqa: E402

from kiosk.ids import new_patient_id, new_record_id, new_short_code  # noqa: E402
from kiosk.intake import Intake, build_intake  # noqa: E402
from kiosk.keys.keyring import ClinicKey  # noqa: E402
from kiosk.paths import BUNDLED_QUESTIONNAIRE  # noqa: E402
from kiosk.patients import link_key  # noqa: E402
from kiosk.questionnaire.loader import load_questionnaire  # noqa: E402
from kiosk.questionnaire.model import Questionnaire  # noqa: E402
from kiosk.storage import patients, records  # noqa: E402
from kiosk.storage.files import encode, ensure_private_dir, write_durably  # noqa: E402
from kiosk.storage.layout import (  # noqa: E402
    CODE_INDEX,
    ID_INDEX,
    PATIENT_KEYS_INDEX,
    PATIENT_VISITS_INDEX,
    QUESTIONNAIRES,
    RECORDS,
    day_file,
    index_file,
)
from kiosk.storage.sealing_migration import seal_in_place  # noqa: E402
from kiosk.store import Store  # noqa: E402

SIZES = (0, 1_000, 10_000, 50_000)
PER_DAY = 30
VISITS_PER_PATIENT = 4
TARGET_BYTES = 3_500
START = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
ONE_DAY_IMPORT = 20_000
PACE_WINDOW = 500
SEALED_SIZE = 10_000
STAFF = ("bench", "bench password 1")
Results = dict[int, dict[str, tuple[float, float]]]  # size -> operation -> (median, p95) ms


class People:
    """Who each record is: patient n has its own name and birth date, and a patient id."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def add(self) -> int:
        self.ids.append(new_patient_id())
        return len(self.ids) - 1

    @staticmethod
    def name(n: int) -> str:
        return f"Ana María López {n}"

    @staticmethod
    def birth_date(n: int) -> str:
        return (dt.date(1940, 1, 1) + dt.timedelta(days=n % 25_000)).isoformat()


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


_CODES_DRAWN: set[str] = set()  # a save never gives two records one code; nor does the fill


def unused_short_code() -> str:
    code = new_short_code()
    while code in _CODES_DRAWN:
        code = new_short_code()
    _CODES_DRAWN.add(code)
    return code


def clone(template: dict[str, Any], moment: dt.datetime, person: int,
          patient: str | None) -> dict[str, Any]:
    """A copy of the template by patient ``person`` (``patient``: the stored patient id,
    or None for a record the store is yet to link)."""
    document = dict(template)
    document["answers"] = {**template["answers"], "full_name": People.name(person),
                           "date_of_birth": People.birth_date(person)}
    document.update(id=new_record_id(), short_code=unused_short_code(),
                    created_at=(moment - dt.timedelta(minutes=12)).isoformat(),
                    submitted_at=moment.isoformat(), patient=patient)
    return document


def moments(count: int, first_day: dt.datetime, step: int) -> list[dt.datetime]:
    """``count`` submission times, 30 a clinic day, days walking by ``step`` from ``first_day``."""
    return [first_day + dt.timedelta(days=step * (n // PER_DAY), minutes=15 * (n % PER_DAY))
            for n in range(count)]


def fill_store(root: Path, questionnaire: Questionnaire, template: dict[str, Any],
               count: int, people: People) -> list[str]:
    """Write ``count`` past records straight into day files and index buckets (bulk path),
    4 visits a patient, with the patient index as the store would have made it."""
    store = Store(root)
    with store.locked():
        secret = patients.load_secret(root)
    ensure_private_dir(root / QUESTIONNAIRES)
    write_durably(root / QUESTIONNAIRES / f"{questionnaire.content_hash}.json",
                  encode(questionnaire.model_dump(mode="json")))
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    id_buckets: dict[Path, dict[str, str]] = defaultdict(dict)
    code_buckets: dict[Path, dict[str, str]] = defaultdict(dict)
    key_buckets: dict[Path, dict[str, str]] = defaultdict(dict)
    visit_buckets: dict[Path, dict[str, list[str]]] = defaultdict(dict)
    for n, moment in enumerate(moments(count, START - dt.timedelta(days=1), step=-1)):
        person = people.add() if n % VISITS_PER_PATIENT == 0 else len(people.ids) - 1
        patient = people.ids[person]
        document = clone(template, moment, person, patient)
        day = moment.date().isoformat()
        days[day].append(document)
        id_buckets[index_file(root, ID_INDEX, document["id"])][document["id"]] = day
        code_buckets[index_file(root, CODE_INDEX, document["short_code"])][
            document["short_code"]] = document["id"]
        key = link_key(secret, People.name(person), People.birth_date(person))
        assert key is not None
        key_buckets[index_file(root, PATIENT_KEYS_INDEX, key)][key] = patient
        visit_buckets[index_file(root, PATIENT_VISITS_INDEX, patient)].setdefault(
            patient, []).append(document["id"])
    for day, documents in days.items():
        path = day_file(root, RECORDS, day)
        ensure_private_dir(path.parent)
        write_durably(path, encode({"intakes": {str(n): d for n, d in
                                                enumerate(documents, start=1)}}))
    buckets: dict[Path, Any]
    for buckets in (id_buckets, code_buckets, key_buckets, visit_buckets):
        for path, entries in buckets.items():
            ensure_private_dir(path.parent)
            write_durably(path, encode(entries))
    return [document["id"] for documents in days.values() for document in documents]


def fill_tinydb(path: Path, template: dict[str, Any], count: int) -> list[str]:
    documents = [clone(template, moment, n // VISITS_PER_PATIENT, None) for n, moment in
                 enumerate(moments(count, START - dt.timedelta(days=1), step=-1))]
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
    """Saves with and without linking, then lookups and history lookups, taken round-robin
    over the sizes so background load hits all alike."""
    stores: dict[int, Store] = {}
    stored: dict[int, list[str]] = {}
    people: dict[int, People] = {}
    for count in sizes:
        root = work / f"store-{count}"
        people[count] = People()
        stored[count] = fill_store(root, questionnaire, template, count, people[count])
        stores[count] = Store(root)  # one long-lived instance, as a kiosk or the viewer holds
        print(f"  filled a store with {count:,} records", file=sys.stderr, flush=True)
    times: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    linked_patients: dict[int, set[str]] = {count: set(people[count].ids) for count in sizes}
    order = list(sizes)
    for n, moment in enumerate(moments(samples, START, step=1)):
        random.shuffle(order)
        for count in order:
            store, crowd = stores[count], people[count]
            linked = Intake.model_validate(clone(template, moment, visitor(crowd, n), None))
            unlinked = Intake.model_validate(clone(template, moment, visitor(crowd, n),
                                                   new_patient_id()))
            steps = [("save", linked, partial(store.save_intake, linked, questionnaire)),
                     ("save unlinked", unlinked, partial(save_unlinked, store, unlinked))]
            for name, intake, step in (steps if n % 2 else steps[::-1]):
                times[name][count].append(timed(step))
                stored[count].append(intake.id)
            assert linked.patient is not None
            linked_patients[count].add(linked.patient)
    picks = {count: random.sample(stored[count], samples) for count in sizes}
    patient_picks = {count: random.choices(sorted(linked_patients[count]), k=samples)
                     for count in sizes}
    for n in range(samples):
        random.shuffle(order)
        for count in order:
            times["lookup"][count].append(timed(partial(stores[count].get_intake,
                                                        picks[count][n])))
            times["history"][count].append(timed(partial(stores[count].patient_visits,
                                                         patient_picks[count][n])))
    results: Results = {count: {name: summary(times[name][count]) for name in times}
                        for count in sizes}
    for count in sizes:  # what linking adds: the median of the paired differences
        paired = [with_link - without for with_link, without in
                  zip(times["save"][count], times["save unlinked"][count], strict=True)]
        results[count]["linking"] = summary(paired)
    return results


def visitor(people: People, n: int) -> int:
    """Who comes in: one in 4 a new patient, the others a patient who came before."""
    if n % VISITS_PER_PATIENT == 0 or not people.ids:
        return people.add()
    return random.randrange(len(people.ids))


def save_unlinked(store: Store, intake: Intake) -> None:
    """A save as it was before linking: the record and its id and code indexes, under the
    lock, nothing of the patient index (the questionnaire is already kept)."""
    with store.locked():
        records.save(store.root, intake, codec=store.codec())


def bench_one_day_import(work: Path, questionnaire: Questionnaire, template: dict[str, Any],
                         count: int, samples: int, sealed: bool = False) -> dict[str, Any]:
    """``count`` saves all submitted on one day, then lookups there and in a day of 30.
    ``sealed``: into a store with keys, by a kiosk-side store (each save sealed and left
    waiting), then linked by a store holding the key before the lookups."""
    root = work / ("one-day-sealed" if sealed else "one-day")
    people = People()
    usual_day = fill_store(root, questionnaire, template, PER_DAY, people)
    key = seal_store(root) if sealed else None
    store = Store(root)
    step = dt.timedelta(hours=15) / count  # every one between 08:00 and 23:00 of one day
    paces: list[float] = []
    imported: list[str] = []
    started = time.perf_counter()
    for n in range(count):
        person = people.add() if n % VISITS_PER_PATIENT == 0 else len(people.ids) - 1
        intake = Intake.model_validate(clone(template, START + n * step, person, None))
        paces.append(timed(partial(store.save_intake, intake, questionnaire)))
        imported.append(intake.id)
        if n % 2_000 == 1_999:
            print(f"  imported {n + 1:,}", file=sys.stderr, flush=True)
    total = time.perf_counter() - started
    found: dict[str, Any] = {"sealed": sealed, "load": load_average()}
    if key is not None:
        store = Store(root)
        store.unlock(key)
        found["link"] = timed_link(store, count)
    lookups: dict[str, list[float]] = defaultdict(list)
    for big, usual in zip(random.choices(imported, k=samples),
                          random.choices(usual_day, k=samples), strict=True):
        lookups["import day"].append(timed(partial(store.get_intake, big)))
        lookups["day of 30"].append(timed(partial(store.get_intake, usual)))
    day = START.date().isoformat()
    parts = sum(1 for place, _ in records.record_files(root) if place.startswith(day))
    largest = max(path.stat().st_size for _, path in records.record_files(root))
    found.update({"count": count, "total": total, "parts": parts, "largest": largest,
                  "first": summary(paces[:PACE_WINDOW]), "last": summary(paces[-PACE_WINDOW:]),
                  "import day": summary(lookups["import day"]),
                  "day of 30": summary(lookups["day of 30"])})
    return found


def print_one_day_import(found: dict[str, Any]) -> None:
    kind = "sealed one-day import (kiosk-side: no linking)" if found["sealed"] \
        else "one-day import"
    print()
    print(f"{kind}: {found['count']:,} saves in {found['total']:.1f} s "
          f"({found['count'] / found['total']:.0f} a second) into {found['parts']} parts of "
          f"at most {records.PART_SIZE} (largest records file {found['largest'] / 1e3:.0f} KB)"
          f"; {found['load']} at its end")
    if "link" in found:
        print_link(found["link"])
    print()
    print(f"| {kind} | median / p95 (ms) |")
    print("|---|---:|")
    for label, key in ((f"save, first {PACE_WINDOW:,}", "first"),
                       (f"save, last {PACE_WINDOW:,}", "last"),
                       ("lookup in the import's day", "import day"),
                       (f"lookup in a day of {PER_DAY}", "day of 30")):
        median, p95 = found[key]
        print(f"| {label} | {median:.2f} / {p95:.2f} |")


# --- sealed saves ---------------------------------------------------------------------------

def seal_store(root: Path) -> ClinicKey:
    """Set up the clinic's key as the first ``kiosk staff add`` does (the store's link
    secret sealed in) and seal the records already there; the opened key."""
    store = Store(root)
    with store.locked():
        key, _code = store.keys.set_up(*STAFF, patients.load_secret(root))
    seal_in_place(store)
    return key


def timed_link(store: Store, waiting: int) -> tuple[int, float]:
    """Link everything waiting, as the unlocked viewer does; (records linked, seconds)."""
    started = time.perf_counter()
    linked = store.link_waiting()
    took = time.perf_counter() - started
    if linked != waiting:
        raise SystemExit(f"link_waiting linked {linked} records, not the {waiting} waiting")
    return linked, took


def print_link(link: tuple[int, float]) -> None:
    linked, took = link
    print(f"link_waiting by a store holding the key: {linked:,} records in {took:.1f} s "
          f"({linked / took:.0f} a second, {took / linked * 1000:.2f} ms each); "
          f"{load_average()}")


def bench_sealed_saves(work: Path, questionnaire: Questionnaire, template: dict[str, Any],
                       size: int, samples: int) -> dict[str, Any]:
    """A clear save with linking paired with a sealed kiosk-side save (no linking, noted as
    waiting), two stores of ``size``; then the waiting records linked."""
    crowds = {"clear": People(), "sealed": People()}
    stores: dict[str, Store] = {}
    key: ClinicKey | None = None
    for kind, crowd in crowds.items():
        root = work / f"store-{size}-{kind}"
        fill_store(root, questionnaire, template, size, crowd)
        if kind == "sealed":
            key = seal_store(root)
        stores[kind] = Store(root)  # the sealed one: a kiosk's, the public key only
        print(f"  filled a {kind} store with {size:,} records", file=sys.stderr, flush=True)
    times: dict[str, list[float]] = defaultdict(list)
    for n, moment in enumerate(moments(samples, START, step=1)):
        steps = []
        for kind, crowd in crowds.items():
            intake = Intake.model_validate(clone(template, moment, visitor(crowd, n), None))
            steps.append((kind, partial(stores[kind].save_intake, intake, questionnaire)))
        for kind, step in (steps if n % 2 else steps[::-1]):
            times[kind].append(timed(step))
    assert key is not None
    viewer = Store(stores["sealed"].root)
    viewer.unlock(key)
    paired = [sealed - clear for sealed, clear in
              zip(times["sealed"], times["clear"], strict=True)]
    return {"size": size, "samples": samples, "clear": summary(times["clear"]),
            "sealed": summary(times["sealed"]), "difference": summary(paired),
            "load": load_average(), "link": timed_link(viewer, samples)}


def print_sealed_saves(found: dict[str, Any]) -> None:
    print()
    print(f"sealed saves: {found['samples']} pairs, stores of {found['size']:,} records; "
          f"{found['load']}")
    print()
    print("| save | median / p95 (ms) |")
    print("|---|---:|")
    for label, key in (("clear, with linking (as before keys)", "clear"),
                       ("sealed, kiosk-side (no linking, noted as waiting)", "sealed"),
                       ("sealed minus clear (paired)", "difference")):
        median, p95 = found[key]
        print(f"| {label} | {median:.2f} / {p95:.2f} |")
    print()
    print_link(found["link"])


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def bench_tinydb(work: Path, template: dict[str, Any], count: int,
                 samples: int) -> dict[str, tuple[float, float]]:
    """Plain TinyDB, one size at a time (its operations take up to seconds)."""
    path = work / f"tinydb-{count}.json"
    stored = fill_tinydb(path, template, count)
    saves, lookups = [], []
    with TinyDB(path) as db:
        for moment in moments(samples, START, step=1):
            document = clone(template, moment, 0, None)
            saves.append(timed(partial(db.insert, document)))
            stored.append(document["id"])
        for rid in random.sample(stored, min(samples, len(stored))):
            lookups.append(timed(partial(db.search, Query().id == rid)))
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
    parser.add_argument("--work", type=Path, default=REPO / "bench", metavar="DIR",
                        help="where the stores are made (a RAM disk such as /dev/shm shows "
                             "the cost of the work without the disk's)")
    parser.add_argument("--store-only", action="store_true",
                        help="skip plain TinyDB (its operations at 50,000 take seconds)")
    parser.add_argument("--one-day-only", action="store_true",
                        help=f"only the import of {ONE_DAY_IMPORT:,} intakes on one day")
    parser.add_argument("--sealed-only", action="store_true",
                        help="only sealed saves against clear ones, linking what they left "
                             "waiting, and the one-day import into a sealed store")
    parser.add_argument("--import-count", type=int, default=None, metavar="N",
                        help=f"how many the one-day import saves ({ONE_DAY_IMPORT:,})")
    parser.add_argument("--part-size", type=int, default=records.PART_SIZE, metavar="N",
                        help="records in one file of a day at most; a huge one shows the "
                             "store as it was before parts (one file a day)")
    args = parser.parse_args()
    records.PART_SIZE = args.part_size
    sizes = SIZES[:3] if args.quick else SIZES
    samples = 50 if args.quick else args.samples
    random.seed(7)
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    assert questionnaire.item_with_role("name") and questionnaire.item_with_role("birth_date")
    template = template_intake(questionnaire)
    imports = args.import_count or (2_000 if args.quick else ONE_DAY_IMPORT)
    if args.one_day_only:
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=args.work) as tmp:
            print_one_day_import(bench_one_day_import(Path(tmp), questionnaire, template,
                                                      imports, samples))
        return
    sealed_size = 1_000 if args.quick else SEALED_SIZE
    sealed_imports = args.import_count or (1_000 if args.quick else ONE_DAY_IMPORT)
    if args.sealed_only:
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=args.work) as tmp:
            run_sealed(Path(tmp), questionnaire, template, sealed_size, samples,
                       sealed_imports)
        return
    print(f"records of {len(encode(template)):,} bytes, {PER_DAY} intakes a clinic day; "
          f"{VISITS_PER_PATIENT} visits a patient; store: {samples} saves with and without "
          "linking, lookups and history lookups per size; plain TinyDB: "
          f"{', '.join(f'{tinydb_samples(n, args.quick)} at {n:,}' for n in sizes)}")
    results: dict[str, Results] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=args.work) as tmp:
        work = Path(tmp)
        results["store"] = bench_stores(work, questionnaire, template, sizes, samples)
        results["tinydb"] = {}
        for count in ([] if args.store_only else sizes):
            results["tinydb"][count] = bench_tinydb(work, template, count,
                                                    tinydb_samples(count, args.quick))
            print(f"  measured plain TinyDB at {count:,} records", file=sys.stderr, flush=True)
        one_day = bench_one_day_import(work, questionnaire, template, imports, samples)
        print_table(results, sizes)
        print_one_day_import(one_day)
        run_sealed(work, questionnaire, template, sealed_size, samples, sealed_imports)


def run_sealed(work: Path, questionnaire: Questionnaire, template: dict[str, Any], size: int,
               samples: int, imports: int) -> None:
    """Sealed saves against clear ones, then the one-day import into a sealed store."""
    print_sealed_saves(bench_sealed_saves(work, questionnaire, template, size, samples))
    print_one_day_import(bench_one_day_import(work, questionnaire, template, imports, samples,
                                              sealed=True))


def cells(results: dict[str, Results], kind: str, count: int, operations: tuple[str, ...],
          ) -> list[str]:
    found = results[kind].get(count, {})
    return [f"{found[op][0]:.2f} / {found[op][1]:.2f}" if op in found else "-"
            for op in operations]


def print_table(results: dict[str, Results], sizes: tuple[int, ...]) -> None:
    print()
    print("| records stored | store save median / p95 (ms) | store lookup median / p95 (ms) "
          "| plain TinyDB save median / p95 (ms) | plain TinyDB lookup median / p95 (ms) |")
    print("|---:|---:|---:|---:|---:|")
    for count in sizes:
        row = [*cells(results, "store", count, ("save", "lookup")),
               *cells(results, "tinydb", count, ("save", "lookup"))]
        print(f"| {count:,} | " + " | ".join(row) + " |")
    print()
    print("| records stored | save with linking | save without linking | linking adds "
          "(paired) | patient history lookup |")
    print("|---:|---:|---:|---:|---:|")
    for count in sizes:
        row = cells(results, "store", count, ("save", "save unlinked", "linking", "history"))
        print(f"| {count:,} | " + " | ".join(row) + " |")
    largest = sizes[-1]
    print()
    for kind, name in (("store", "store"), ("tinydb", "plain TinyDB")):
        if largest not in results[kind]:
            continue
        ratios = [results[kind][largest][op][0] / results[kind][0][op][0]
                  for op in ("save", "lookup")]
        print(f"{name}: median at {largest:,} / median at 0 records: save {ratios[0]:.2f}, "
              f"lookup {ratios[1]:.2f}")
    adds = ", ".join(f"{results['store'][count]['linking'][0]:.2f} ms at {count:,}"
                     for count in sizes)
    print(f"linking adds to a save (median of paired differences): {adds}")


if __name__ == "__main__":
    main()
