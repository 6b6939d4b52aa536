"""``kiosk submit``: answers files checked as the kiosk checks them, valid ones saved."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from answers_fixture import complete_answers
from test_store_helpers import KIOSK, answers, kiosk, write_small_questionnaire

from kiosk.ids import looks_like_record_id, looks_like_short_code
from kiosk.store import Store


def write_lines(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line)
                              for line in lines) + "\n", encoding="utf-8")
    return path


def test_a_complete_intake_for_the_bundled_questionnaire_is_saved_and_linked(
        tmp_path: Path) -> None:
    answers_file = tmp_path / "ana.json"
    answers_file.write_text(json.dumps(complete_answers(), indent=2), encoding="utf-8")
    result = kiosk("submit", "--answers", str(answers_file), "--data", str(tmp_path / "data"),
                   "--station", "front-desk", "--public-url", "https://clinic.example/")
    assert (result.returncode, result.stderr) == (0, "")
    record_id, short_code, link = result.stdout.strip().split("  ")
    assert looks_like_record_id(record_id) and looks_like_short_code(short_code)
    assert link == f"https://clinic.example/i/{record_id}"
    stored = Store(tmp_path / "data").get_intake(short_code)
    assert (stored.id, stored.status, stored.station) == (record_id, "submitted", "front-desk")
    assert stored.questionnaire.id == "dry-needling-intake"
    assert stored.answers["full_name"] == complete_answers()["full_name"]


def test_the_link_uses_the_configured_public_url(tmp_path: Path) -> None:
    questionnaire = write_small_questionnaire(tmp_path)
    answers_file = write_lines(tmp_path / "one.jsonl", answers())
    result = kiosk("submit", "--answers", str(answers_file), "--questionnaire",
                   str(questionnaire), "--data", str(tmp_path / "data"),
                   env={"KIOSK_PUBLIC_URL": "http://10.0.0.5:8765"})
    assert result.returncode == 0, result.stderr
    record_id = result.stdout.split()[0]
    assert result.stdout.split()[2] == f"http://10.0.0.5:8765/i/{record_id}"


def test_invalid_answer_sets_are_reported_by_line_and_only_valid_ones_saved(
        tmp_path: Path) -> None:
    questionnaire = write_small_questionnaire(tmp_path)
    no_consent = answers("Bo Li")
    del no_consent["consent"]
    answers_file = write_lines(
        tmp_path / "mixed.jsonl",
        answers("Ana Diaz", blood_thinners=True),                   # 1: saved
        answers("Cy Ode") | {"pain_now": 11},                       # 2: out of range
        '{"full_name": "Dee", oops}',                               # 3: not JSON
        "",                                                         # 4: blank, skipped
        no_consent,                                                 # 5: required missing
        answers("Eve Ng") | {"pain_nw": 3},                         # 6: unknown item
        answers("Fay Wu") | {"conditions": ["pacemaker", "none"]},  # 7: exclusive option
        '["not", "an", "object"]',                                  # 8: not an object
        answers("Gus Roy") | {"blood_thinner_name": "aspirin"},     # 9: hidden answer dropped
    )
    data = tmp_path / "data"
    result = kiosk("submit", "--answers", str(answers_file), "--questionnaire",
                   str(questionnaire), "--data", str(data), "--public-url", "http://kiosk:8765")
    assert result.returncode == 1
    name = str(answers_file)
    assert result.stderr.splitlines() == [
        f"{name}:2: pain_now: Please enter 10 or less.",
        f"{name}:3: not valid JSON (Expecting property name enclosed in double quotes, "
        "column 22)",
        f"{name}:5: consent: Please answer this question.",
        f"{name}:6: pain_nw: not an item of questionnaire 'small-intake'",
        f"{name}:7: conditions: \"None of these\" cannot be combined with other choices.",
        f"{name}:8: expected a JSON object of answers keyed by item id",
    ]
    saved_ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert len(saved_ids) == 2
    store = Store(data)
    stored = {record.answers["full_name"]: record for record in store.list_intakes()}
    assert sorted(stored) == ["Ana Diaz", "Gus Roy"]
    assert sorted(record.id for record in stored.values()) == sorted(saved_ids)
    assert stored["Ana Diaz"].flags[0].level == "caution"
    assert "blood_thinner_name" not in stored["Gus Roy"].answers
    # Nothing of the rejected ones was half-saved: the indexes hold the two records only.
    id_entries = [key for path in (data / "index" / "ids").glob("*.json")
                  for key in json.loads(path.read_text())]
    assert sorted(id_entries) == sorted(saved_ids)


def test_an_all_invalid_file_saves_nothing(tmp_path: Path) -> None:
    questionnaire = write_small_questionnaire(tmp_path)
    answers_file = write_lines(tmp_path / "bad.json", {"full_name": "Ana"})
    data = tmp_path / "data"
    result = kiosk("submit", "--answers", str(answers_file), "--questionnaire",
                   str(questionnaire), "--data", str(data), "--public-url", "http://kiosk:8765")
    assert result.returncode == 1 and result.stdout == ""
    assert f"{answers_file}:1: pain_now: Please answer this question." in result.stderr
    assert Store(data).list_intakes() == []
    assert not [p for p in data.rglob("*.json")]


def test_each_line_is_printed_as_soon_as_its_record_is_saved(tmp_path: Path) -> None:
    questionnaire = write_small_questionnaire(tmp_path)
    answers_file = write_lines(tmp_path / "many.jsonl",
                               *(answers(f"Patient {n}") for n in range(100)))
    data = tmp_path / "data"
    with subprocess.Popen([str(KIOSK), "submit", "--answers", str(answers_file),
                           "--questionnaire", str(questionnaire), "--data", str(data),
                           "--public-url", "http://kiosk:8765"],
                          stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        first_id = process.stdout.readline().split()[0]
        still_running = process.poll() is None
        assert Store(data).get_intake(first_id).answers["full_name"] == "Patient 0"
        rest = process.stdout.read()
    assert still_running  # the first line came out while the other 99 were still saving
    assert process.returncode == 0 and len(rest.splitlines()) == 99


def test_problems_with_the_files_are_one_clear_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\ntitle: X\nsections: []\n", encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    good = write_lines(tmp_path / "one.jsonl", answers())
    cases = {
        ("--answers", str(tmp_path / "missing.json")):
            f"kiosk: {tmp_path / 'missing.json'}: cannot read the answers file: "
            "No such file or directory",
        ("--answers", str(empty), "--questionnaire", str(write_small_questionnaire(tmp_path))):
            f"kiosk: {empty}: no answers found (expected a JSON object, or one JSON object "
            "per line)",
        ("--answers", str(good), "--questionnaire", str(broken)):
            f"kiosk: the questionnaire cannot be used; `kiosk validate {broken}` lists",
        ("--answers", str(good), "--public-url", "kiosk.local"):
            "kiosk: public URL 'kiosk.local' must look like http://HOST:PORT or https://HOST",
    }
    for args, expected in cases.items():
        result = kiosk("submit", *args, "--data", str(tmp_path / "data"))
        assert result.returncode == 1 and result.stdout == "", args
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(expected)
    assert Store(tmp_path / "data").list_intakes() == []
