"""The tablet guide's "Tablets in a browser" section tells the truth about ``kiosk web``.

Every ``kiosk`` command in it parses with the real parser; every one shown with its
output is run (on free ports, in a temporary data folder) and prints those lines,
addresses and ports aside.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from kiosk.cli import build_parser
from web.conftest import start_kiosk_web, stop_kiosk_web

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "tablet-setup.md"
ADDRESS = re.compile(r"https?://[^\s/;]+:\d+")


def section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("## Tablets in a browser")
    following = text.find("\n## ", start + 1)
    return text[start:] if following < 0 else text[start:following]


def console_examples() -> list[tuple[list[str], list[str]]]:
    """(command words after ``kiosk``, the output lines shown) of each console block."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", section(), flags=re.S):
        lines = [line.strip() for line in block.strip().splitlines()]
        assert lines[0].startswith("$ kiosk "), lines[0]
        examples.append((shlex.split(lines[0])[2:], lines[1:]))
    return examples


def normal(line: str) -> str:
    return ADDRESS.sub("ADDRESS", line)


def test_the_section_is_there_once_with_examples() -> None:
    assert GUIDE.read_text(encoding="utf-8").count("\n## Tablets in a browser\n") == 1
    assert len(console_examples()) >= 4


@pytest.mark.parametrize("words", [words for words, _ in console_examples()],
                         ids=lambda words: " ".join(words))
def test_each_documented_command_parses(words: list[str]) -> None:
    args = build_parser().parse_args(words)
    assert args.command == "web"


@pytest.mark.parametrize("words,shown", [example for example in console_examples()
                                         if example[1]], ids=lambda value: str(value)[:40])
def test_each_documented_output_is_what_kiosk_web_prints(
        words: list[str], shown: list[str], tmp_path: Path) -> None:
    options = words[1:]
    options[options.index("--data") + 1] = str(tmp_path / "data")
    if "--no-serve" not in options:
        options += ["--viewer-port", "0"]
    server = start_kiosk_web(tmp_path / "data", *options)
    try:
        assert [normal(line) for line in server.output] == [normal(line) for line in shown]
    finally:
        stop_kiosk_web(server)
