"""The staff, audit and serve commands, run as a person runs them: ``kiosk ...`` in a shell."""

from __future__ import annotations

import base64
import http.client
import json
import os
import pty
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.intake import Intake
from kiosk.store import Store
from kiosk.viewer import viewer_answers
from kiosk.viewer.accounts import StaffAccounts
from viewer.conftest import STAFF_NAME, STAFF_PASSWORD, Browser

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def kiosk(*args: str, data: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args, "--data", str(data)], input=stdin, text=True,
                          capture_output=True, timeout=60)


def test_staff_add_list_remove(tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = kiosk("staff", "add", "Bea", "--password-stdin", data=data,
                  stdin="a long enough password\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added staff account 'bea' and set up the clinic's key.")
    listed = kiosk("staff", "list", data=data)
    assert listed.stdout.startswith("bea\tadded 20")
    again = kiosk("staff", "add", "bea", "--user", "bea", "--password-stdin", data=data,
                  stdin="a long enough password\nanother one!\n")
    assert again.returncode == 2
    assert "already exists" in again.stderr
    more = kiosk("staff", "add", "cy", "--user", "bea", "--password-stdin", data=data,
                 stdin="a long enough password\nanother one!\n")
    assert more.returncode == 0, more.stderr
    last = kiosk("staff", "remove", "cy", "--user", "cy", "--password-stdin", data=data,
                 stdin="another one!\n")
    assert last.returncode == 0, last.stderr
    alone = kiosk("staff", "remove", "bea", "--user", "bea", "--password-stdin", data=data,
                  stdin="a long enough password\n")
    assert alone.returncode == 1 and "last account holding the clinic's key" in alone.stderr
    assert kiosk("staff", "list", data=data).stdout.startswith("bea\t")
    gone = kiosk("staff", "remove", "cy", "--user", "bea", "--password-stdin", data=data,
                 stdin="a long enough password\n")
    assert "no staff account 'cy'" in gone.stderr


def test_staff_add_refuses_short_passwords_and_odd_names(tmp_path: Path) -> None:
    data = tmp_path / "data"
    short = kiosk("staff", "add", "bea", "--password-stdin", data=data, stdin="short\n")
    assert short.returncode == 1
    assert "at least 8 characters" in short.stderr
    odd = kiosk("staff", "add", "../bea", "--password-stdin", data=data, stdin="long enough pw\n")
    assert odd.returncode == 1
    assert "staff name" in odd.stderr
    assert kiosk("staff", "list", data=data).stdout.startswith("no staff accounts yet")


def test_the_password_is_never_printed_or_stored(tmp_path: Path) -> None:
    data = tmp_path / "data"
    secret = "Tr0ub4dor&3-horse"
    result = kiosk("staff", "add", "bea", "--password-stdin", data=data, stdin=secret + "\n")
    assert secret not in result.stdout + result.stderr
    # The password only wraps the clinic's key (scrypt, then AES-GCM): no hash of it is kept.
    wrapped = json.loads((data / "keys" / "wrapped-keys.json").read_text("utf-8"))
    stored = wrapped["accounts"]["bea"]["wrap"]
    assert (stored["n"], stored["r"], stored["p"]) == (2**15, 8, 1)
    assert len(base64.b64decode(stored["salt"])) == 16
    assert "bea" not in json.loads((data / "documents" / "staff.json").read_text())["accounts"]
    for path in data.rglob("*"):
        assert not path.is_file() or secret.encode() not in path.read_bytes()


def test_staff_add_prompts_twice_on_a_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pid, terminal = pty.fork()
    if pid == 0:  # the child: kiosk with the pseudo-terminal as its controlling terminal
        os.execv(sys.executable, [*KIOSK, "staff", "add", "cleo", "--data", str(data)])
    seen = b""
    for answer in (b"typed on the tablet\n", b"typed on the tablet\n"):
        seen += read_until(terminal, b"password")
        os.write(terminal, answer)
    seen += read_until(terminal, b"added staff account")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"again" in seen
    assert b"typed on the tablet" not in seen  # never echoed
    assert [account.name for account in StaffAccounts(Store(data)).all_accounts()] == ["cleo"]


def read_until(terminal: int, wanted: bytes, timeout: float = 20) -> bytes:
    seen, deadline = b"", time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([terminal], [], [], 0.1)
        if ready:
            try:
                seen += os.read(terminal, 1024)
            except OSError:
                break
    assert wanted in seen, seen
    return seen


def test_audit_prints_who_did_what_to_which_record(staff: Browser, intake: Intake,
                                                   store: Store) -> None:
    staff.get(f"/i/{intake.id}")
    staff.post(f"/i/{intake.id}/review", {"csrf": staff.get(f"/i/{intake.id}").csrf()})
    everything = kiosk("audit", data=store.root)
    assert everything.returncode == 0
    rows = [line.split("\t") for line in everything.stdout.splitlines()]
    assert [row[1:] for row in rows if row[2] == "login"] == \
        [[STAFF_NAME, "login", "-", "127.0.0.1"]]
    assert [STAFF_NAME, "review", intake.id, "127.0.0.1"] in [row[1:] for row in rows]
    one = kiosk("audit", "--record", intake.short_code, data=store.root)
    actions = [line.split("\t")[2] for line in one.stdout.splitlines()]
    assert actions == ["view", "view", "review"]
    assert all(line.endswith(" UTC") for line in (r[0] for r in rows))
    missing = kiosk("audit", "--record", "ZZZZZZ", data=store.root)
    assert missing.returncode == 1
    assert "no record" in missing.stderr


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """``kiosk serve --port 0`` running; yields the process and the port it took."""
    process = subprocess.Popen(
        [*KIOSK, "serve", "--port", "0", "--data", str(tmp_path / "data"),
         "--public-url", "http://kiosk.clinic.test:8765"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert "listening on http://127.0.0.1:" in first, first + process.stderr.read()
    port = int(first.rsplit(":", 1)[1])
    yield process, port
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def test_serve_answers_and_says_how_phones_reach_it(serving: tuple[subprocess.Popen[str],
                                                                    int]) -> None:
    process, port = serving
    assert process.stdout is not None
    told = "".join(process.stdout.readline() for _ in range(4))
    assert "QR links open http://kiosk.clinic.test:8765/i/..." in told
    assert "--host 0.0.0.0" in told
    assert "kiosk staff add NAME" in told
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/healthz")
    assert json.loads(connection.getresponse().read()) == {"service": "intake-kiosk-viewer"}
    assert viewer_answers("127.0.0.1", port)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 130
    assert not viewer_answers("127.0.0.1", port)


def test_a_second_viewer_on_the_same_port_is_not_started(
        serving: tuple[subprocess.Popen[str], int], tmp_path: Path) -> None:
    _, port = serving
    second = kiosk("serve", "--port", str(port), data=tmp_path / "data")
    assert second.returncode == 1
    assert "already answers on port" in second.stderr


def test_viewer_answers_no_for_another_program_or_nobody() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        assert not viewer_answers("127.0.0.1", port, timeout=0.5)
    assert not viewer_answers("127.0.0.1", port, timeout=0.5)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test "
                    "certificate")
def test_serve_with_tls_marks_the_session_cookie_secure(tmp_path: Path, store: Store) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost"],
                   check=True, capture_output=True, timeout=60)
    process = subprocess.Popen(
        [*KIOSK, "serve", "--port", "0", "--data", str(store.root), "--certfile", str(cert),
         "--keyfile", str(key)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "listening on https://127.0.0.1:" in first, first + process.stderr.read()
        port = int(first.rsplit(":", 1)[1])
        assert "QR links open https://" in process.stdout.readline()
        assert viewer_answers("127.0.0.1", port)
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False

        def call(method: str, path: str, body: str = "",
                 cookie: str = "") -> http.client.HTTPResponse:
            connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                                     context=context)
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            connection.request(method, path, body=body or None, headers=headers)
            return connection.getresponse()

        form = call("GET", "/login")
        login_cookie = form.headers["Set-Cookie"].split(";")[0]
        assert "; Secure" in form.headers["Set-Cookie"]
        csrf = form.read().decode().split('name="csrf" value="')[1].split('"')[0]
        body = f"username={STAFF_NAME}&password={STAFF_PASSWORD.replace(' ', '+')}&csrf={csrf}"
        done = call("POST", "/login", body, login_cookie)
        assert done.status == 303
        session = [c for c in done.headers.get_all("Set-Cookie") or []
                   if c.startswith("kiosk_session=")]
        assert session and "; Secure" in session[0] and "HttpOnly" in session[0]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def test_serve_refuses_a_missing_certificate(tmp_path: Path) -> None:
    result = kiosk("serve", "--port", "0", "--certfile", str(tmp_path / "none.pem"),
                   data=tmp_path / "data")
    assert result.returncode == 1
    assert "cannot use the certificate" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_a_port_another_program_holds_says_so(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = kiosk("serve", "--port", str(port), data=tmp_path / "data")
    assert result.returncode == 1
    assert f"cannot serve the clinician viewer on 127.0.0.1:{port}" in result.stderr
    assert "choose another --port" in result.stderr
    assert "Traceback" not in result.stderr
