"""A patient's course on the record page, and correcting the link: split a visit off,
merge two patients.

Split and merge are POSTs over real HTTP that need a logged-in session, its CSRF token and a ticked
confirmation; each changed record is audited under the clinician's name.
"""

from __future__ import annotations

import datetime as dt

import pytest
from follow_up_fixture import FOLLOW_UP, nothing_to_report

from kiosk.intake import Intake, build_intake
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from viewer.conftest import STAFF_NAME, Browser, ViewerServer, save_intake
from viewer.course_fixture import COURSE, save_course, visit_intake


@pytest.fixture
def course(store: Store) -> list[Intake]:
    return save_course(store)


def patient_actions(store: Store, intake: Intake) -> list[tuple[str, str]]:
    return [(event.action, event.actor) for event in store.audit_events(intake.id)
            if event.action in ("split", "merge")]


def test_the_record_page_shows_the_course(staff: Browser, course: list[Intake]) -> None:
    page = staff.get(f"/i/{course[2].id}").text
    assert "Ana María López" in page and "born 1979-05-14" in page
    assert "visit 3 of 3" in page
    assert page.index('class="flag-group flag-stop"') < page.index("Standing from earlier")
    assert "from visit 1, 2 Nov" in page
    for visit in course:
        assert f'href="/i/{visit.id}"' in page
    assert page.count('aria-current="page"') == 1
    assert 'data-measure="groc"' in page and "<script" not in page


def test_a_visit_is_split_off_its_patient_and_audited(staff: Browser, store: Store,
                                                      course: list[Intake]) -> None:
    last = course[2]
    token = staff.get(f"/i/{last.id}").csrf()
    reply = staff.post(f"/i/{last.id}/split", {"csrf": token, "confirm": "yes"})
    assert reply.status == 303 and reply.location == f"/i/{last.id}"
    split = store.get_intake(last.id)
    assert split.patient not in (None, course[0].patient)
    assert [visit.id for visit in store.patient_visits(course[0].patient or "")] == \
        [course[0].id, course[1].id]
    assert patient_actions(store, last) == [("split", STAFF_NAME)]
    page = staff.get(f"/i/{last.id}").text
    assert "visit 1 of 1" in page and "Standing from earlier" not in page


def test_a_split_needs_the_token_and_the_confirmation(server: ViewerServer, staff: Browser,
                                                      browser: Browser, store: Store,
                                                      course: list[Intake]) -> None:
    last = course[2]
    other = server.browser()
    other.log_in()
    someone_elses = other.get(f"/i/{last.id}").csrf()
    for form in ({"confirm": "yes"}, {"csrf": "forged", "confirm": "yes"},
                 {"csrf": someone_elses, "confirm": "yes"}):
        assert staff.post(f"/i/{last.id}/split", form).status == 403
    unconfirmed = staff.post(f"/i/{last.id}/split", {"csrf": staff.get("/").csrf()})
    assert unconfirmed.status == 400 and "Tick the box to confirm" in unconfirmed.text
    logged_out = browser.post(f"/i/{last.id}/split", {"csrf": "x", "confirm": "yes"})
    assert logged_out.status == 303
    assert (logged_out.location or "").startswith("/login?next=")
    assert store.get_intake(last.id).patient == course[0].patient
    assert patient_actions(store, last) == []


def test_two_patients_are_merged_by_the_other_visits_short_code(
        staff: Browser, store: Store, course: list[Intake]) -> None:
    # The same person, their birth date mistyped on a fourth visit: not linked at save.
    questionnaire, day, answers = COURSE[2]
    typo = visit_intake(questionnaire, day, answers, born="1979-05-15")
    store.save_intake(typo, questionnaire)
    assert store.get_intake(typo.id).patient != course[0].patient
    token = staff.get(f"/i/{course[0].id}").csrf()
    reply = staff.post(f"/i/{course[0].id}/merge",
                       {"csrf": token, "other": typo.short_code.lower(), "confirm": "yes"})
    assert reply.status == 303 and reply.location == f"/i/{course[0].id}"
    assert store.get_intake(typo.id).patient == course[0].patient
    assert patient_actions(store, typo) == [("merge", STAFF_NAME)]
    assert "visit 1 of 4" in staff.get(f"/i/{course[0].id}").text


def test_a_merge_is_refused_with_a_reason_and_changes_nothing(
        staff: Browser, browser: Browser, store: Store, course: list[Intake]) -> None:
    first = course[0]
    loner = visit_intake(*COURSE[0], name="Somebody Else")
    store.save_intake(loner, COURSE[0][0])
    token = staff.get(f"/i/{first.id}").csrf()
    cases = [
        ({"csrf": token, "other": "nope", "confirm": "yes"}, 400, "Type the other visit"),
        ({"csrf": token, "other": loner.short_code}, 400, "Tick the box to confirm"),
        ({"csrf": token, "other": first.short_code, "confirm": "yes"}, 400, "own short code"),
    ]
    codes = {visit.short_code for visit in [*course, loner]}
    unknown = next(code for code in ("YYYYYY", "XXXXXX") if code not in codes)
    cases.append(({"csrf": token, "other": unknown, "confirm": "yes"}, 404,
                  f"No visit has the short code {unknown}"))
    for form, status, reason in cases:
        reply = staff.post(f"/i/{first.id}/merge", form)
        assert (reply.status, reason in reply.text) == (status, True), form
        assert "Nothing was changed" in reply.text
    forged = {"csrf": "forged", "other": loner.short_code, "confirm": "yes"}
    assert staff.post(f"/i/{first.id}/merge", forged).status == 403
    logged_out = browser.post(f"/i/{first.id}/merge", {**forged, "csrf": token})
    assert logged_out.status == 303
    assert store.get_intake(loner.id).patient != first.patient
    assert patient_actions(store, loner) == [] and patient_actions(store, first) == []


def test_with_the_bundled_pair_lasting_flags_stand_and_today_answers_again(
        staff: Browser, store: Store, questionnaire: Questionnaire) -> None:
    """Visit 1 on the bundled intake (heart valve, blood thinner, unwell that day), then
    the bundled follow-up: what visit 1 said of the heart and the blood thinner stands;
    "unwell today" is asked again and today's "no" wins."""
    first = save_intake(store, questionnaire, {
        "heart_valve": True, "blood_thinners": True, "blood_thinner_name": ["warfarin"],
        "feeling_unwell": True}, submitted_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=7))
    follow_up = load_questionnaire(FOLLOW_UP)
    today = build_intake(follow_up, nothing_to_report())
    store.save_intake(today, follow_up)
    assert store.get_intake(today.id).patient == store.get_intake(first.id).patient
    page = staff.get(f"/i/{today.id}").text
    standing = page[page.index("Standing from earlier visits"):page.index("visits-heading")]
    assert "Heart-valve disease" in standing and "Anticoagulant" in standing
    assert "Fever/unwell" not in standing
    assert "No safety flags were raised on this visit." in page and "visit 2 of 2" in page
    assert 'data-measure="groc"' in page  # one GROC point: visit 1 did not ask it
