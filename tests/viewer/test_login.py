"""Staff login over real HTTP: the QR link asks for a login, then comes back to the intake."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from kiosk.intake import Intake
from kiosk.store import Store
from kiosk.viewer.accounts import StaffAccounts
from viewer.conftest import STAFF_NAME, STAFF_PASSWORD, Browser, Clock, ViewerServer


def cookie_header(reply_headers: list[str], name: str) -> str:
    found = [raw for raw in reply_headers if raw.startswith(f"{name}=")]
    assert found, f"no {name} cookie was set"
    return found[0]


def test_the_qr_link_asks_for_a_login_and_returns_to_the_intake(browser: Browser,
                                                                 intake: Intake) -> None:
    qr_path = f"/i/{intake.id}"
    first = browser.get(qr_path)
    assert first.status == 303
    assert urlsplit(first.location or "").path == "/login"
    next_path = parse_qs(urlsplit(first.location or "").query)["next"][0]
    assert next_path == qr_path

    form = browser.get(first.location or "")
    assert form.status == 200
    assert 'name="username"' in form.text and 'name="password"' in form.text
    done = browser.post("/login", {"username": STAFF_NAME, "password": STAFF_PASSWORD,
                                   "csrf": form.csrf(), "next": next_path})
    assert done.status == 303
    assert done.location == qr_path

    record = browser.get(qr_path)
    assert record.status == 200
    assert intake.short_code in record.text


def test_the_session_cookie_is_httponly_and_samesite_strict(browser: Browser) -> None:
    reply = browser.log_in()
    cookie = cookie_header(reply.header_all("Set-Cookie"), "kiosk_session").lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http here; the TLS test checks Secure
    assert "path=/" in cookie


def test_a_wrong_password_is_refused_without_a_session(browser: Browser,
                                                       intake: Intake) -> None:
    reply = browser.log_in(password="wrong password")
    assert reply.status == 200
    assert "do not match" in reply.text
    assert "kiosk_session" not in browser.cookies
    assert browser.get(f"/i/{intake.id}").status == 303


def test_an_unknown_name_reads_the_same_as_a_wrong_password(browser: Browser) -> None:
    reply = browser.log_in(name="mallory")
    assert reply.status == 200
    assert "That name and password do not match." in reply.text


def test_names_are_not_case_sensitive(browser: Browser) -> None:
    assert browser.log_in(name=" ANA ").status == 303


def test_login_without_the_form_token_is_refused(browser: Browser) -> None:
    browser.get("/login")
    reply = browser.post("/login", {"username": STAFF_NAME, "password": STAFF_PASSWORD,
                                    "next": "/"})
    assert reply.status == 403
    assert "kiosk_session" not in browser.cookies


def test_login_with_a_token_from_another_browser_is_refused(server: ViewerServer) -> None:
    attacker, victim = server.browser(), server.browser()
    token = attacker.get("/login").csrf()
    victim.get("/login")
    reply = victim.post("/login", {"username": STAFF_NAME, "password": STAFF_PASSWORD,
                                   "csrf": token, "next": "/"})
    assert reply.status == 403


def test_login_never_redirects_to_another_site(browser: Browser) -> None:
    for hostile in ("https://evil.example/", "//evil.example/x", "/\\evil.example",
                    "http:/evil.example", "javascript:alert(1)", "/i/x\r\nSet-Cookie: a=b"):
        browser.cookies.clear()
        reply = browser.log_in(next_path=hostile)
        assert reply.status == 303, hostile
        assert reply.location == "/", hostile


def test_an_open_login_page_sends_a_logged_in_clinician_straight_on(staff: Browser,
                                                                    intake: Intake) -> None:
    reply = staff.get(f"/login?next=/i/{intake.id}")
    assert reply.status == 303
    assert reply.location == f"/i/{intake.id}"


def test_logout_ends_the_session(staff: Browser, intake: Intake, store: Store) -> None:
    page = staff.get(f"/i/{intake.id}")
    token = staff.cookies["kiosk_session"]
    reply = staff.post("/logout", {"csrf": page.csrf()})
    assert reply.status == 303
    assert reply.location == "/login"
    assert "kiosk_session" not in staff.cookies
    # The old cookie is dead on the server too, not only forgotten by the browser.
    staff.cookies["kiosk_session"] = token
    assert staff.get(f"/i/{intake.id}").status == 303
    assert [e.action for e in store.audit_events() if e.actor == STAFF_NAME][-1] == "logout"


def test_logout_without_the_session_token_is_refused(staff: Browser, intake: Intake) -> None:
    assert staff.post("/logout", {"csrf": "forged"}).status == 403
    assert staff.post("/logout", {}).status == 403
    assert staff.get(f"/i/{intake.id}").status == 200


def test_a_session_expires_after_8_hours_idle(staff: Browser, intake: Intake,
                                              clock: Clock) -> None:
    clock.advance(7 * 3600)
    assert staff.get(f"/i/{intake.id}").status == 200  # used: the idle clock restarts
    clock.advance(7 * 3600)
    assert staff.get(f"/i/{intake.id}").status == 200
    clock.advance(8 * 3600 + 1)
    reply = staff.get(f"/i/{intake.id}")
    assert reply.status == 303
    assert urlsplit(reply.location or "").path == "/login"


def test_removing_a_staff_account_ends_its_sessions(staff: Browser, intake: Intake,
                                                    store: Store) -> None:
    StaffAccounts(store).remove(STAFF_NAME)
    assert staff.get(f"/i/{intake.id}").status == 303


def test_no_password_or_token_is_stored_in_the_data_folder(staff: Browser,
                                                           store: Store) -> None:
    token = staff.cookies["kiosk_session"]
    for path in store.root.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert STAFF_PASSWORD.encode() not in content, path
            assert token.encode() not in content, path
