"""The kiosk commands as staff type them: `kiosk`, `kiosk preview`, `kiosk config`."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import select
import shlex
import struct
import sys
import termios
import time
from pathlib import Path

import pytest
from kiosk_setup import EVERY_TYPE, FIXTURES, STAFF_PIN

from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.pins import pin_matches

KIOSK = Path(sys.executable).parent / "kiosk"
REPO = Path(__file__).resolve().parents[2]
F12, SHIFT_TAB, CTRL_C, CTRL_Q = b"\x1b[24~", b"\x1b[Z", b"\x03", b"\x11"


class Terminal:
    """A real pseudo-terminal (80x24) running one ``kiosk`` command."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the kiosk
            os.environ.update({"TERM": "xterm-256color", **(env or {})})
            os.execv(KIOSK, [str(KIOSK), *args])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.output = b""
        self.status: int | None = None

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        closed = False
        while time.monotonic() < end and self.status is None:
            if closed:  # the kiosk closed its terminal: it is on its way out
                time.sleep(0.05)
            elif select.select([self.fd], [], [], 0.05)[0]:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:
                    closed = True
            self.poll()

    def wait_for(self, text: str, seconds: float = 15.0) -> None:
        end = time.monotonic() + seconds
        while text.encode() not in self.output and time.monotonic() < end:
            self.read(0.1)
        assert text.encode() in self.output, f"{text!r} never appeared"

    def send(self, keys: bytes, settle: float = 0.5) -> None:
        os.write(self.fd, keys)
        self.read(settle)

    def poll(self) -> None:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)

    def leave_with_the_pin(self) -> None:
        """F12, the staff PIN, Exit: the kiosk ends cleanly."""
        self.send(F12)
        self.wait_for("Enter the staff PIN.")
        self.send(STAFF_PIN.encode() + b"\r")
        self.wait_for("Exit kiosk")
        self.send(SHIFT_TAB + b"\r")
        assert self.wait_exit() == 0
        assert b"Traceback" not in self.output

    def wait_exit(self, seconds: float = 15.0) -> int | None:
        self.read(seconds)
        return self.status

    def close(self) -> None:
        self.poll()
        if self.status is None:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "kiosk-data"


def set_staff_pin(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(STAFF_PIN + "\n"))
    assert main(["config", "set-pin", "--pin-stdin", "--data", str(data)]) == 0


