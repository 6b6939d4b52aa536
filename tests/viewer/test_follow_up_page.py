"""The record page of a follow-up check-in: its stop flag first, a GROC below zero with its
sign and both ends, over real HTTP."""

from __future__ import annotations

from follow_up_fixture import FOLLOW_UP, nothing_to_report

from kiosk.intake import build_intake
from kiosk.loader import load_questionnaire
from kiosk.store import Store
from viewer.conftest import Browser


def test_a_follow_up_page_shows_worse_pain_first_and_a_signed_groc(staff: Browser,
                                                                  store: Store) -> None:
    questionnaire = load_questionnaire(FOLLOW_UP)
    intake = build_intake(questionnaire, {**nothing_to_report(), "groc": -3,
                                          "pain_worse_or_spread": True})
    store.save_intake(intake, questionnaire)
    page = staff.get(f"/i/{intake.id}").text
    stop = page.index('class="flag-group flag-stop"')
    assert "Pain worse or spreading since last session" in page[stop:stop + 600]
    groc = page.index("how is your problem now?</dt>")
    assert page[groc:].startswith(
        'how is your problem now?</dt><dd class="text">-3 on -7 to +7</dd>')
    assert stop < groc
    assert "How bad is your pain right now?</dt><dd class=\"text\">4 / 10</dd>" in page
    assert '<th scope="row">Mean</th><td>5.0</td>' in page
    assert "data-region" not in page and "No areas marked" not in page  # it has no body map

