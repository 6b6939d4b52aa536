"""Record-page latency of the clinician viewer with 20 phones at once, at 1,000 and 50,000 records.

Run: ``.venv/bin/python bench/viewer.py`` (a few minutes; ``--quick`` for a smoke run,
``--steps-only`` for the in-process figures of one page alone, ``--course`` for the pages
of patients with 6 visits against single-visit pages, ``--decided`` for pages with every
flag decided and consent confirmed against undecided ones, ``--sealed`` for a sealed store
against a clear one).

Each store is filled through ``Store.save_intake`` (the store has no bulk path): real
intakes of the bundled questionnaire, 30 a clinic day over past days. To keep the
fill quick the saves go to a RAM disk (/dev/shm) when there is one, and the folder is
then copied to the work folder on disk, where the viewer reads it. Each store gets
its own ``kiosk serve`` process. First one phone alone asks for 200 random records'
pages; then 20 logged-in phones per server ask back to back, in bursts that alternate
between the two servers so background load on a shared machine hits both alike. Each
view also appends to the audit log, as in use. Latency is measured at the client,
from request to the last byte.

Every record is its own patient (each has its own name), except with ``--course``: then
two stores of the same size are compared, one where every record is a single visit and
one where every patient comes 6 times (a first visit, then 5 bundled follow-ups a week
apart), so each page there shows the banner, standing flags, visits and trend of 6 visits.

With ``--sealed`` two stores hold the same records (one filled, then copied): one stays in
clear, the other gets the clinic's key from a real first ``kiosk staff add`` (which seals
the records in place), so its viewer opens each record's sealed part once a phone's login
has unlocked it. Before any warm-up, one phone per server asks for records never viewed
(not in the viewer's record cache): one record of each past day first (its day file not
read yet either), then a second record of each of those days (its day file parsed, the
record itself not). Those first views alternate between the two servers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from markupsafe import Markup

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the shared complete-answers fixture

from answers_fixture import complete_answers  # noqa: E402
from follow_up_fixture import FOLLOW_UP, nothing_to_report  # noqa: E402

from kiosk.decisions import ConsentConfirmation, FlagDecision, flag_keys  # noqa: E402
from kiosk.ids import new_record_id, new_short_code  # noqa: E402
from kiosk.intake import Intake, build_intake  # noqa: E402
from kiosk.paths import BUNDLED_QUESTIONNAIRE  # noqa: E402
from kiosk.questionnaire.loader import load_questionnaire  # noqa: E402
from kiosk.questionnaire.model import Questionnaire  # noqa: E402
from kiosk.store import AuditEvent, Store  # noqa: E402
from kiosk.viewer.accounts import StaffAccounts  # noqa: E402
from kiosk.viewer.context import ViewerContext  # noqa: E402
from kiosk.viewer.record_cache import RecordCache  # noqa: E402
from kiosk.viewer.record_view import reviewed_line  # noqa: E402
from kiosk.viewer.sessions import Sessions  # noqa: E402
from kiosk.viewer.throttle import LoginThrottle  # noqa: E402

SIZES = (1_000, 50_000)
CLIENTS = 20
PER_DAY = 30
STAFF = ("bench", "bench password 1")
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]*)"')
RAM_DISK = Path("/dev/shm")


@dataclass
class Viewer:
    size: int
    root: Path
    record_ids: list[str]
    label: str = ""  # how the report names this store; its size unless set
    process: subprocess.Popen[str] | None = None
    port: int = 0
    alone: list[float] = field(default_factory=list)  # one phone, nobody else asking
    rounds: list[list[float]] = field(default_factory=list)  # 20 phones, one list per burst

    def __post_init__(self) -> None:
        self.label = self.label or f"{self.size:,}"

    @property
    def latencies(self) -> list[float]:
        return [sample for burst in self.rounds for sample in burst]


def moment_of(n: int) -> dt.datetime:
    """When the ``n``-th newest record was submitted: 30 a clinic day back from yesterday."""
    yesterday = dt.datetime.now(dt.UTC).replace(hour=8, minute=0) - dt.timedelta(days=1)
    return yesterday - dt.timedelta(days=n // PER_DAY) + dt.timedelta(minutes=15 * (n % 30))


def named(answers: dict[str, object], name: str) -> dict[str, object]:
    """The answers of a patient called ``name`` (the consent signed with it, where asked)."""
    changed = {**answers, "full_name": name}
    if isinstance(answers.get("consent"), dict):
        changed["consent"] = {**answers["consent"], "name": name}  # type: ignore[dict-item]
    return changed


def with_decisions(template: Intake) -> Intake:
    """The intake with every flag decided twice (a changed decision: history to show) and
    consent confirmed in person, as a record is at the end of a clinic visit."""
    decisions = []
    for flag, key in zip(template.flags, flag_keys(template.flags), strict=True):
        first, last = ("noted", "noted") if flag.level == "note" else ("not_today", "cleared")
        decisions += [FlagDecision(flag=key, decision=first, by="ana"),
                      FlagDecision(flag=key, decision=last, by="ana",
                                   note="Checked with the patient; fine to go ahead")]
    decided = template.model_copy(update={
        "decisions": decisions,
        "consent_confirmation": ConsentConfirmation(by="Ana Ruiz", staff_user="ana")})
    decided.settle()
    return decided


def fill(root: Path, questionnaire: Questionnaire, count: int,
         decided: bool = False) -> list[str]:
    """``count`` past intakes saved one by one through the store, 30 a day back from
    yesterday, each its own patient (a name of its own); newest first. ``decided``: each
    with a stop, a caution and a note flag decided, and consent confirmed."""
    store = Store(root)
    StaffAccounts(store).add(*STAFF)
    extra = {"blood_thinners": True, "blood_thinner_name": ["warfarin"]} if decided else {}
    template = build_intake(questionnaire, {**complete_answers(), "needle_fear": True, **extra})
    if decided:
        template = with_decisions(template)
    ids = []
    for n in range(count):
        moment = moment_of(n)
        intake = template.model_copy(update={
            "id": new_record_id(), "short_code": new_short_code(),
            "answers": named(template.answers, f"Bench Patient {n}"),
            "created_at": moment - dt.timedelta(minutes=12), "submitted_at": moment})
        store.save_intake(intake, questionnaire)
        ids.append(intake.id)
    return ids


VISITS = 6


def fill_courses(root: Path, questionnaire: Questionnaire, count: int) -> list[str]:
    """``count`` past intakes as patients of 6 visits each, a week apart: a first visit
    (with the same stop and caution flags as :func:`fill`), then 5 follow-ups with pain
    easing and GROC rising; newest first, as :func:`fill`."""
    store = Store(root)
    StaffAccounts(store).add(*STAFF)
    follow_up = load_questionnaire(FOLLOW_UP)
    first = build_intake(questionnaire, {**complete_answers(), "needle_fear": True,
                                         "blood_thinners": True,
                                         "blood_thinner_name": ["warfarin"]})
    later = [build_intake(follow_up, {**nothing_to_report(), "pain_now": 6 - visit,
                                      "groc": visit - 2}) for visit in range(1, VISITS)]
    patients = count // VISITS
    saved: list[tuple[dt.datetime, str]] = []
    for visit in range(VISITS):  # each patient's first visit first, as a clinic sees them
        template, taken_with = (first, questionnaire) if visit == 0 else \
            (later[visit - 1], follow_up)
        for patient in range(patients):
            # Patient p's visits are PER_DAY * 7 records apart: a week of clinic days.
            n = patient % (PER_DAY * 7) + (VISITS - 1 - visit) * PER_DAY * 7 \
                + (patient // (PER_DAY * 7)) * VISITS * PER_DAY * 7
            moment = moment_of(n)
            intake = template.model_copy(update={
                "id": new_record_id(), "short_code": new_short_code(),
                "answers": named(template.answers, f"Bench Patient {patient}"),
                "created_at": moment - dt.timedelta(minutes=12), "submitted_at": moment})
            store.save_intake(intake, taken_with)
            saved.append((moment, intake.id))
    return [record_id for _, record_id in sorted(saved, reverse=True)]


def prepare(work: Path, questionnaire: Questionnaire, size: int, courses: bool = False,
            label: str = "", decided: bool = False) -> Viewer:
    ram = RAM_DISK.is_dir()
    staging = Path(tempfile.mkdtemp(dir=RAM_DISK if ram else work)) / "data"
    started = time.perf_counter()
    ids = fill_courses(staging, questionnaire, size) if courses else \
        fill(staging, questionnaire, size, decided)
    took = time.perf_counter() - started
    root = work / f"store-{size}{'-courses' if courses else ''}{'-decided' if decided else ''}"
    if ram:
        shutil.copytree(staging, root)
        shutil.rmtree(staging.parent)
    else:
        staging.rename(root)
    where = "a RAM disk, then copied to disk" if ram else "disk"
    print(f"  filled {size:,} records through save_intake in {took:.1f} s "
          f"({took / size * 1000:.2f} ms each, on {where})", file=sys.stderr, flush=True)
    return Viewer(size, root, ids, label)


def prepare_sealed(work: Path, questionnaire: Questionnaire, size: int) -> list[Viewer]:
    """Two stores of the same ``size`` records: one in clear, and a copy given the clinic's
    key by a real first ``kiosk staff add`` (for the bench's staff account), which seals
    the records in place."""
    clear = prepare(work, questionnaire, size, label="clear")
    root = work / f"store-{size}-sealed"
    shutil.copytree(clear.root, root)
    started = time.perf_counter()
    added = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "staff", "add", STAFF[0], "--password-stdin",
         "--data", str(root)],
        input=STAFF[1] + "\n", capture_output=True, text=True)  # the recovery code: dropped
    if added.returncode != 0 or f"sealed {size} record(s)" not in added.stdout:
        raise SystemExit(f"kiosk staff add did not seal the copy: {added.stderr.strip()!r}")
    print(f"  sealed the copy with 'kiosk staff add' in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)
    return [clear, Viewer(size, root, list(clear.record_ids), "sealed")]


def first_view_picks(record_ids: list[str]) -> tuple[list[str], list[str]]:
    """Records never viewed yet, from past days beyond those the phones open: one of each
    day (its day file not read either), and another of each of those days (its day file
    then already parsed). ``record_ids`` are newest first, 30 a day."""
    days: dict[int, list[str]] = {}
    for n, record_id in enumerate(record_ids):
        days.setdefault(n // PER_DAY, []).append(record_id)
    picks = [random.sample(ids, 2) for ids in days.values() if len(ids) >= 2]
    return [first for first, _ in picks], [second for _, second in picks]


FirstViews = dict[str, dict[str, list[float]]]  # ms by server label, then by kind


async def first_views(viewers: list[Viewer], picks: tuple[list[str], list[str]],
                      warm_up: str) -> tuple[FirstViews, float]:
    """Each picked record's page asked once by one phone, alternating between the servers;
    ms by server label, then by "new day" / "day read"; and the load average after."""
    phones = {viewer.label: aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
              for viewer in viewers}
    found: FirstViews = {viewer.label: {"new day": [], "day read": []} for viewer in viewers}
    try:
        for viewer in viewers:  # a login (the sealed one's opens the key), templates compiled
            base = f"http://127.0.0.1:{viewer.port}"
            await log_in(phones[viewer.label], base)
            for _ in range(20):
                await page(phones[viewer.label], base, warm_up)
        order = list(viewers)
        for kind, record_ids in zip(("new day", "day read"), picks, strict=True):
            for record_id in record_ids:
                random.shuffle(order)
                for viewer in order:
                    found[viewer.label][kind].append(await page(
                        phones[viewer.label], f"http://127.0.0.1:{viewer.port}", record_id))
    finally:
        for session in phones.values():
            await session.close()
    return found, os.getloadavg()[0]


async def page(session: aiohttp.ClientSession, base: str, record_id: str) -> float:
    """One record page, ms from request to the last byte."""
    started = time.perf_counter()
    async with session.get(f"{base}/i/{record_id}", allow_redirects=False) as reply:
        await reply.read()
        if reply.status != 200:
            raise SystemExit(f"record page answered {reply.status}")
    return (time.perf_counter() - started) * 1000


def report_first_views(found: FirstViews, load: float) -> None:
    print(f"\nFirst view of a record (not in the viewer's record cache), one phone, "
          f"servers alternating; load average {load:.2f} just after:")
    print("\n| store | first view | requests | median (ms) | p99 (ms) |")
    print("|---|---|---:|---:|---:|")
    for label, kinds in found.items():
        for kind, samples in kinds.items():
            what = "first of its day (day file read)" if kind == "new day" \
                else "day file already parsed"
            print(f"| {label} | {what} | {len(samples):,} | {statistics.median(samples):.1f} | "
                  f"{percentile(samples, 0.99):.1f} |")


def opening_costs(viewers: list[Viewer]) -> None:
    """In-process: reading one record through the viewer's cache keeping no record (a first
    view each time, day files kept parsed), clear against sealed (opened with the key)."""
    print("\nOne first view's read of the record, in-process (mean ms over 2,000; load "
          f"average {os.getloadavg()[0]:.2f}):")
    for viewer in viewers:
        store = Store(viewer.root)
        if store.sealed:
            store.unlock(store.keys.unlock(*STAFF))
        unkept = RecordCache(store, lambda intake: Markup(""), size=0)
        for record_id in viewer.record_ids:
            unkept.intake(record_id)  # every day file parsed once
        picks = random.choices(viewer.record_ids, k=2_000)
        started = time.perf_counter()
        for record_id in picks:
            unkept.intake(record_id)
        took = (time.perf_counter() - started) / len(picks) * 1000
        print(f"  {viewer.label}: {took:.3f}")


def start(viewer: Viewer) -> None:
    viewer.process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "serve", "--port", "0", "--data", str(viewer.root),
         "--public-url", "http://kiosk.bench:8765"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert viewer.process.stdout is not None
    line = viewer.process.stdout.readline()
    if "listening on" not in line:
        raise SystemExit(f"kiosk serve did not start: {line!r}")
    viewer.port = int(line.rsplit(":", 1)[1])


async def log_in(session: aiohttp.ClientSession, base: str) -> None:
    async with session.get(f"{base}/login") as reply:
        token = CSRF_FIELD.search(await reply.text())
    assert token is not None
    form = {"username": STAFF[0], "password": STAFF[1], "csrf": token.group(1), "next": "/"}
    async with session.post(f"{base}/login", data=form, allow_redirects=False) as reply:
        assert reply.status == 303, reply.status


async def burst(viewer: Viewer, phones: list[aiohttp.ClientSession], requests: int,
                samples: list[float] | None) -> None:
    """``requests`` record pages, asked by all ``phones`` at once, each back to back."""
    base = f"http://127.0.0.1:{viewer.port}"
    remaining = [requests]

    async def phone(session: aiohttp.ClientSession) -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            record_id = random.choice(viewer.record_ids)
            started = time.perf_counter()
            async with session.get(f"{base}/i/{record_id}", allow_redirects=False) as reply:
                await reply.read()
                if reply.status != 200:
                    raise SystemExit(f"record page answered {reply.status}")
            if samples is not None:
                samples.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(phone(session) for session in phones))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(viewers: list[Viewer], rounds: int, per_burst: int) -> None:
    phones: dict[str, list[aiohttp.ClientSession]] = {}
    for viewer in viewers:
        # One session per phone: its own connection (kept alive) and its own login cookie.
        phones[viewer.label] = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
                                for _ in range(CLIENTS)]
        await asyncio.gather(*(log_in(session, f"http://127.0.0.1:{viewer.port}")
                               for session in phones[viewer.label]))
        await burst(viewer, phones[viewer.label], 100, None)  # warm up
    for viewer in viewers:
        await burst(viewer, phones[viewer.label][:1], 200, viewer.alone)
    order = list(viewers)
    # CPU used while the 20 phones ask: this client shares the 2 cores with the servers.
    servers = {viewer.label: viewer.process.pid for viewer in viewers if viewer.process}
    started, client_started = time.perf_counter(), time.process_time()
    server_started = {label: cpu_seconds(pid) for label, pid in servers.items()}
    for n in range(rounds):
        random.shuffle(order)
        for viewer in order:
            viewer.rounds.append([])
            await burst(viewer, phones[viewer.label], per_burst, viewer.rounds[-1])
        print(f"  round {n + 1}/{rounds} done", file=sys.stderr, flush=True)
    wall = time.perf_counter() - started
    used = {f"{label}-record server": cpu_seconds(pid) - server_started[label]
            for label, pid in servers.items()}
    used["bench client (20 phones x 2)"] = time.process_time() - client_started
    load = os.getloadavg()
    print(f"\nCPU while the 20 phones asked ({wall:.1f} s wall, 2 cores; load average "
          f"{load[0]:.2f} at the end): " + ", ".join(
              f"{name} {seconds:.1f} s ({seconds / wall:.0%} of a core)"
              for name, seconds in used.items()))
    for sessions in phones.values():
        for session in sessions:
            await session.close()


def breakdown(root: Path, questionnaire: Questionnaire, record_ids: list[str]) -> None:
    """Where one record page's time goes, in-process, and how the audit append grows."""
    store = Store(root)
    sessions = Sessions(store, time.time)
    token, session = sessions.start(STAFF[0])
    context = ViewerContext(store=store, public_url="http://kiosk.bench:8765",
                            secure_cookies=False, clock=time.time,
                            accounts=StaffAccounts(store), sessions=sessions,
                            throttle=LoginThrottle(time.time))

    def mean_ms(action: Callable[[], object], count: int = 200) -> float:
        started = time.perf_counter()
        for _ in range(count):
            action()
        return (time.perf_counter() - started) / count * 1000

    intake = store.get_intake(record_ids[0])
    part = context.records.record(intake.id)
    intake = part.intake  # the kept record, as a page has it
    visits, index = context.course_of(intake)
    top = context.course_parts.top(visits, index)
    # Keeps no record, so each call is a first view; the day files it read stay parsed.
    unkept = RecordCache(store, context.render_record_body, size=0)
    for record_id in record_ids:
        unkept.intake(record_id)
    parts = {
        "session check (sessions document unchanged: a stat)": mean_ms(
            lambda: sessions.find(token)),
        "record kept, its file unchanged (a stat)": mean_ms(
            lambda: context.records.record(intake.id)),
        "first view: read the record (get_intake)": mean_ms(
            lambda: store.get_intake(random.choice(record_ids))),
        "first view: read the record, its day file parsed for another record (the viewer)":
            mean_ms(lambda: unkept.intake(random.choice(record_ids))),
        "first view: lay out and render the record part": mean_ms(
            lambda: context.render_record_body(intake)),
        "every view: the patient's visits (index bucket, a stat per visit)": mean_ms(
            lambda: context.course_of(intake)),
        "first view: render the page top (banner, flags, visits)": mean_ms(
            lambda: context.render_record_top(visits, index)),
        "every view: render the page around it (user, token)": mean_ms(
            lambda: context.render("record.html", session=session, intake=intake,
                                   record_top=top, record_body=part.body,
                                   reviewed=reviewed_line(intake), visit_count=len(visits))),
    }
    print("\nOne record page, in-process (mean ms):")
    for name, took in parts.items():
        print(f"  {name}: {took:.2f}")
    print("  append the view to the audit log, by events already logged today:")
    logged = len(store.audit_events())
    for target in (0, 500, 1_000, 2_000, 3_000):
        while logged < target:
            store.record_audit(AuditEvent(actor="bench", action="view",
                                          record_id=random.choice(record_ids),
                                          address="127.0.0.1"))
            logged += 1
        took = mean_ms(lambda: store.record_audit(AuditEvent(
            actor="bench", action="view", record_id=random.choice(record_ids),
            address="127.0.0.1")), count=50)
        logged += 50
        print(f"    {target:>5,}: {took:.2f}")


