"""The README's commands are true: CI runs its test command, and its staff commands work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
KIOSK = str(Path(sys.executable).with_name("kiosk"))


def indented_commands() -> list[str]:
    return [line.strip() for line in README.splitlines()
            if re.match(r"^ {4,}(python3|\.venv/bin/)", line)]


def test_the_readme_opens_with_start_and_test_commands() -> None:
    start, tests = indented_commands()[:2]
    assert start.startswith("python3 -m venv .venv && .venv/bin/pip install -e . && ")
    assert start.endswith(".venv/bin/kiosk --data ./kiosk-data")
    assert tests.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && ")
    assert ".venv/bin/python -m pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    pattern = re.search(r'grep -m1 -E "(.+?)" README.md', ci)
    assert pattern is not None
    matches = [line for line in README.splitlines() if re.search(pattern.group(1), line)]
    assert matches and matches[0].strip() == indented_commands()[1]


def test_the_first_day_public_url_command_works(tmp_path: Path) -> None:
    (command,) = [c for c in indented_commands() if "config set public_url" in c]
    args = command.replace(".venv/bin/kiosk", KIOSK).replace("./kiosk-data", str(tmp_path))
    done = subprocess.run(args.split(), capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    shown = subprocess.run([KIOSK, "config", "show", "--data", str(tmp_path)],
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "http://192.168.1.20:8765" in shown.stdout


def test_every_command_in_the_table_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    names = set(re.findall(r"^\| `kiosk (\w+)", README, flags=re.MULTILINE))
    assert {"validate", "preview", "serve", "web", "records", "submit", "export", "audit",
            "staff"} <= names
    for name in sorted(names):
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: kiosk {name}")


def test_the_bundled_questionnaire_validates_as_the_readme_says() -> None:
    done = subprocess.run([KIOSK, "validate", "questionnaires/dry-needling.yaml"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and done.stderr == ""
