"""Shared pieces for the store tests: a small questionnaire, answers, a worker process.

Holds no tests itself (the name keeps it among the store engineer's files).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from kiosk.intake import Intake, build_intake
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire

SMALL_QUESTIONNAIRE = """\
id: small-intake
version: 1
title: Small intake
languages: [en]
sections:
  - id: about
    title: About you
    items:
      - id: full_name
        type: text
        label: Your full name
        required: true
      - id: pain_now
        type: scale
        label: Pain right now
        required: true
      - id: where
        type: body_map
        label: Where does it hurt?
  - id: safety
    title: Safety
    items:
      - id: blood_thinners
        type: yes_no
        label: Do you take a blood thinner?
        required: true
        flags:
          - when: blood_thinners == true
            level: caution
            message: Anticoagulated - check bleeding risk before needling.
      - id: blood_thinner_name
        type: text
        label: Which one?
        show_if: blood_thinners == true
      - id: conditions
        type: multi_choice
        label: Do you have any of these?
        options:
          - value: pacemaker
            label: A pacemaker
            flag: {level: stop, message: Pacemaker - no electrical stimulation.}
          - {value: none, label: None of these, exclusive: true}
      - id: consent
        type: consent
        label: Consent
        text: I agree to dry needling.
        name_item: full_name
        required: true
scores:
  - id: pain
    label: Pain score
    method: mean
    items: [pain_now]
"""

KIOSK = Path(sys.executable).with_name("kiosk")  # the installed console script


def write_small_questionnaire(folder: Path) -> Path:
    path = folder / "small.yaml"
    path.write_text(SMALL_QUESTIONNAIRE, encoding="utf-8")
    return path


def small_questionnaire(folder: Path) -> Questionnaire:
    return load_questionnaire(write_small_questionnaire(folder))


def answers(name: str = "Ana Diaz", *, blood_thinners: bool = False,
            pain: int = 4) -> dict[str, Any]:
    """A valid answer set for the small questionnaire."""
    given: dict[str, Any] = {
        "full_name": name, "pain_now": pain, "where": ["front.knee.left"],
        "blood_thinners": blood_thinners, "conditions": ["none"],
        "consent": {"agreed": True, "name": name, "signed_on": "2026-11-23"},
    }
    if blood_thinners:
        given["blood_thinner_name"] = "warfarin"
    return given


def intake(questionnaire: Questionnaire, name: str = "Ana Diaz", **options: Any) -> Intake:
    return build_intake(questionnaire, answers(name, **options))


def kiosk(*args: str, env: dict[str, str] | None = None,
          timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real ``kiosk`` console script."""
    return subprocess.run([str(KIOSK), *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


# A worker process for crash and concurrency tests. Usage:
#   worker.py DATA QUESTIONNAIRE ACTION [N] [GO_FILE]
# It prints "ready" once imported, waits for GO_FILE if given, then prints one line per
# acknowledged operation (after the call returned), flushed at once.
WORKER = textwrap.dedent('''
    import os, sys, time
    from pathlib import Path
    from kiosk.intake import QuestionnairePin, build_intake
    from kiosk.questionnaire.loader import load_questionnaire
    from kiosk.store import AuditEvent, Draft, Store

    data, questionnaire_path, action = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    go = Path(sys.argv[5]) if len(sys.argv) > 5 and action != "review" else None
    questionnaire = load_questionnaire(questionnaire_path)
    store = Store(Path(data))
    print("ready", flush=True)
    while go is not None and not go.exists():
        time.sleep(0.002)
    name = f"Patient {os.getpid()}"
    answers = {"full_name": name, "pain_now": 5, "blood_thinners": False,
               "consent": {"agreed": True, "name": name, "signed_on": "2026-11-23"}}

    def bump(document):
        document["count"] = document.get("count", 0) + 1
        return document["count"]

    for n in range(count):
        if action in ("save", "mixed"):
            intake = build_intake(questionnaire, answers, station=f"tablet-{os.getpid()}")
            store.save_intake(intake, questionnaire)
            print(intake.id, intake.short_code, flush=True)
        if action == "mixed":
            store.save_draft(Draft(station="tablet", questionnaire=QuestionnairePin.of(
                questionnaire), language="en", answers={"n": n}, section_index=n % 3))
            store.record_audit(AuditEvent(actor="kiosk:tablet", action="view",
                                          record_id=intake.id))
            store.update_document("counter", bump)
            if n % 4 == 3:
                store.mark_reviewed(intake.id, "dr.lee")
        if action == "count":
            print("counted", store.update_document("counter", bump), flush=True)
        if action == "review":
            print(store.mark_reviewed(sys.argv[5], "dr.lee").status, flush=True)
''')


def start_worker(folder: Path, data: Path, questionnaire_path: Path, action: str,
                 count: int = 1, *extra: str) -> subprocess.Popen[str]:
    script = folder / "worker.py"
    if not script.exists():
        script.write_text(WORKER, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(data), str(questionnaire_path),
                             action, str(count), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
