"""The clinician guide tells the truth: its commands parse, and its staff examples print that."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import build_parser

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "clinician-guide.md"
KIOSK = [sys.executable, "-m", "kiosk.cli"]


def console_sessions() -> list[tuple[str, list[str]]]:
    """Each ``$ command`` of the guide's console blocks with the output lines shown under it."""
    text = GUIDE.read_text("utf-8")
    sessions: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.replace("\\\n    ", "").splitlines():
            if line.startswith("$ "):
                sessions.append((line[2:], []))
            elif sessions:
                sessions[-1][1].append(line)
    return sessions


def kiosk_arguments(command: str) -> list[str] | None:
    """The arguments after ``kiosk`` in a guide command, or None if it runs something else."""
    words = shlex.split(command.split("|")[-1])
    if words[0] != ".venv/bin/kiosk":
        return None
    return words[1:]


def test_the_guide_shows_every_viewer_command() -> None:
    commands = [kiosk_arguments(command) for command, _ in console_sessions()]
    used = {words[0] + (f" {words[1]}" if words[0] in ("staff", "keys") else "")
            for words in commands if words}
    assert used == {"staff add", "staff list", "staff passwd", "staff remove", "keys recovery",
                    "serve", "audit", "records"}


@pytest.mark.parametrize("command", [c for c, _ in console_sessions() if kiosk_arguments(c)])
def test_every_kiosk_command_in_the_guide_parses(command: str) -> None:
    arguments = kiosk_arguments(command)
    assert arguments is not None
    parsed = build_parser().parse_args(arguments)
    assert callable(parsed.handler)


PROMPT = re.compile(r"(New password|New password again|Password|Password for \w+):")
RECOVERY_CODE = re.compile(r"\b[0-9A-Z]{5}(-[0-9A-Z]{5}){4}\b")


def printed(lines: list[str]) -> list[str]:
    """Lines as standard output has them: no password prompts (those go to the terminal),
    recovery codes (new each time) masked."""
    return [RECOVERY_CODE.sub("CODE", line) for line in lines if not PROMPT.fullmatch(line)]


def test_the_staff_examples_print_what_the_guide_shows(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    sessions = {command: printed(output) for command, output in console_sessions()}

    def run(arguments: list[str], *lines: str) -> list[str]:
        """The command with its passwords on standard input, one a line."""
        stdin = "".join(f"{line}\n" for line in lines)
        if lines and "--password-stdin" not in arguments:
            arguments = [*arguments, "--password-stdin"]
        result = subprocess.run([*KIOSK, *arguments, "--data", data], input=stdin, text=True,
                                capture_output=True, timeout=60, check=True)
        return printed(result.stdout.splitlines())

    def shown(command: str) -> list[str]:
        return sessions[f".venv/bin/kiosk {command}"]

    assert run(["staff", "add", "ana"], "the first password") == shown("staff add ana")
    piped = next(c for c in sessions if "--password-stdin" in c)
    assert run(kiosk_arguments(piped) or [], "the first password", "another password") == \
        sessions[piped]
    listing = run(["staff", "list"])
    assert [line.split("\t")[0] for line in listing] == \
        [line.split("\t")[0] for line in shown("staff list")]
    assert all(re.fullmatch(r"\w+\tadded \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", line)
               for line in listing + shown("staff list"))
    assert run(["staff", "passwd", "ben"], "another password", "a third password") == \
        shown("staff passwd ben")
    assert run(["staff", "remove", "ben", "--user", "ana"], "the first password") == \
        shown("staff remove ben --user ana")
    assert run(["keys", "recovery", "--user", "ana"], "the first password") == \
        shown("keys recovery --user ana")