def audit_events_today(viewer: Viewer) -> int:
    return len(Store(viewer.root).audit_events())


def report(viewers: list[Viewer], events: dict[str, int], heading: str = "records stored",
           goal: str = "goal: p99 under 50 ms; at most x1.3") -> None:
    print(f"\n| {heading} | phones | requests | median (ms) | p99 (ms) |")
    print("|---:|---:|---:|---:|---:|")
    for clients, pick in ((1, lambda v: v.alone), (CLIENTS, lambda v: v.latencies)):
        for viewer in viewers:
            samples = pick(viewer)
            print(f"| {viewer.label} | {clients} | {len(samples):,} | "
                  f"{statistics.median(samples):.1f} | {percentile(samples, 0.99):.1f} |")
    print(f"\np99 (ms) of each burst of {CLIENTS} phones, in order, as the day's audit log grows:")
    for viewer in viewers:
        p99s = ", ".join(f"{percentile(burst, 0.99):.0f}" for burst in viewer.rounds)
        print(f"  {viewer.label:>6}: {p99s} (audit events today at the end: "
              f"{events[viewer.label]:,})")
    small, big = viewers[0], viewers[-1]
    median_ratio = statistics.median(big.latencies) / statistics.median(small.latencies)
    p99_ratio = percentile(big.latencies, 0.99) / percentile(small.latencies, 0.99)
    print(f"\n{big.label} vs {small.label}, {CLIENTS} phones: median "
          f"x{median_ratio:.2f}, p99 x{p99_ratio:.2f} ({goal})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000 and 5,000 records, fewer requests (a smoke run)")
    parser.add_argument("--rounds", type=int, default=12, help="bursts per store")
    parser.add_argument("--burst", type=int, default=200, help="requests per burst")
    parser.add_argument("--opened", type=int, default=1_000,
                        help="phones open the newest N records of each store (default 1,000: "
                             "about a month of a busy clinic, as clinicians open a record at "
                             "check-in or a follow-up), so both stores face the same mix of "
                             "kept and unread records; 0 opens any record")
    parser.add_argument("--steps-only", action="store_true",
                        help="only the in-process figures of one record page (a few seconds)")
    parser.add_argument("--course", action="store_true",
                        help="compare pages of patients with 6 visits against single-visit "
                             "pages, two stores of 1,000 records (--course-size)")
    parser.add_argument("--course-size", type=int, default=1_000,
                        help="records in each store with --course (default 1,000)")
    parser.add_argument("--decided", action="store_true",
                        help="compare record pages with every flag decided (with history) "
                             "and consent confirmed against undecided ones, two stores of "
                             "1,000 records")
    parser.add_argument("--sealed", action="store_true",
                        help="compare a sealed store (the viewer unlocked by the phones' "
                             "login) against a clear one with the same records, and the "
                             "first view of a record in each (--sealed-size records)")
    parser.add_argument("--sealed-size", type=int, default=3_000,
                        help="records in each store with --sealed (default 3,000: 100 days, "
                             "so 100 first views of each kind; 1,000 with --quick)")
    parser.add_argument("--work", type=Path, help="folder for the stores (default: a temp "
                        "folder on disk, removed afterwards)")
    args = parser.parse_args()
    sizes = (1_000, 5_000) if args.quick else SIZES
    rounds, per_burst = (2, 200) if args.quick else (args.rounds, args.burst)
    random.seed(7)
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    if args.steps_only:
        steps(questionnaire)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="kiosk-viewer-bench-", dir="/var/tmp"))
    picks: tuple[list[str], list[str]] = ([], [])
    if args.sealed:
        viewers = prepare_sealed(work, questionnaire,
                                 1_000 if args.quick else args.sealed_size)
        picks = first_view_picks(viewers[0].record_ids)
    elif args.decided:
        viewers = [prepare(work, questionnaire, 1_000, label="undecided"),
                   prepare(work, questionnaire, 1_000, label="decided", decided=True)]
    elif args.course:
        viewers = [prepare(work, questionnaire, args.course_size, label="1 visit"),
                   prepare(work, questionnaire, args.course_size, courses=True,
                           label=f"{VISITS} visits")]
    else:
        viewers = [prepare(work, questionnaire, size) for size in sizes]
    for viewer in viewers:  # record_ids are newest first
        viewer.record_ids = viewer.record_ids[:args.opened] if args.opened else viewer.record_ids
    print(f"  phones open {'the newest ' + format(args.opened, ',') if args.opened else 'any'}"
          " records of each store", file=sys.stderr, flush=True)
    first: tuple[FirstViews, float] = ({}, 0.0)
    try:
        for viewer in viewers:
            start(viewer)
        if args.sealed:
            picked = {*picks[0], *picks[1]}
            warm_up = next(r for r in viewers[0].record_ids if r not in picked)
            first = asyncio.run(first_views(viewers, picks, warm_up))
        asyncio.run(measure(viewers, rounds, per_burst))
        events = {viewer.label: audit_events_today(viewer) for viewer in viewers}
        if args.sealed:
            opening_costs(viewers)
    finally:
        for viewer in viewers:
            if viewer.process is not None:
                viewer.process.terminate()
                viewer.process.wait(timeout=15)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.sealed:
        report(viewers, events, heading="store",
               goal="goal: p99 under 50 ms; sealed within x1.3 of clear")
        report_first_views(*first)
        return
    if args.decided:
        report(viewers, events, heading="flags on each page",
               goal="goal: p99 under 50 ms; decided within x1.3 of undecided")
        return
    if args.course:
        report(viewers, events, heading="visits on each page",
               goal=f"goal: a {VISITS}-visit page within x1.3 of a single visit at p99")
        return
    report(viewers, events)
    if not args.quick:
        steps(questionnaire)


def steps(questionnaire: Questionnaire) -> None:
    """The in-process figures, on a small store of its own."""
    scratch = Path(tempfile.mkdtemp(prefix="kiosk-viewer-bench-", dir="/var/tmp"))
    try:
        small = prepare(scratch, questionnaire, 300)
        breakdown(small.root, questionnaire, small.record_ids)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
