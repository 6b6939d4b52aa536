"""What the viewer answers to odd and hostile requests: plain 404s, safe headers, no traceback."""

from __future__ import annotations

import logging
import time

import pytest

from kiosk.intake import Intake
from kiosk.store import Store
from viewer.conftest import Browser, Reply, ViewerServer

HOSTILE_IDS = [
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "..%2f..%2fconfig.json",
    "%2e%2e",
    "..",
    "%00",
    "abc%00def",
    "a" * 5000,
    "a" * 5000 + ".json",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "ACDEF",  # one character short of a short code
    "OOOOOO",  # short-code length, letters a code never uses
    "22222222222222222222222222x",  # a record id with one character too many
]


@pytest.mark.parametrize("logged_in", [False, True])
def test_hostile_ids_get_a_plain_404(server: ViewerServer, intake: Intake,
                                     logged_in: bool) -> None:
    browser = server.browser()
    if logged_in:
        browser.log_in()
    for hostile in HOSTILE_IDS + [f"{intake.id}%00", f"{intake.id}%2F..%2F..",
                                  f"{intake.short_code}.json.json"]:
        reply = browser.get(f"/i/{hostile}")
        assert reply.status == 404, hostile
        assert "Not found" in reply.text
        assert "Traceback" not in reply.text
        assert hostile not in reply.text  # nothing of the request is echoed back
        assert reply.headers["Content-Type"].startswith("text/html")


def test_unknown_but_well_formed_ids_are_404_once_logged_in(staff: Browser,
                                                            browser: Browser) -> None:
    for unknown in ("23456789abcdefghjkmnpqrstu", "ACDEFH"):
        assert staff.get(f"/i/{unknown}").status == 404
        assert staff.get(f"/i/{unknown}.json").status == 404
        assert browser.get(f"/i/{unknown}").status == 303  # nothing said without a login


def test_other_unknown_paths_are_404(staff: Browser) -> None:
    for path in ("/static/../kiosk/store.py", "/static/..%2f..%2fstore.py", "/admin",
                 "/i/", "/i", "/favicon.ico"):
        reply = staff.get(path)
        assert reply.status == 404, path
        assert "Traceback" not in reply.text


def test_security_headers_are_on_every_response(server: ViewerServer, intake: Intake) -> None:
    anonymous, staff = server.browser(), server.browser()
    replies = {
        "login form": anonymous.get("/login"),
        "redirect to login": anonymous.get(f"/i/{intake.id}"),
        "stylesheet": anonymous.get("/static/viewer.css"),
        "health": anonymous.get("/healthz"),
        "404": anonymous.get("/i/..%2F..%2Fx"),
        "405": anonymous.request("PUT", "/login"),
        "403": anonymous.post("/login", {"username": "x", "password": "y"}),
        "login": staff.log_in(),
        "record page": staff.get(f"/i/{intake.id}"),
        "record json": staff.get(f"/i/{intake.id}.json"),
        "intake list": staff.get("/"),
    }
    for name, reply in replies.items():
        csp = reply.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in csp, name
        assert "script-src" not in csp and "unsafe-inline" not in csp, name
        assert "frame-ancestors 'none'" in csp, name
        assert reply.headers.get("Referrer-Policy") == "no-referrer", name
        assert reply.headers.get("X-Content-Type-Options") == "nosniff", name
        assert reply.headers.get("X-Frame-Options") == "DENY", name
    for name in ("record page", "record json", "intake list", "login form"):
        assert replies[name].headers.get("Cache-Control") == "no-store", name


