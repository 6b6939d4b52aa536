"""The record page a clinician opens from the QR code: flags first, pain, every answer, review."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

from markupsafe import escape

from kiosk.intake import Intake
from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from viewer.conftest import STAFF_NAME, Browser, ViewerServer, save_intake


def region_classes(html: str) -> dict[str, str]:
    """Each body-map region id on the page with its class attribute."""
    return dict((region, classes) for classes, region in
                re.findall(r'<rect class="([^"]*)" data-region="([^"]*)"', html))


def test_flags_come_first_grouped_from_stop_to_note(staff: Browser, intake: Intake) -> None:
    page = staff.get(f"/i/{intake.id}").text
    stop = page.index('class="flag-group flag-stop"')
    caution = page.index('class="flag-group flag-caution"')
    note = page.index('class="flag-group flag-note"')
    assert stop < caution < note < page.index("Pain</h2>") < page.index("About you</h2>")
    assert "Needle phobia" in page[stop:caution]
    assert "Anticoagulant" in page[caution:note]
    assert "INR" in page[note:]
    assert 'flag-refer"' not in page  # no refer flag was raised, so no empty group


def test_a_patient_without_flags_is_said_to_have_none(staff: Browser, store: Store,
                                                      questionnaire: Questionnaire) -> None:
    calm = save_intake(store, questionnaire)
    assert "No safety flags were raised." in staff.get(f"/i/{calm.id}").text


def test_the_body_map_fills_the_chosen_regions_on_front_and_back(staff: Browser,
                                                                 intake: Intake) -> None:
    page = staff.get(f"/i/{intake.id}").text
    classes = region_classes(page)
    assert len(classes) == 54  # every region of both views is drawn
    chosen = {region for region, cls in classes.items() if "chosen" in cls.split()}
    assert chosen == {"back.low_back.right", "back.buttock.right"}
    assert "Front: patient's right on your left" in page
    assert "Back: patient's left on your left" in page
    assert "Marked: Right low back, Right buttock" in page


def test_pain_shows_scores_onset_and_pattern(staff: Browser, intake: Intake) -> None:
    page = staff.get(f"/i/{intake.id}").text
    pain = page[page.index("Pain</h2>"):page.index("About you</h2>")]
    for expected in ("How bad is your pain right now?</dt><dd class=\"text\">6 / 10",
                     "at its BEST?</dt><dd class=\"text\">3 / 10",
                     "at its WORST?</dt><dd class=\"text\">8 / 10",
                     "2025-01-06", "After an activity or exercise", "It comes and goes"):
        assert expected in pain, expected


def test_every_section_appears_in_questionnaire_order(staff: Browser, intake: Intake,
                                                      questionnaire: Questionnaire) -> None:
    page = staff.get(f"/i/{intake.id}").text
    body = page[page.index("<h2>About you</h2>"):]
    titles = [questionnaire.text(section.title, "en") for section in questionnaire.sections]
    positions = [body.index(f"<h2>{escape(title)}</h2>") for title in titles]
    assert positions == sorted(positions)


def test_psfs_with_its_mean_and_consent_with_name_and_time(staff: Browser,
                                                           intake: Intake) -> None:
    page = staff.get(f"/i/{intake.id}").text
    assert "<td>Sitting through a work meeting</td><td>4</td>" in page
    assert '<th scope="row">Mean</th><td>3.0</td>' in page
    assert "PSFS mean (0-10, higher is better)</dt><dd>3.0</dd>" in page
    assert "Agreed, signed by Ana María López on 2025-03-10; submitted 20" in page


def test_the_short_code_opens_the_same_intake(staff: Browser, intake: Intake) -> None:
    for code in (intake.short_code, intake.short_code.lower()):
        reply = staff.get(f"/i/{code}")
        assert reply.status == 200
        assert f'action="/i/{intake.id}/review"' in reply.text


def test_the_json_view_is_the_stored_record(staff: Browser, browser: Browser,
                                            intake: Intake, store: Store) -> None:
    reply = staff.get(f"/i/{intake.id}.json")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.headers["Cache-Control"] == "no-store"
    data = json.loads(reply.text)
    assert data["id"] == intake.id
    assert data["answers"]["pain_now"] == 6
    assert {flag["level"] for flag in data["flags"]} == {"stop", "caution", "note"}
    assert browser.get(f"/i/{intake.id}.json").status == 303  # no session, no record
    assert any(e.action == "view_json" for e in store.audit_events(intake.id))


def test_the_record_downloads_as_a_fhir_bundle(staff: Browser, browser: Browser,
                                               intake: Intake, store: Store) -> None:
    page = staff.get(f"/i/{intake.id}").text
    assert f'href="/i/{intake.id}.fhir.json"' in page
    reply = staff.get(f"/i/{intake.short_code}.fhir.json")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/fhir+json")
    assert reply.headers["Cache-Control"] == "no-store"
    assert intake.id not in reply.headers["Content-Disposition"]
    bundle = json.loads(reply.text)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert bundle["resourceType"] == "Bundle"
    assert kinds.count("Questionnaire") == 1 and kinds.count("QuestionnaireResponse") == 1
    assert kinds.count("Flag") == len(intake.flags)
    assert browser.get(f"/i/{intake.id}.fhir.json").status == 303  # no session, no record
    assert any(e.action == "export" for e in store.audit_events(intake.id))


def test_mark_reviewed_sets_the_status_and_audits_it(staff: Browser, intake: Intake,
                                                     store: Store) -> None:
    page = staff.get(f"/i/{intake.id}")
    assert "Mark reviewed" in page.text
    reply = staff.post(f"/i/{intake.id}/review", {"csrf": page.csrf()})
    assert reply.status == 303
    assert reply.location == f"/i/{intake.id}"
    stored = store.get_intake(intake.id)
    assert stored.status == "reviewed"
    assert stored.reviewed_by == STAFF_NAME
    after = staff.get(f"/i/{intake.id}").text
    assert "Reviewed by ana at" in after
    assert "Mark reviewed" not in after
    review = [e for e in store.audit_events(intake.id) if e.action == "review"]
    assert [(e.actor, e.address) for e in review] == [(STAFF_NAME, "127.0.0.1")]


def test_mark_reviewed_without_the_sessions_token_is_refused(server: ViewerServer,
                                                             staff: Browser, intake: Intake,
                                                             store: Store) -> None:
    other = server.browser()
    other.log_in()
    someone_elses = other.get(f"/i/{intake.id}").csrf()
    for form in ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": someone_elses}):
        assert staff.post(f"/i/{intake.id}/review", form).status == 403
    assert store.get_intake(intake.id).status == "submitted"
    assert not [e for e in store.audit_events(intake.id) if e.action == "review"]


def test_mark_reviewed_without_a_session_goes_to_login(browser: Browser, intake: Intake,
                                                       store: Store) -> None:
    reply = browser.post(f"/i/{intake.id}/review", {"csrf": "x"})
    assert reply.status == 303
    assert (reply.location or "").startswith("/login?next=")
    assert store.get_intake(intake.id).status == "submitted"


def test_every_view_is_audited_with_who_which_record_and_address(
        server: ViewerServer, intake: Intake, store: Store) -> None:
    phone = server.browser("127.0.0.7")
    phone.log_in(next_path=f"/i/{intake.id}")
    phone.get(f"/i/{intake.id}")
    phone.get(f"/i/{intake.short_code}")
    views = [e for e in store.audit_events(intake.id) if e.action == "view"]
    assert [(e.actor, e.record_id, e.address) for e in views] == \
        [(STAFF_NAME, intake.id, "127.0.0.7")] * 2
    assert all(e.at.tzinfo is not None for e in views)
    logins = [e for e in store.audit_events() if e.action == "login"]
    assert [(e.actor, e.address) for e in logins] == [(STAFF_NAME, "127.0.0.7")]


HOSTILE = {
    "full_name": "<script>alert('name')</script> \"Bobby\" O'Brien & <b>co</b>",
    "main_area": "<img src=x onerror=alert(1)>",
    "eased_by": "\"><svg onload=alert(2)>",
    "medications": "</dd></dl><script>document.location='//evil'</script>",
}


def test_hostile_answers_are_shown_as_text_never_as_markup(
        staff: Browser, store: Store, questionnaire: Questionnaire) -> None:
    answers = dict(HOSTILE)
    answers["consent"] = {"agreed": True, "name": HOSTILE["full_name"],
                          "signed_on": "2025-03-10"}
    answers["psfs_activities"] = [{"activity": "<iframe src=//evil>", "rating": 5}]
    hostile = save_intake(store, questionnaire, answers)
    page = staff.get(f"/i/{hostile.id}").text
    assert "<script" not in page
    assert "<img" not in page
    assert "<svg onload" not in page
    assert "<iframe" not in page
    assert "<b>co</b>" not in page
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &#34;Bobby&#34; O&#39;Brien " \
           "&amp; &lt;b&gt;co&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;iframe src=//evil&gt;" in page
    listing = staff.get("/").text
    assert "<script" not in listing
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in listing


def test_pages_carry_no_inline_script_or_style(staff: Browser, intake: Intake) -> None:
    for path in (f"/i/{intake.id}", "/", "/login", "/i/nothing-here"):
        page = staff.get(path).text
        assert "<script" not in page, path
        assert "<style" not in page, path
        assert " style=" not in page, path
        assert " on" + "click=" not in page, path


def test_a_form_posted_from_another_site_is_refused(staff: Browser, intake: Intake,
                                                    store: Store) -> None:
    token = staff.get(f"/i/{intake.id}").csrf()
    for origin in ("http://evil.example", "http://kiosk.test:8766"):
        reply = staff.post(f"/i/{intake.id}/review", {"csrf": token},
                           headers={"Origin": origin})
        assert reply.status == 403, origin
    for site in ("cross-site", "same-site"):
        reply = staff.post(f"/i/{intake.id}/review", {"csrf": token},
                           headers={"Sec-Fetch-Site": site, "Origin": "null"})
        assert reply.status == 403, site
    assert store.get_intake(intake.id).status == "submitted"
    # The public URL (a TLS proxy in front) and the address the phone used are this site.
    for origin in ("http://kiosk.test:8765", f"http://127.0.0.1:{staff.port}"):
        assert staff.post(f"/i/{intake.id}/review", {"csrf": token},
                          headers={"Origin": origin}).status == 303


def test_many_phones_at_once_each_view_is_audited(server: ViewerServer, intake: Intake,
                                                  store: Store) -> None:
    phones = [server.browser(f"127.0.2.{n}") for n in range(1, 9)]
    for phone in phones:
        phone.log_in()

    def view(phone: Browser) -> int:
        return sum(phone.get(f"/i/{intake.id}").status == 200 for _ in range(5))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sum(pool.map(view, phones)) == 40
    views = [e for e in store.audit_events(intake.id) if e.action == "view"]
    assert sorted({e.address for e in views}) == sorted(p.source for p in phones)
    assert len(views) == 40


def test_a_view_that_cannot_be_audited_is_not_shown(staff: Browser, intake: Intake,
                                                    store: Store) -> None:
    staff.get(f"/i/{intake.id}")  # today's audit file now exists
    audit_day = next((store.root / "audit").rglob("*.jsonl"))
    audit_day.write_text('{"at": "torn\n', "utf-8")  # a whole line, not an event: damage
    reply = staff.get(f"/i/{intake.id}")
    assert reply.status == 500
    assert "Ana María" not in reply.text and "Needle phobia" not in reply.text
    assert staff.get(f"/i/{intake.id}.json").status == 500
