"""The front page: today's intakes newest first, with flag badges and status; earlier days."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from viewer.conftest import Browser, save_intake


def listed_codes(html: str) -> list[str]:
    return re.findall(r'<span class="code">([^<]+)</span>', html)


def test_todays_intakes_newest_first_with_badges_and_status(
        staff: Browser, store: Store, questionnaire: Questionnaire) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    earlier = save_intake(store, questionnaire, {"needle_fear": True},
                          submitted_at=now - dt.timedelta(seconds=30))
    later = save_intake(store, questionnaire, {"night_pain": True, "blood_thinners": True,
                                               "blood_thinner_name": ["warfarin"]},
                        submitted_at=now)
    store.mark_reviewed(earlier.id, "ana")
    page = staff.get("/")
    assert page.status == 200
    assert listed_codes(page.text) == [later.short_code, earlier.short_code]
    later_row, earlier_row = page.text.split('<li class="status-')[1:3]
    # Most urgent first: an urgent referral before needling with care.
    assert '<span class="badge flag-refer">refer 1</span><span class="badge flag-caution">' \
        'caution 1</span>' in later_row
    assert '<span class="status">submitted</span>' in later_row
    assert '<span class="badge flag-stop">stop 1</span>' in earlier_row
    assert '<span class="status">reviewed</span>' in earlier_row
    assert f'href="/i/{later.id}"' in later_row
    assert "Ana María López" in later_row


def test_an_earlier_day_is_picked_with_a_plain_form(
        staff: Browser, store: Store, questionnaire: Questionnaire) -> None:
    today = dt.datetime.now().astimezone()
    old = save_intake(store, questionnaire, submitted_at=today - dt.timedelta(days=3))
    new = save_intake(store, questionnaire)
    page = staff.get("/").text
    assert '<form class="day-picker" method="get" action="/">' in page
    assert '<input id="day" name="day" type="date"' in page
    assert listed_codes(page) == [new.short_code]
    old_day = (today - dt.timedelta(days=3)).date().isoformat()
    earlier = staff.get(f"/?day={old_day}").text
    assert listed_codes(earlier) == [old.short_code]
    assert f"Intakes on {old_day}" in earlier


def test_a_day_with_no_intakes_and_a_bad_date_say_so(staff: Browser) -> None:
    assert "No intakes on this day." in staff.get("/?day=2001-01-01").text
    reply = staff.get("/?day=%3Cscript%3E")
    assert reply.status == 200
    assert "That is not a date; showing today." in reply.text
    assert "<script" not in reply.text


def test_the_list_needs_a_login(browser: Browser) -> None:
    reply = browser.get("/?day=2025-01-01")
    assert reply.status == 303
    target = urlsplit(reply.location or "")
    assert target.path == "/login"
    assert parse_qs(target.query) == {"next": ["/?day=2025-01-01"]}
