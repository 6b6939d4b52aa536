"""`kiosk validate` as staff run it: exit status, OK summary, PATH:LINE lines on stderr."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands import validate

KIOSK = str(Path(sys.executable).with_name("kiosk"))

GOOD = """
id: good
version: 3
title: Good
sections:
  - id: s
    title: S
    items:
      - id: a
        type: yes_no
        label: A?
      - id: b
        type: text
        label: B
        show_if: a == true
"""
# GOOD, with the items that say who the patient is (without them, validate warns).
NAMED = GOOD + """      - id: full_name
        type: text
        label: Full name
        role: name
      - id: date_of_birth
        type: date
        label: Date of birth
        role: birth_date
"""


GOOD_CASES = """
cases:
  - name: says yes to A
    answers: {a: true}
    shown: [b]
  - name: says no to A
    hidden: [b]
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KIOSK, "validate", *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_a_good_file_passes_with_a_one_line_summary(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(NAMED)
    write_yaml(GOOD_CASES, "questionnaire.cases.yaml")
    done = run(str(path))
    assert done.returncode == 0
    assert done.stdout == f"{path}: OK, 'good' version 3, 1 sections, 4 items, 2 cases passed\n"
    assert done.stderr == ""


def test_a_file_that_cannot_link_visits_passes_with_warnings(
        write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(NAMED.replace("        role: birth_date\n", ""))
    done = run(str(path))
    assert done.returncode == 0
    assert done.stdout == f"{path}: OK, 'good' version 3, 1 sections, 4 items, 2 warning(s)\n"
    assert done.stderr == (
        f"{path}:1: warning: no test cases: {path.with_name('questionnaire.cases.yaml')} is "
        "missing (see 'Test cases' in the staff guide)\n"
        f"{path}:4: warning: sections: no item has 'role: birth_date', so this file's visits "
        "cannot be linked to a patient; add it to the item that asks for the date of birth\n")
    quiet = run("--quiet-warnings", str(write_yaml(GOOD, "bare.yaml")))
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.endswith(", 2 items, 3 warning(s)\n")


def test_a_broken_file_fails_with_its_lines(write_yaml: Callable[..., Path]) -> None:
    good = write_yaml(NAMED, "good.yaml")
    broken = write_yaml(GOOD.replace("show_if: a == true", "show_if: aa == true"), "bad.yaml")
    done = run(str(good), str(broken))
    assert done.returncode == 1
    assert done.stdout.startswith(f"{good}: OK")
    assert done.stderr.splitlines() == [
        f"{good}:1: warning: no test cases: {good.with_name('good.cases.yaml')} is missing "
        "(see 'Test cases' in the staff guide)",
        f"{broken}:14: item 'b': show_if refers to unknown or later item 'aa'",
        f"{broken}: FAILED, 1 error(s)",
    ]
    assert "Traceback" not in done.stderr


def test_garbage_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\x00\xff\xfe{{{[[[: :")
    done = run(str(garbage), str(tmp_path / "missing.yaml"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{garbage}:1: the file is not UTF-8 text" in done.stderr
    assert f"{tmp_path / 'missing.yaml'}:0: cannot read the file" in done.stderr


def test_an_unexpected_error_shows_its_kind_but_no_traceback_or_answer(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        write_yaml: Callable[..., Path]) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError("Ana López takes warfarin")

    monkeypatch.setattr(validate, "read_questionnaire_with_cases", broken)
    monkeypatch.delenv("KIOSK_DEBUG", raising=False)
    assert main(["validate", str(write_yaml(GOOD))]) == 70
    err = capsys.readouterr().err
    assert "unexpected error (ValueError)" in err
    assert "Ana" not in err and "Traceback" not in err
