"""How long a backup and a check take at 1,000 and 50,000 records, and how long a save waits
while a backup runs.

Run: ``.venv/bin/python bench/backup.py`` (a few minutes; ``--quick`` for 1,000 only).

Stores are filled as ``bench/store.py`` fills them (real 3.5 KB intakes, 30 a clinic
day) plus each day's audit file, one view per record. For each size: a backup
(``kiosk backup``'s work: snapshot under the lock, then hash, compress and write), the
time the lock was held, the file's size, a restore-check of it (``verify_backup``) and
a full ``kiosk check``. Meanwhile a writer in another process saves a record every
20 ms and notes how long each save took; the saves that overlapped a backup are
compared with the others.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # bench/store.py: the same records, filled the same way

from store import START, fill_store, moments, template_intake  # noqa: E402

from kiosk.paths import BUNDLED_QUESTIONNAIRE  # noqa: E402
from kiosk.questionnaire.loader import load_questionnaire  # noqa: E402
from kiosk.storage.audit import DAY_SUFFIX  # noqa: E402
from kiosk.storage.backup import verify_backup  # noqa: E402
from kiosk.storage.files import encode, ensure_private_dir, write_durably  # noqa: E402
from kiosk.storage.layout import AUDIT, day_file  # noqa: E402
from kiosk.store import Store  # noqa: E402

SIZES = (1_000, 50_000)
BACKUPS_PER_SIZE = 3
SAVE_EVERY = 0.02  # seconds between the writer's saves

# Saves one record every SAVE_EVERY seconds until its stdin closes; prints
# "<wall-clock start> <seconds the save took>" per save.
WRITER = textwrap.dedent('''
    import sys, threading, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from store import clone, template_intake
    from kiosk.intake import Intake
    from kiosk.questionnaire.loader import load_questionnaire
    from kiosk.store import Store
    import datetime as dt
    store = Store(Path(sys.argv[1]))
    questionnaire = load_questionnaire(sys.argv[2])
    template = template_intake(questionnaire)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    print("ready", flush=True)
    while not done.is_set():
        intake = Intake.model_validate(clone(template, dt.datetime.now(dt.UTC)))
        began, started = time.time(), time.perf_counter()
        store.save_intake(intake, questionnaire)
        print(began, time.perf_counter() - started, flush=True)
        time.sleep(float(sys.argv[4]))
''')


def fill_audit(root: Path, count: int) -> None:
    """One view a record, in the day files the audit log keeps."""
    by_day: dict[str, list[bytes]] = {}
    for moment in moments(count, START - dt.timedelta(days=1), step=-1):
        line = encode({"at": moment.isoformat(), "actor": "dr.lee", "action": "view",
                       "record_id": "8hq3wz6k2m4n7p9r5t3v2x4y6a", "address": "192.168.1.31"})
        by_day.setdefault(moment.date().isoformat(), []).append(line + b"\n")
    for day, lines in by_day.items():
        path = day_file(root, AUDIT, day, DAY_SUFFIX)
        ensure_private_dir(path.parent)
        write_durably(path, b"".join(lines))


def bench_size(work: Path, count: int) -> dict[str, object]:
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    root = work / f"store-{count}"
    fill_store(root, questionnaire, template_intake(questionnaire), count)
    fill_audit(root, count)
    store = Store(root)
    print(f"  filled a store with {count:,} records", file=sys.stderr, flush=True)
    script = work / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    writer = subprocess.Popen([sys.executable, str(script), str(root), str(BUNDLED_QUESTIONNAIRE),
                               str(BENCH), str(SAVE_EVERY)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    time.sleep(1.0)  # some saves before the first backup
    windows, backups = [], []
    for _ in range(BACKUPS_PER_SIZE):
        began = time.time()
        backups.append(store.take_backup(work / f"backups-{count}"))
        windows.append((began, time.time()))
        time.sleep(1.0)
    output, _ = writer.communicate("")
    saves = [(float(a), float(b)) for a, b in (line.split() for line in output.splitlines())]
    during = [took for began, took in saves
              if any(start - took <= began <= end for start, end in windows)]
    other = [took for began, took in saves if not any(start - took <= began <= end
                                                       for start, end in windows)]
    started = time.perf_counter()
    verify_backup(backups[-1].path)
    verify_seconds = time.perf_counter() - started
    report = store.check()
    assert not report.problems, report.problems
    return {
        "backup_s": statistics.median(b.seconds for b in backups),
        "locked_s": max(b.locked_seconds for b in backups),
        "size_mb": backups[-1].size / 1e6,
        "files": backups[-1].files,
        "verify_s": verify_seconds,
        "check_s": report.seconds,
        "save_during_max_ms": max(during) * 1000 if during else float("nan"),
        "save_during_median_ms": statistics.median(during) * 1000 if during else float("nan"),
        "saves_during": len(during),
        "save_other_median_ms": statistics.median(other) * 1000,
        "save_other_max_ms": max(other) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 records only")
    args = parser.parse_args()
    sizes = SIZES[:1] if args.quick else SIZES
    results = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=BENCH) as tmp:
        for count in sizes:
            results[count] = bench_size(Path(tmp), count)
    print()
    print("| records | files | backup (s) | lock held, worst (s) | backup size (MB) "
          "| restore check (s) | kiosk check (s) | save during a backup, median / worst (ms) "
          "| save otherwise, median / worst (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count, r in results.items():
        print(f"| {count:,} | {r['files']:,} | {r['backup_s']:.2f} | {r['locked_s']:.3f} "
              f"| {r['size_mb']:.1f} | {r['verify_s']:.2f} | {r['check_s']:.2f} "
              f"| {r['save_during_median_ms']:.1f} / {r['save_during_max_ms']:.1f} "
              f"({r['saves_during']} saves) | {r['save_other_median_ms']:.1f} / "
              f"{r['save_other_max_ms']:.1f} |")


if __name__ == "__main__":
    main()
