"""How long ``kiosk export`` takes for a clinic's month or year of intakes.

Fills a temporary data folder with N records of the bundled intake (30 a day,
going back from today), then times ``kiosk export`` for both formats (building
the file, writing it, and one audit event per record) in a fresh process, as
staff would run it. Run: ``.venv/bin/python bench/export.py 300 3000``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from answers_fixture import complete_answers  # noqa: E402

from kiosk.intake import build_intake  # noqa: E402
from kiosk.paths import BUNDLED_QUESTIONNAIRE  # noqa: E402
from kiosk.questionnaire.loader import load_questionnaire  # noqa: E402
from kiosk.store import Store  # noqa: E402

PER_DAY = 30
KIOSK = Path(sys.executable).parent / "kiosk"


def fill(folder: Path, count: int) -> None:
    store = Store(folder)
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    start = dt.datetime.now(dt.UTC).replace(hour=9)
    for number in range(count):
        intake = build_intake(questionnaire, complete_answers())
        intake.submitted_at = start - dt.timedelta(days=number // PER_DAY,
                                                   minutes=number % PER_DAY)
        store.save_intake(intake, questionnaire)


def timed_export(folder: Path, kind: str, out: Path) -> tuple[float, int]:
    began = time.perf_counter()
    subprocess.run([str(KIOSK), "export", "--format", kind, "--data", str(folder),
                    "--out", str(out)], check=True, capture_output=True)
    return time.perf_counter() - began, out.stat().st_size


def main(counts: list[int]) -> None:
    print("| records | format | seconds | file size |")
    print("|---:|---|---:|---:|")
    for count in counts:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary) / "data"
            fill(folder, count)
            for kind in ("csv", "fhir"):
                seconds, size = timed_export(folder, kind, Path(temporary) / f"out.{kind}")
                print(f"| {count} | {kind} | {seconds:.2f} | {size / 1e6:.1f} MB |", flush=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [300, 1000])
