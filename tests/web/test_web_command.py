"""``kiosk web`` as staff start it: clear errors, the tablet page, who may open a kiosk tab."""

from __future__ import annotations

import asyncio
import http.client
import shlex
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest
from listening_sockets import listens_on

from kiosk.viewer_probe import viewer_answers
from kiosk.web_kiosk import TabKiosk
from web.conftest import KIOSK, TABLET_INTAKE, KioskWeb, stop_kiosk_web


def kiosk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KIOSK), *args], capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL, cwd=cwd)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another program is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def get(url: str, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    return connection.getresponse()


def test_a_taken_port_is_one_clear_line(tmp_path: Path, taken_port: int) -> None:
    result = kiosk("web", "--data", str(tmp_path), "--port", str(taken_port), "--no-serve")
    assert result.returncode == 1
    assert result.stderr == (f"kiosk: cannot serve the tablet kiosk on 127.0.0.1:{taken_port}: "
                             "Address already in use; choose another --port\n")
    assert "Traceback" not in result.stdout + result.stderr


def test_a_broken_questionnaire_stops_it_before_any_tablet_sees_a_blank_page(
        tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(TABLET_INTAKE.read_text().replace("type: yes_no", "type: yes_or_no"))
    result = kiosk("web", "--data", str(tmp_path / "data"), "--port", "0", "--no-serve",
                   "--questionnaire", str(broken))
    assert result.returncode == 1
    assert result.stderr.startswith(f"kiosk: {broken} cannot be used:\n{broken}:")
    assert "Tablets: open" not in result.stdout


def test_each_tab_runs_the_kiosk_with_absolute_paths_from_any_folder(tmp_path: Path) -> None:
    command = TabKiosk(Path("data"), (Path("forms/intake.yaml"), Path("forms/follow-up.yaml")),
                       45.0).command("http://clinic.example:8765")
    words = shlex.split(command)
    assert words[0] == "exec"
    assert words[words.index("--data") + 1] == str(Path.cwd() / "data")
    given = [words[at + 1] for at, word in enumerate(words) if word == "--questionnaire"]
    assert given == [str(Path.cwd() / "forms" / name) for name in ("intake.yaml", "follow-up.yaml")]
    assert words[words.index("--idle-timeout") + 1] == "45.0"


def test_the_tablet_page_is_self_contained_and_talks_back_to_the_address_it_came_from(
        kiosk_web: Callable[..., KioskWeb]) -> None:
    server = kiosk_web("--no-serve", "--font-size", "24")
    port = urlsplit(server.url).port
    page = get(server.url, "/")
    html = page.read().decode()
    assert page.status == 200
    assert page.getheader("Cache-Control") == "no-store"
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in html
    assert 'data-font-size="24"' in html
    assert "http://" not in html.replace(f"ws://127.0.0.1:{port}/ws", "")
    assert "https://" not in html, "a tablet page must not load anything from the internet"
    assert 'data-font-size="32"' in get(server.url, "/?fontsize=32").read().decode()
    assert 'data-font-size="24"' in get(server.url, "/?fontsize=999").read().decode()
    for asset in ("/static/js/textual.js", "/static/fonts/RobotoMono-VariableFont_wght.ttf",
                  "/manifest.webmanifest"):
        assert get(server.url, asset).status == 200, asset
    assert "Clinician viewer: not served here (--no-serve)" in "\n".join(server.output)


async def _tabs_and_stop(server: KioskWeb) -> tuple[int, int, float]:
    """One tab from the page's origin stays open; a second one and one from a foreign
    page are refused (their statuses). Then the server stops under the open tab:
    how long until that tab's connection closed."""
    url = server.url
    async with aiohttp.ClientSession() as session:
        first = await session.ws_connect(f"{url}/ws?width=80&height=24", origin=url)
        await first.receive(timeout=20)  # the tab's kiosk has started and draws
        statuses = []
        for origin in (url, "http://evil.example"):
            try:
                extra = await session.ws_connect(f"{url}/ws?width=80&height=24", origin=origin)
            except aiohttp.WSServerHandshakeError as refused:
                statuses.append(refused.status)
            else:
                await extra.close()
                statuses.append(101)
        started = time.monotonic()
        stopping = asyncio.create_task(asyncio.to_thread(stop_kiosk_web, server))
        while not first.closed:
            await first.receive(timeout=20)
        closed_after = time.monotonic() - started
        await stopping
        return statuses[0], statuses[1], closed_after


def test_only_the_kiosk_page_may_open_a_tab_and_no_more_than_max_tabs(
        kiosk_web: Callable[..., KioskWeb]) -> None:
    server = kiosk_web("--no-serve", "--max-tabs", "1")
    with ThreadPoolExecutor(1) as thread:  # this thread has Playwright's loop
        over_the_cap, foreign, closed_after = thread.submit(
            asyncio.run, _tabs_and_stop(server)).result()
    assert over_the_cap == 503
    assert foreign == 403
    # Stopping with a tablet connected: its tab ends and no kiosk process is left.
    assert server.process.returncode == 0
    assert closed_after < 10
    assert server.left_behind == []


async def _tab_then_kill(server: KioskWeb) -> list[int]:
    """Open one tab, kill the server outright, and give its kiosk a moment to end."""
    async with aiohttp.ClientSession() as session:
        tab = await session.ws_connect(f"{server.url}/ws?width=80&height=24", origin=server.url)
        await tab.receive(timeout=20)  # its kiosk is up and drawing
        running = server.kiosk_processes()
        server.process.kill()
        server.process.wait()
        for _ in range(300):  # up to 15 s on a busy machine; it takes moments
            if not server.kiosk_processes():
                break
            await asyncio.sleep(0.05)
        return running


def test_a_killed_server_takes_its_tabs_kiosks_with_it(
        kiosk_web: Callable[..., KioskWeb]) -> None:
    server = kiosk_web("--no-serve")
    with ThreadPoolExecutor(1) as thread:
        running = thread.submit(asyncio.run, _tab_then_kill(server)).result()
    assert len(running) == 1
    assert server.kiosk_processes() == [], "no kiosk may live on with a patient's answers"


async def _first_screen_over_wss(url: str, context: ssl.SSLContext) -> bytes:
    async with aiohttp.ClientSession() as session:
        websocket = await session.ws_connect(f"{url.replace('https', 'wss', 1)}/ws", ssl=context,
                                             origin=url)
        message = await websocket.receive(timeout=20)
        await websocket.close()
        return bytes(message.data)


@pytest.mark.skipif(shutil.which("openssl") is None,
                    reason="openssl is needed to make a test certificate")
def test_with_a_certificate_tablets_and_phones_use_https(
        kiosk_web: Callable[..., KioskWeb], tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost"],
                   check=True, capture_output=True, timeout=60)
    server = kiosk_web("--viewer-port", "0", "--certfile", str(cert), "--keyfile", str(key))
    assert server.url.startswith("https://127.0.0.1:")
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    parts = urlsplit(server.url)
    connection = http.client.HTTPSConnection("127.0.0.1", parts.port, context=context,
                                             timeout=10)
    connection.request("GET", "/")
    html = connection.getresponse().read().decode()
    assert f'data-session-websocket-url="wss://127.0.0.1:{parts.port}/ws"' in html
    with ThreadPoolExecutor(1) as thread:
        first_screen = thread.submit(asyncio.run,
                                     _first_screen_over_wss(server.url, context)).result()
    assert first_screen, "the tab's kiosk draws over the encrypted websocket"
    assert any(line.startswith("Clinician viewer: https://127.0.0.1:")
               for line in server.output)


def test_the_clinician_viewer_is_served_beside_the_tablets_unless_no_serve(
        kiosk_web: Callable[..., KioskWeb]) -> None:
    server = kiosk_web("--viewer-port", "0")
    output = "\n".join(server.output)
    line = next(line for line in server.output if line.startswith("Clinician viewer: "))
    viewer_port = urlsplit(line.split()[2].rstrip(";")).port
    assert viewer_port is not None and viewer_answers("127.0.0.1", viewer_port)
    assert not listens_on(viewer_port, server.process.pid), "the viewer is a process of its own"
    assert "QR links open http://clinic.example:8765/i/..." in output
    assert "Only this machine can reach them" in output
    # A second server (another room's tablets) uses the viewer that already answers.
    second = kiosk_web("--viewer-port", str(viewer_port))
    assert (f"Clinician viewer: already served on port {viewer_port} by another process; "
            "QR links open http://clinic.example:8765/i/...") in second.output
    stop_kiosk_web(server)  # its viewer stops with it
    assert not viewer_answers("127.0.0.1", viewer_port)
