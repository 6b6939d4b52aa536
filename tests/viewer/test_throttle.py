"""Password guessing is slowed: 5 failures for a name or an address in 15 minutes mean a wait.

Other loopback addresses (127.0.0.2, ...) stand in for other phones on the clinic network.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kiosk.store import Store
from viewer.conftest import STAFF_NAME, Clock, ViewerServer


def fail_once_from_each(server: ViewerServer, name: str, sources: list[str]) -> None:
    """One wrong password for ``name`` from each address in ``sources``."""
    for source in sources:
        reply = server.browser(source).log_in(name=name, password="not the password")
        assert reply.status == 200
        assert "do not match" in reply.text


def test_five_failures_for_a_name_lock_it_even_for_the_right_password(
        server: ViewerServer, clock: Clock) -> None:
    fail_once_from_each(server, STAFF_NAME, [f"127.0.0.{n}" for n in range(2, 7)])
    reply = server.browser("127.0.0.9").log_in()  # right password, fresh phone
    assert reply.status == 429
    assert int(reply.headers["Retry-After"]) > 0
    assert "Too many failed logins" in reply.text
    assert "kiosk_session" not in reply.headers.get("Set-Cookie", "")

    clock.advance(14 * 60)
    assert server.browser("127.0.0.9").log_in().status == 429
    clock.advance(61)
    assert server.browser("127.0.0.9").log_in().status == 303


def test_five_failures_from_one_address_lock_it_for_every_name(server: ViewerServer) -> None:
    phone = "127.0.0.3"
    for guess in ("admin", "root", "bob", "carla", "dave"):
        fail_once_from_each(server, guess, [phone])
    assert server.browser(phone).log_in().status == 429
    assert server.browser("127.0.0.4").log_in().status == 303  # another phone is not locked


def test_four_failures_still_let_the_right_password_in(server: ViewerServer) -> None:
    fail_once_from_each(server, STAFF_NAME, ["127.0.0.5"] * 4)
    assert server.browser("127.0.0.5").log_in().status == 303


def test_a_good_login_clears_the_names_count(server: ViewerServer) -> None:
    fail_once_from_each(server, STAFF_NAME, ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"])
    assert server.browser("127.0.0.6").log_in().status == 303
    fail_once_from_each(server, STAFF_NAME, ["127.0.0.7"])
    assert server.browser("127.0.0.8").log_in().status == 303


def test_a_clinician_logging_in_often_from_one_phone_is_not_locked(server: ViewerServer) -> None:
    for _ in range(7):
        assert server.browser("127.0.0.2").log_in().status == 303


def test_failed_logins_are_audited_without_the_password(server: ViewerServer,
                                                        store: Store) -> None:
    fail_once_from_each(server, STAFF_NAME, ["127.0.0.2"])
    fail_once_from_each(server, "nobody", ["127.0.0.3"])
    failures = [e for e in store.audit_events() if e.action == "login_failed"]
    assert [(e.actor, e.address) for e in failures] == [(STAFF_NAME, "127.0.0.2"),
                                                       ("unknown", "127.0.0.3")]


def test_a_burst_of_parallel_guesses_gets_only_five_tries(server: ViewerServer) -> None:
    def guess(n: int) -> int:
        return server.browser("127.0.0.8").log_in(password=f"guess {n}").status

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(guess, range(12)))
    assert sorted(statuses) == [200] * 5 + [429] * 7


def test_twenty_phones_logging_in_at_once_all_get_in(server: ViewerServer) -> None:
    def log_in(n: int) -> int:
        return server.browser(f"127.0.1.{n}").log_in().status

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert list(pool.map(log_in, range(1, 21))) == [303] * 20
