"""``kiosk serve``: the clinician viewer on its own, for phones on the clinic network."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import ssl
import threading
from pathlib import Path
from typing import Any

from kiosk.commands.staff import finish_set_up
from kiosk.config import load_settings
from kiosk.daily_backup import DailyBackup
from kiosk.errors import KioskError
from kiosk.link import DEFAULT_PORT, check_public_url, default_public_url
from kiosk.paths import resolve_data_dir
from kiosk.store import Store
from kiosk.viewer.accounts import StaffAccounts
from kiosk.viewer_child import stop_when_parent_exits
from kiosk.viewer_probe import viewer_answers

LOOPBACK = ("127.0.0.1", "localhost", "::1")
BACKUP_LOOK_SECONDS = 60.0  # how often the viewer asks whether the daily backup is due


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "serve", parents=[common], help="serve the clinician viewer the QR codes open",
        description="Serve the clinician viewer. Phones open {public URL}/i/{record id} "
                    "after a staff login. Stop with Ctrl+C.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 for every "
                             "network the machine is on)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT})")
    parser.add_argument("--public-url", metavar="URL",
                        help="how phones reach this viewer, e.g. https://kiosk.clinic.lan:8765 "
                             "(default: the config file or KIOSK_PUBLIC_URL, else this "
                             "machine's address)")
    parser.add_argument("--certfile", metavar="FILE", type=Path,
                        help="TLS certificate (PEM) to serve https with")
    parser.add_argument("--keyfile", metavar="FILE", type=Path,
                        help="the certificate's private key (PEM), if not in --certfile")
    parser.add_argument("--parent-watch", action="store_true",
                        help=argparse.SUPPRESS)  # a kiosk's child: stop when stdin ends
    parser.set_defaults(handler=run)


def _finish_set_up(store: Store) -> None:
    try:
        finish_set_up(store)
    except KioskError as error:  # one line (a damaged file names itself); no traceback
        logging.getLogger("kiosk").error("sealing the records in place stopped: %s", error)


def tls_context(certfile: Path | None, keyfile: Path | None) -> ssl.SSLContext | None:
    """The server TLS context for --certfile/--keyfile, or None to serve plain http."""
    if certfile is None:
        if keyfile is not None:
            raise KioskError("--keyfile needs --certfile")
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or error
        raise KioskError(f"cannot use the certificate {certfile}"
                         f"{f' with key {keyfile}' if keyfile else ''}: {reason}") from None
    return context


def public_url_for(args: argparse.Namespace, data_dir: Path, secure: bool) -> str:
    """--public-url, else the settings (file or env), else this machine's address."""
    chosen = args.public_url or load_settings(data_dir).public_url
    if chosen:
        return check_public_url(chosen)
    url = default_public_url(args.host, args.port)
    return "https://" + url.removeprefix("http://") if secure else url


def run(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data)
    store = Store(data_dir)
    ssl_context = tls_context(args.certfile, args.keyfile)
    public_url = public_url_for(args, data_dir, ssl_context is not None)
    if args.parent_watch:  # started by a kiosk, which asked whether a viewer answers
        stop_when_parent_exits()
    elif viewer_answers(args.host, args.port):
        raise KioskError(f"a kiosk viewer already answers on port {args.port}; phones can use "
                         "that one (or choose another --port)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    has_staff = bool(StaffAccounts(store).all_accounts())
    # A set-up a crash cut short is finished beside the serving (sealing a big folder takes
    # a while, and a kiosk waits for its viewer's port); a kill mid-way is safe there too.
    threading.Thread(target=_finish_set_up, args=(Store(data_dir),), daemon=True,
                     name="kiosk-finish-set-up").start()
    daily = DailyBackup.from_settings(store, load_settings(data_dir))
    return asyncio.run(_serve(store, args.host, args.port, public_url, ssl_context, has_staff,
                              daily))


async def _serve(store: Store, host: str, port: int, public_url: str,
                 ssl_context: ssl.SSLContext | None, has_staff: bool,
                 daily: DailyBackup | None = None) -> int:
    """Serve until SIGINT (exit 130, as Ctrl+C ends a command) or SIGTERM (0)."""
    from kiosk.interop.fhir_push import background_pusher
    from kiosk.viewer import start_viewer

    running = await start_viewer(store, host, port, public_url, ssl_context)
    pusher = background_pusher(store)  # sends intakes on to the clinic's FHIR server
    pushing = pusher.start() if pusher is not None else None
    scheme = "https" if ssl_context else "http"
    print(f"Clinician viewer listening on {scheme}://{host}:{running.port}", flush=True)
    print(f"QR links open {public_url}/i/...", flush=True)
    if host in LOOPBACK:
        print("Only this machine can reach it; to let clinic phones in, add --host 0.0.0.0",
              flush=True)
    if not has_staff:
        print("No staff accounts yet: add one with 'kiosk staff add NAME'; until then the "
              "records are stored in clear, not sealed", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    # Ctrl+C, and SIGTERM (how a kiosk stops its viewer child), end the server cleanly,
    # even where the process was started with SIGINT ignored (a background job).
    stop = asyncio.Event()
    stopped_by: list[int] = []

    def stop_on(signum: int) -> None:
        stopped_by.append(signum)
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_on, signum)
    try:
        while not stop.is_set():
            if daily is not None:  # on a thread: pages are served all the while
                await asyncio.to_thread(daily.take_if_due)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), BACKUP_LOOK_SECONDS)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        if pushing is not None:
            pushing.cancel()
        await running.stop()
    return 130 if stopped_by[:1] == [signal.SIGINT] else 0  # 130: as Ctrl+C ends a command
