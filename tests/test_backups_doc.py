"""docs/backups.md tells the truth: its commands, run in order on a real data folder with a
damaged index bucket, print what the page shows (numbers, sizes and times aside)."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import subprocess
from pathlib import Path

from test_store_helpers import KIOSK, intake, small_questionnaire

from kiosk.store import AuditEvent, Store

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "backups.md"
SHOWN_STICK = "/media/usb/kiosk-backups"
SHOWN_BACKUP = "kiosk-backup-2026-11-23T18-30-00Z.tar.gz"


def console_sessions() -> list[tuple[str, list[str]]]:
    """Each ``$ command`` of the page's console blocks, with the lines shown under it."""
    sessions: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", PAGE.read_text("utf-8"), re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                sessions.append((line[2:], []))
            else:
                sessions[-1][1].append(line)
    return sessions


def normal(line: str) -> str:
    """A line with its numbers, sizes and plurals made alike (they differ from run to run)."""
    line = re.sub(r"\d[\d,.]*", "N", line)
    line = re.sub(r"\b(bytes|KB|MB)\b", "SIZE", line)
    return re.sub(r"(N [a-z ]+?)s\b", r"\1", line)


def clinic_folder(folder: Path) -> None:
    """A data folder with records over two days, two questionnaires, the audit log, an
    account, and a record whose id lands in ``index/ids/hg.json``, as the page shows."""
    first, second = small_questionnaire(folder), small_questionnaire(folder)
    second = second.model_copy(update={"version": 2})
    store = Store(folder / "kiosk-data")
    for n in range(6):
        questionnaire = first if n % 2 else second
        record = intake(questionnaire, f"Patient {n}")
        if n == 0:
            record.id = "hg" + record.id[2:]
        if n % 2:
            record.submitted_at = dt.datetime(2026, 11, 23, 9, n, tzinfo=dt.UTC)
        store.save_intake(record, questionnaire)
        store.record_audit(AuditEvent(actor="dr.lee", action="view", record_id=record.id,
                                      at=record.submitted_at or record.created_at))
    store.update_document("staff", lambda document: document.update(users=["lee"]))
    store.update_document("sessions", lambda document: document.update(open={}))


def test_the_backups_page_commands_print_what_it_shows(tmp_path: Path) -> None:
    clinic_folder(tmp_path)
    (tmp_path / "usb").mkdir()  # the stick, plugged in
    stick = str(tmp_path / "usb" / "kiosk-backups")
    written = SHOWN_BACKUP
    sessions = console_sessions()
    assert [command.split()[1:3] for command, _ in sessions] == [
        ["backup", SHOWN_STICK], ["config", "set"], ["config", "set"],
        ["restore", f"{SHOWN_STICK}/{SHOWN_BACKUP}"], ["check", "--data"],
        ["records", "list"], ["check", "--data"], ["check", "--repair"]]
    for number, (command, shown) in enumerate(sessions):
        if number == 6:  # the page's damaged bucket, torn as a crash or a bad disk tears it
            bucket = tmp_path / "kiosk-data" / "index" / "ids" / "hg.json"
            bucket.write_bytes(bucket.read_bytes()[:-9])
        words = shlex.split(command.replace(SHOWN_STICK, stick).replace(SHOWN_BACKUP, written))
        assert words[0] == ".venv/bin/kiosk"
        done = subprocess.run([str(KIOSK), *words[1:]], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60)
        assert not done.stderr, command
        assert done.returncode == (1 if number == 6 else 0), command
        if number == 0:
            written = Path(done.stdout.split("Backup written: ")[1].split(" (")[0]).name
        output = done.stdout.replace(stick, SHOWN_STICK).replace(written, SHOWN_BACKUP) \
            .replace(f"{tmp_path}/", "./")
        if words[1] not in ("records", "config"):  # (the page shows their output elsewhere)
            assert [normal(line) for line in output.splitlines()] == \
                [normal(line) for line in shown], command
