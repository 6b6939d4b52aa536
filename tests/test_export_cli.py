"""``kiosk export`` run for real: records made by ``kiosk submit``, files checked on disk."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pty
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from answers_fixture import PATIENT_NAME, complete_answers
from fhir_checks import validate

from kiosk.intake import build_intake
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.store import Store

KIOSK = Path(sys.executable).parent / "kiosk"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "export.md"


def kiosk(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(KIOSK), *args], capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding three records submitted through ``kiosk submit``."""
    folder = tmp_path_factory.mktemp("export")
    flagged = complete_answers()
    flagged.update(blood_thinners=True, blood_thinner_name=["warfarin"])
    awkward = complete_answers()
    awkward["eased_by"] = '=SUM(1,2) "heat", then\nrest'
    answers = folder / "answers.jsonl"
    answers.write_text("\n".join(json.dumps(a) for a in (complete_answers(), flagged, awkward)),
                       encoding="utf-8")
    done = kiosk("submit", "--data", str(folder / "data"), "--answers", str(answers),
                 "--public-url", "https://clinic.example")
    assert done.returncode == 0, done.stderr.decode()
    return folder / "data"


def test_fhir_export_writes_a_valid_private_bundle(data_dir: Path, tmp_path: Path):
    out = tmp_path / "intakes.json"
    done = kiosk("export", "--format", "fhir", "--data", str(data_dir), "--out", str(out))
    assert done.returncode == 0, done.stderr.decode()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    bundle = json.loads(out.read_text(encoding="utf-8"))
    validate(bundle)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds.count("Questionnaire") == 1 and kinds.count("QuestionnaireResponse") == 3
    assert kinds.count("Flag") == 2  # blood thinners (caution) and warfarin (note)
    assert done.stdout == b""
    assert done.stderr.decode() == f"exported 3 record(s) as fhir to {out}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["intakes.json"]


def test_csv_export_goes_to_standard_output_when_piped(data_dir: Path):
    done = kiosk("export", "--format", "csv", "--data", str(data_dir))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"), newline="")))
    assert len(rows) == 3
    assert {row["full_name"] for row in rows} == {PATIENT_NAME}
    assert sorted(row["eased_by"] for row in rows) == [
        "'=SUM(1,2) \"heat\", then\nrest", "Walking, a hot shower, ibuprofen.",
        "Walking, a hot shower, ibuprofen."]
    assert PATIENT_NAME not in done.stderr.decode()


def test_each_exported_record_is_in_the_audit_log(tmp_path: Path):
    folder = tmp_path / "data"
    store = Store(folder)
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    intake = build_intake(questionnaire, complete_answers())
    store.save_intake(intake, questionnaire)
    done = kiosk("export", "--format", "csv", "--data", str(folder), "--out",
                 str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr.decode()
    (event,) = Store(folder).audit_events(intake.id)
    assert event.action == "export" and event.actor.startswith("cli:")


def test_since_and_until_choose_records_by_the_day_they_were_submitted(tmp_path: Path):
    folder = tmp_path / "data"
    store = Store(folder)
    questionnaire = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    ids = {}
    for day in (dt.date(2025, 1, 5), dt.date(2025, 1, 15), dt.date(2025, 1, 25)):
        intake = build_intake(questionnaire, complete_answers())
        intake.submitted_at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        store.save_intake(intake, questionnaire)
        ids[day.day] = intake.id
    out = tmp_path / "january.json"
    done = kiosk("export", "--format", "fhir", "--since", "2025-01-10", "--until", "2025-01-25",
                 "--data", str(folder), "--out", str(out))
    assert done.returncode == 0, done.stderr.decode()
    bundle = json.loads(out.read_text(encoding="utf-8"))
    exported = {entry["resource"]["id"] for entry in bundle["entry"]
                if entry["resource"]["resourceType"] == "QuestionnaireResponse"}
    assert exported == {ids[15], ids[25]}


def test_an_existing_file_is_replaced_whole_and_made_private(data_dir: Path, tmp_path: Path):
    out = tmp_path / "intakes.csv"
    out.write_text("old export\n")
    out.chmod(0o644)
    done = kiosk("export", "--format", "csv", "--data", str(data_dir), "--out", str(out))
    assert done.returncode == 0, done.stderr.decode()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"\xef\xbb\xbfintake.id,")


def test_patient_records_are_never_printed_to_a_terminal(data_dir: Path):
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run([str(KIOSK), "export", "--format", "csv", "--data", str(data_dir)],
                              stdout=terminal, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(terminal)
    os.set_blocking(controller, False)
    try:
        shown = os.read(controller, 65536)
    except (BlockingIOError, OSError):
        shown = b""
    os.close(controller)
    assert done.returncode == 1
    assert PATIENT_NAME.encode() not in shown
    assert done.stderr.decode() == ("kiosk: will not print patient records to the terminal; "
                                    "use --out FILE or redirect the output to a file\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "2025-13-01"], "'2025-13-01' is not a date like 2026-11-23"),
    (["--format", "xml"], "invalid choice: 'xml'"),
    (["--since", "2025-02-01", "--until", "2025-01-01"],
     "kiosk: --since 2025-02-01 is after --until 2025-01-01"),
    (["--out", "/nonexistent-folder/out.json"],
     "kiosk: the folder /nonexistent-folder does not exist; create it or choose another"),
])
def test_mistakes_get_one_clear_line_and_no_traceback(data_dir: Path, args: list[str],
                                                       message: str):
    arguments = ["--format", "fhir", *args] if "--format" not in args else args
    done = kiosk("export", "--data", str(data_dir), *arguments)
    assert done.returncode != 0
    assert message in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


def documented_commands() -> list[str]:
    """Every ``$ kiosk export ...`` line of docs/export.md."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    return [line[2:] for line in lines if line.startswith("$ kiosk export")]


def test_the_guide_documents_commands():
    assert len(documented_commands()) >= 4


@pytest.mark.parametrize("command", documented_commands())
def test_every_documented_export_command_works(data_dir: Path, tmp_path: Path, command: str):
    words = shlex.split(command)
    pipe_to = None
    if ">" in words:  # the shell redirection of an example
        pipe_to = tmp_path / words[words.index(">") + 1]
        words = words[:words.index(">")]
    (tmp_path / "exports").mkdir()
    environment = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    stdout = open(pipe_to, "wb") if pipe_to else subprocess.PIPE  # noqa: SIM115
    try:
        done = subprocess.run([str(KIOSK), *words[1:]], stdout=stdout, stderr=subprocess.PIPE,
                              cwd=tmp_path, env=environment, timeout=60)
    finally:
        if pipe_to:
            stdout.close()  # type: ignore[union-attr]
    assert done.returncode == 0, done.stderr.decode()
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert written, "the example wrote nothing"
    for path in written:
        content = path.read_bytes()
        if path.suffix == ".json":
            validate(json.loads(content))
        else:
            assert content.startswith(b"\xef\xbb\xbfintake.id,")
