"""The viewer keeps parsed records and their rendered part, but never serves them stale or
with another user's session in them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.intake import Intake
from kiosk.store import Store
from kiosk.viewer.accounts import StaffAccounts
from viewer.conftest import Browser, ViewerServer


def in_another_process(code: str, *args: str) -> None:
    """Run ``code`` in a fresh Python, as a kiosk or staff command would change the store."""
    subprocess.run([sys.executable, "-c", code, *args], check=True, timeout=60)


def counting(monkeypatch: pytest.MonkeyPatch, store: Store, name: str) -> list[str]:
    """Record each call of ``store.<name>`` (the viewer uses this same store object)."""
    calls: list[str] = []
    real: Callable[..., Any] = getattr(store, name)

    def counted(*args: Any) -> Any:
        calls.append(name)
        return real(*args)

    monkeypatch.setattr(store, name, counted)
    return calls


def test_an_unchanged_record_is_read_once_for_many_views(
        monkeypatch: pytest.MonkeyPatch, staff: Browser, intake: Intake, store: Store) -> None:
    reads = counting(monkeypatch, store, "get_intake")
    session_reads = counting(monkeypatch, store, "read_document")
    pages = [staff.get(f"/i/{intake.id}") for _ in range(3)]
    assert [page.status for page in pages] == [200, 200, 200]
    assert pages[0].text == pages[2].text
    assert len(reads) == 1
    assert len(session_reads) <= 1  # the sessions document is not re-read while unchanged
    assert staff.get(f"/i/{intake.short_code}").status == 200
    assert len(reads) == 1


def test_a_review_by_another_process_shows_on_the_next_view(staff: Browser, intake: Intake,
                                                            store: Store) -> None:
    assert "Mark reviewed" in staff.get(f"/i/{intake.id}").text
    in_another_process("import sys; from pathlib import Path; from kiosk.store import Store; "
                       "Store(Path(sys.argv[1])).mark_reviewed(sys.argv[2], 'bo')",
                       str(store.root), intake.id)
    page = staff.get(f"/i/{intake.id}").text
    assert "Reviewed by bo at" in page and "Mark reviewed" not in page
    assert '"status": "reviewed"' in staff.get(f"/i/{intake.id}.json").text


def test_two_staff_on_one_record_each_see_only_their_own_session(
        server: ViewerServer, staff: Browser, intake: Intake, store: Store) -> None:
    StaffAccounts(store).add("bo", "another good password")
    other = server.browser()
    assert other.log_in("bo", "another good password").status == 303
    mine, theirs = staff.get(f"/i/{intake.id}"), other.get(f"/i/{intake.id}")
    assert mine.csrf() != theirs.csrf()
    assert '<span class="who">ana</span>' in mine.text and ">bo<" not in mine.text
    assert '<span class="who">bo</span>' in theirs.text and ">ana<" not in theirs.text
    assert theirs.csrf() not in mine.text and mine.csrf() not in theirs.text
    # Each token is the one its own session's forms need, and works only there.
    assert staff.post(f"/i/{intake.id}/review", {"csrf": theirs.csrf()}).status == 403
    assert other.post(f"/i/{intake.id}/review", {"csrf": theirs.csrf()}).status == 303


def test_a_session_ended_by_another_process_ends_at_once(staff: Browser, intake: Intake,
                                                         store: Store) -> None:
    assert staff.get(f"/i/{intake.id}").status == 200
    in_another_process("import sys; from pathlib import Path; from kiosk.store import Store; "
                       "from kiosk.viewer.accounts import StaffAccounts; "
                       "StaffAccounts(Store(Path(sys.argv[1]))).remove('ana')",
                       str(store.root))
    reply = staff.get(f"/i/{intake.id}")
    assert reply.status == 303 and (reply.location or "").startswith("/login")