def test_a_damaged_record_file_shows_a_plain_error_page(
        staff: Browser, intake: Intake, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    day_file = next((store.root / "records").rglob("*.json"))
    day_file.write_text('{"intakes": {"1": {"id": "' + intake.id + '", "oops"', "utf-8")
    with caplog.at_level(logging.INFO):
        reply = staff.get(f"/i/{intake.id}")
    assert reply.status == 500
    assert "Something went wrong" in reply.text
    assert "Traceback" not in reply.text and "StoreDamaged" not in reply.text
    assert str(day_file) not in reply.text
    assert reply.headers.get("X-Frame-Options") == "DENY"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "unexpected StoreDamaged" in logged
    assert intake.id not in logged and str(day_file) not in logged
    assert all(record.exc_info is None for record in caplog.records)


def access_lines(caplog: pytest.LogCaptureFixture, count: int) -> list[str]:
    """The access log's lines once ``count`` are in (each is written just after its reply)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [record.getMessage() for record in caplog.records
                 if record.name == "kiosk.viewer.access"]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.01)


def test_the_access_log_names_routes_never_paths_or_records(
        server: ViewerServer, intake: Intake, caplog: pytest.LogCaptureFixture) -> None:
    browser = server.browser()
    with caplog.at_level(logging.INFO, logger="kiosk.viewer.access"):
        browser.log_in(next_path=f"/i/{intake.id}")
        browser.get(f"/i/{intake.id}", headers={"Referer": f"http://x/i/{intake.id}"})
        browser.get(f"/i/{intake.short_code}")
        browser.get(f"/i/{intake.id}.json")
        browser.get("/i/..%2F..%2Fsecret")
        lines = access_lines(caplog, 6)
    assert any(line.startswith("GET record page 200 ") for line in lines), lines
    assert any(line.startswith("POST login 303 ") for line in lines), lines
    assert any(line.startswith("GET record json 200 ") for line in lines), lines
    assert any(line.startswith("GET ") and " 404 " in line for line in lines), lines
    text = "\n".join(lines)
    for secret in (intake.id, intake.short_code, "secret", "/i/", "127.0.0.1"):
        assert secret not in text


def test_a_request_larger_than_a_form_is_refused(staff: Browser, intake: Intake) -> None:
    reply = staff.post(f"/i/{intake.id}/review", {"csrf": "x" * 200_000})
    assert reply.status == 413
    assert "Traceback" not in reply.text


def _headers_but_date_and_cookie_values(reply: Reply) -> list[tuple[str, str]]:
    """The headers a HEAD must share with its GET: all but the time and fresh cookie values
    (the login form sets a new random one at each request)."""
    return sorted((name, value.split("=")[0] if name == "Set-Cookie" else value)
                  for name, value in reply.headers.items() if name != "Date")


def test_head_answers_as_get_without_the_body_and_is_no_view(
        staff: Browser, browser: Browser, intake: Intake, store: Store) -> None:
    pages = ["/", "/?day=2020-01-01", f"/i/{intake.id}", f"/i/{intake.short_code}",
             f"/i/{intake.id}.json", f"/i/{intake.id}.fhir.json", "/i/ACDEFH", "/login",
             "/healthz", "/static/viewer.css", "/admin"]
    for who in (staff, browser):  # logged in, and not (sent to the login)
        for path in pages:
            head = who.request("HEAD", path)
            got = who.get(path)
            assert (head.status, head.text) == (got.status, ""), path
            assert _headers_but_date_and_cookie_values(head) == \
                _headers_but_date_and_cookie_values(got), path
    views = [event.action for event in store.audit_events(intake.id)]
    assert sorted(views) == ["export", "view", "view", "view_json"]  # the GETs only


def test_the_server_header_names_no_versions(staff: Browser, browser: Browser,
                                             intake: Intake) -> None:
    replies = [staff.get("/"), staff.get(f"/i/{intake.id}"), staff.get("/static/viewer.css"),
               staff.request("HEAD", "/"), browser.get("/"), browser.get("/login"),
               browser.get("/healthz"), browser.get("/i/..%2F"), browser.post("/logout", {})]
    for reply in replies:
        assert not any(character.isdigit() for character in reply.headers.get("Server", ""))
        assert "aiohttp" not in str(reply.headers) and "Python" not in str(reply.headers)