def viewer_child(kiosk_pid: int, seconds: float = 10.0) -> int:
    """The process id of the ``kiosk serve`` the kiosk started (its child)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for entry in Path("/proc").iterdir():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except (OSError, ValueError):
                continue
            if parent == kiosk_pid and b"serve" in command:
                return int(entry.name)
        time.sleep(0.05)
    raise AssertionError("the kiosk started no viewer")


def test_kiosk_with_no_command_is_the_kiosk_with_its_viewer_and_only_the_pin_ends_them(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_staff_pin(data, monkeypatch)
    terminal = Terminal("--data", str(data), "--host", "127.0.0.1", "--port", "0")
    try:
        terminal.wait_for("Coming back for another session")  # the bundled pair: a choice
        viewer = viewer_child(terminal.pid)
        terminal.send(CTRL_C)
        terminal.send(CTRL_Q)
        assert terminal.status is None  # still running
        terminal.leave_with_the_pin()
        assert not Path(f"/proc/{viewer}").exists(), "the viewer stopped with the kiosk"
        assert b"listening" not in terminal.output, "the viewer never writes on the kiosk"
        assert "viewer: QR links open" in (data / "kiosk.log").read_text(), "its log is kept"
    finally:
        terminal.close()


def test_a_second_start_paints_from_the_card_and_runs_the_same_kiosk(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_staff_pin(data, monkeypatch)
    first = Terminal("--data", str(data), "--no-serve")
    try:
        first.wait_for("Coming back for another session")
    finally:
        first.close()
    assert (data / "cache" / "welcome-card.json").exists()
    second = Terminal("--data", str(data), "--no-serve")
    try:
        second.wait_for("Coming back for another session")
        second.send(b"\r")  # "First visit here", at once: it waits for what loads after the paint
        second.wait_for("About you")
        second.leave_with_the_pin()
    finally:
        second.close()


def test_the_guide_s_one_questionnaire_kiosk_asks_nothing(data: Path) -> None:
    guide = (REPO / "docs" / "tablet-setup.md").read_text(encoding="utf-8")
    (command,) = [line for line in guide.splitlines()
                  if line.startswith(".venv/bin/kiosk --data ./kiosk-data --questionnaire ")]
    words = shlex.split(command)[1:]
    words[words.index("./kiosk-data")] = str(data)
    at = words.index("--questionnaire") + 1
    words[at] = str(REPO / words[at])
    terminal = Terminal(*words, "--no-serve")
    try:
        terminal.wait_for("Start check-in")
        assert b"First visit here" not in terminal.output
        terminal.send(b"\r")
        terminal.wait_for("About you")
    finally:
        terminal.close()


def test_preview_runs_files_in_a_folder_it_deletes(data: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    terminal = Terminal("preview", str(FIXTURES / "first_visit.yaml"),
                        str(FIXTURES / "coming_back.yaml"), "--data", str(data),
                        env={"TMPDIR": str(scratch)})
    try:
        terminal.wait_for("Coming back for another session")  # two files: Welcome asks
        assert [path.name[:14] for path in scratch.iterdir()] == ["kiosk-preview-"]
        terminal.send(F12)
        terminal.wait_for("Exit kiosk")
        terminal.send(SHIFT_TAB + b"\r")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()
    assert list(scratch.iterdir()) == []


def test_set_pin_stores_only_a_hash(data: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("4321\n"))
    assert main(["config", "set-pin", "--pin-stdin", "--data", str(data)]) == 0
    stored = (data / "config.json").read_text(encoding="utf-8")
    assert "4321" not in stored
    assert pin_matches("4321", json.loads(stored)["staff_pin_hash"])
    assert oct((data / "config.json").stat().st_mode & 0o777) == "0o600"


def test_set_pin_asks_twice_and_refuses_a_mismatch(data: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["1357", "1375"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["config", "set-pin", "--data", str(data)]) == 1
    assert "the two PINs differ" in capsys.readouterr().err
    assert load_settings(data).staff_pin_hash is None


def test_set_and_show_settings_never_show_the_pin(data: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("4321\n"))
    main(["config", "set-pin", "--pin-stdin", "--data", str(data)])
    assert main(["config", "set", "clinic_name", "Riverside Physio", "--data", str(data)]) == 0
    assert main(["config", "set", "public_url", "http://192.168.1.20:8765/",
                 "--data", str(data)]) == 0
    assert main(["config", "set", "station", "front-desk", "--data", str(data)]) == 0
    assert main(["config", "set", "idle_timeout", "120", "--data", str(data)]) == 0
    capsys.readouterr()
    assert main(["config", "show", "--data", str(data)]) == 0
    shown = capsys.readouterr().out
    assert "clinic_name: Riverside Physio" in shown
    assert "public_url: http://192.168.1.20:8765\n" in shown
    assert "station: front-desk" in shown and "idle_timeout: 120.0" in shown
    assert "staff_pin: set" in shown and "scrypt" not in shown
    settings = load_settings(data)
    assert (settings.clinic_name, settings.station, settings.idle_timeout) == \
        ("Riverside Physio", "front-desk", 120.0)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("station", "front desk", "station: use 1 to 40 letters, digits"),
    ("idle_timeout", "0", "idle_timeout: Input should be greater than 0"),
    ("public_url", "ftp://kiosk", "must look like http://HOST:PORT"),
])
def test_a_bad_setting_is_refused_with_a_clear_line(data: Path, key: str, value: str,
                                                    message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", key, value, "--data", str(data)]) == 1
    assert message in capsys.readouterr().err
    assert not (data / "config.json").exists()


def test_a_broken_questionnaire_stops_the_kiosk_before_it_starts(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(EVERY_TYPE.read_text(encoding="utf-8").replace(
        "show_if: blood_thinners == true", "show_if: blood_thiners == true"), encoding="utf-8")
    assert main(["run", "--questionnaire", str(broken), "--data", str(data), "--no-serve"]) == 1
    error = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(broken))}:\d+: .*blood_thiners", error)
    assert "Traceback" not in error


def test_a_bad_station_name_is_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--station", "front desk", "--data", str(data), "--no-serve"]) == 1
    assert "--station" in capsys.readouterr().err
