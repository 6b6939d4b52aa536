"""The viewer keeps parsed records and their rendered part, but never serves them stale or
with another user's session in them."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from markupsafe import Markup, escape

from kiosk.intake import Intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from kiosk.viewer.accounts import StaffAccounts
from kiosk.viewer.record_cache import RecordCache
from viewer.conftest import Browser, ViewerServer, save_intake

THREE_DAYS_AGO = dt.datetime.now(dt.UTC).replace(hour=9, minute=0) - dt.timedelta(days=3)


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
    reads = counting(monkeypatch, store, "read_day_file")
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


def test_the_records_of_one_day_are_read_with_one_parse_of_its_file(
        monkeypatch: pytest.MonkeyPatch, staff: Browser, store: Store,
        questionnaire: Questionnaire) -> None:
    first = save_intake(store, questionnaire, {"main_area": "left knee"},
                        submitted_at=THREE_DAYS_AGO)
    second = save_intake(store, questionnaire, {"main_area": "right wrist"},
                         submitted_at=THREE_DAYS_AGO + dt.timedelta(minutes=20))
    parses = counting(monkeypatch, store, "read_day_file")
    reads = counting(monkeypatch, store, "get_intake")
    assert "left knee" in staff.get(f"/i/{first.id}").text
    page = staff.get(f"/i/{second.id}").text
    assert "right wrist" in page and "left knee" not in page
    assert len(parses) == 1 and not reads


def test_a_record_saved_after_its_day_was_read_is_shown(
        staff: Browser, store: Store, questionnaire: Questionnaire) -> None:
    first = save_intake(store, questionnaire, {"main_area": "left knee"},
                        submitted_at=THREE_DAYS_AGO)
    before = staff.get(f"/i/{first.id}").text
    # Another patient (another birth date): the first record's page has no reason to change.
    later = save_intake(store, questionnaire, {"main_area": "right wrist",
                                               "date_of_birth": "1990-02-03"},
                        submitted_at=THREE_DAYS_AGO + dt.timedelta(minutes=20))
    assert "right wrist" in staff.get(f"/i/{later.id}").text
    assert "right wrist" in staff.get(f"/i/{later.short_code}").text
    after = staff.get(f"/i/{first.id}").text
    assert "left knee" in after and "right wrist" not in after
    assert after.replace(after.split('name="csrf" value="')[1].split('"')[0], "") == \
        before.replace(before.split('name="csrf" value="')[1].split('"')[0], "")


def rendering(rendered: list[str]) -> Callable[[Intake], Markup]:
    """A record part that names its record and status, noting each record it renders."""

    def render(intake: Intake) -> Markup:
        rendered.append(intake.id)
        return Markup(f"<p>{escape(intake.id)} {escape(intake.status)}</p>")

    return render


def test_a_record_is_not_rendered_again_when_only_another_record_of_its_day_changed(
        store: Store, questionnaire: Questionnaire) -> None:
    rendered: list[str] = []
    records = RecordCache(store, rendering(rendered))
    first = save_intake(store, questionnaire, submitted_at=THREE_DAYS_AGO)
    assert records.record(first.id).body == f"<p>{first.id} submitted</p>"
    # A kiosk saves the day's next intake: the day file is replaced, this record is not.
    save_intake(store, questionnaire, submitted_at=THREE_DAYS_AGO + dt.timedelta(minutes=20))
    assert records.record(first.id).body == f"<p>{first.id} submitted</p>"
    assert rendered == [first.id]
    store.mark_reviewed(first.id, "bo")  # the record itself changed: rendered again
    assert records.record(first.id).body == f"<p>{first.id} reviewed</p>"
    assert rendered == [first.id, first.id]


def test_only_the_most_recently_read_day_files_stay_parsed(
        monkeypatch: pytest.MonkeyPatch, store: Store, questionnaire: Questionnaire) -> None:
    records = RecordCache(store, rendering([]), size=1, days=1)
    older = save_intake(store, questionnaire, submitted_at=THREE_DAYS_AGO - dt.timedelta(days=1))
    newer = save_intake(store, questionnaire, submitted_at=THREE_DAYS_AGO)
    parses = counting(monkeypatch, store, "read_day_file")
    for record in (older, newer, older):
        assert records.record(record.id).intake.id == record.id
    assert len(parses) == 3  # one day file kept: the older day was parsed again
