"""The clinician viewer as a child process of a kiosk (``kiosk run``, ``kiosk web``).

The key that opens sealed records is to live only in the viewer's memory, so the
patient-facing process never loads the viewer: it starts ``kiosk serve --parent-watch``
for the same data folder and stops it when it stops. The child watches its stdin (a
pipe from the kiosk) and stops by itself at its end, so a kiosk killed outright takes
its viewer with it. What the child prints never reaches the patient's terminal: the
kiosk reads the bound port from it and logs the rest (the viewer's access log, which
names routes, never records) as its own, so ``kiosk run`` keeps it in ``kiosk.log``.

This module must not import aiohttp, jinja2 or ``kiosk.viewer``.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kiosk.viewer_probe import viewer_answers

START_SECONDS = 30.0  # a child that has not said its port by then is stopped
STOP_SECONDS = 3.0  # after SIGTERM, how long before SIGKILL
LISTENING = re.compile(r"Clinician viewer listening on \S+://\S+:(\d+)$")  # kiosk serve's line

log = logging.getLogger("kiosk.viewer_child")


@dataclass(frozen=True)
class ViewerPlan:
    """Where a kiosk's clinician viewer listens (with TLS if a certificate is given)."""

    host: str
    port: int
    certfile: Path | None = None
    keyfile: Path | None = None


def serve_command(plan: ViewerPlan, data_dir: Path, public_url: str) -> list[str]:
    """``kiosk serve`` for this plan, as the child runs it."""
    argv = [sys.executable, "-m", "kiosk.cli", "serve", "--parent-watch",
            "--data", str(data_dir.resolve()), "--host", plan.host, "--port", str(plan.port),
            "--public-url", public_url]
    if plan.certfile is not None:
        argv += ["--certfile", str(plan.certfile.resolve())]
    if plan.keyfile is not None:
        argv += ["--keyfile", str(plan.keyfile.resolve())]
    return argv


class ViewerChild:
    """One kiosk's viewer process: ``start()`` on a thread (it waits for the child to
    listen), ``stop()`` from any thread, even while ``start()`` still waits."""

    def __init__(self, plan: ViewerPlan, data_dir: Path, public_url: str) -> None:
        self.plan, self.data_dir, self.public_url = plan, data_dir, public_url
        self._state = "starting"
        self.port: int | None = None  # once serving
        self.problem: str | None = None  # why it is not running, if it failed
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def state(self) -> str:
        """What the staff screen says about the viewer (a crash after the start too)."""
        process = self._process
        if self.port is not None and process is not None and not self._stopped \
                and process.poll() is not None:
            return f"not running: the viewer process stopped (exit code {process.returncode})"
        return self._state

    def start(self) -> None:
        """Start the child unless a viewer already answers on the port; never raises."""
        try:
            self._start()
        except Exception as error:  # the kiosk must run even if the viewer cannot
            self._failed(f"could not start ({type(error).__name__})")

    def _start(self) -> None:
        plan = self.plan
        if plan.port and viewer_answers(plan.host, plan.port):
            self._state = f"already served on port {plan.port} by another process"
            return
        with self._lock:
            if self._stopped:
                return
            # Its own session: the terminal's signals (a Ctrl+C) are the kiosk's, not its.
            self._process = subprocess.Popen(
                serve_command(plan, self.data_dir, self.public_url), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                errors="replace", start_new_session=True)
        process = self._process
        assert process.stdout is not None
        give_up = threading.Timer(START_SECONDS, process.kill)
        give_up.start()
        try:
            port, last_line = _read_port(process.stdout)
        finally:
            give_up.cancel()
        if port is None:
            process.wait()
            process.stdout.close()
            if self._stopped:  # stopped by the kiosk while starting
                self._state = "stopped"
                return
            said = last_line.removeprefix("kiosk: ") if last_line.startswith("kiosk: ") else ""
            self._failed(said or f"the viewer process stopped (exit code {process.returncode})")
            return
        self._state = f"serving on {plan.host}:{port}"
        self.port = port
        threading.Thread(target=_log_output, args=(process.stdout,), daemon=True,
                         name="kiosk-viewer-output").start()

    def _failed(self, reason: str) -> None:
        log.warning("clinician viewer not started: %s", reason)
        self.problem = reason
        self._state = f"not running: {reason}"

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after ``STOP_SECONDS``) and wait for it."""
        with self._lock:
            self._stopped = True
            process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        assert process.stdin is not None
        process.stdin.close()


def _read_port(output: IO[str]) -> tuple[int | None, str]:
    """The port the child says it listens on (None: it ended first), and its last line."""
    last_line = ""
    for line in output:
        last_line = line.strip()
        found = LISTENING.search(last_line)
        if found:
            return int(found[1]), last_line
    return None, last_line


def _log_output(output: IO[str]) -> None:
    """Log what the child prints (its access log) until it ends; read, its pipe never fills."""
    with output:
        for line in output:
            log.info("viewer: %s", line.rstrip())


def stop_when_parent_exits() -> None:
    """In the child: at the end of stdin (the kiosk stopped, even if killed outright),
    stop the server as SIGTERM does."""
    def watch() -> None:
        # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read
        # would make the interpreter abort at exit.
        while os.read(0, 4096):
            pass  # the kiosk writes nothing; only the pipe's end matters
        os.kill(os.getpid(), signal.SIGTERM)  # kiosk serve stops cleanly on it

    threading.Thread(target=watch, daemon=True, name="kiosk-parent-watch").start()
