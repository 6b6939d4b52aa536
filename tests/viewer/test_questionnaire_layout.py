"""Each record is shown with the questions of the questionnaire version it was taken with,
laid out once per version, and a questionnaire's own texts are escaped like a patient's."""

from __future__ import annotations

from typing import Any

from kiosk.questionnaire.model import Questionnaire
from kiosk.store import Store
from kiosk.viewer.questionnaire_layout import QuestionnaireLayouts
from viewer.conftest import Browser, save_intake


def edited(questionnaire: Questionnaire, version: int, **texts: Any) -> Questionnaire:
    """The questionnaire as staff would edit it: a new version, some texts rewritten."""
    data = questionnaire.model_dump(mode="json")
    data["version"] = version
    full_name = data["sections"][0]["items"][0]
    assert full_name["id"] == "full_name"
    full_name["label"] = texts.get("name_label", full_name["label"])
    main_side = next(item for section in data["sections"] for item in section["items"]
                     if item["id"] == "main_side")
    main_side["options"][0]["label"] = texts.get("right_label", main_side["options"][0]["label"])
    data["sections"][2]["title"] = texts.get("pain_title", data["sections"][2]["title"])
    data["scores"][0]["label"] = texts.get("score_label", data["scores"][0]["label"])
    return Questionnaire.model_validate(data)


def test_each_record_shows_the_questions_of_its_own_version(
        staff: Browser, store: Store, questionnaire: Questionnaire) -> None:
    second = edited(questionnaire, 2, name_label={"en": "Name as on your ID card"},
                    right_label={"en": "Right-hand side"})
    old = save_intake(store, questionnaire)
    new = save_intake(store, second)
    for _ in range(2):  # and again, once both versions are laid out
        old_page, new_page = staff.get(f"/i/{old.id}").text, staff.get(f"/i/{new.id}").text
        assert "Your full name</dt>" in old_page and "ID card" not in old_page
        assert "Name as on your ID card</dt>" in new_page and "Your full name" not in new_page
        assert "My right side" in old_page and "Right-hand side" not in old_page
        assert "Right-hand side" in new_page and "My right side" not in new_page
        assert "(version 1)" in old_page and "(version 2)" in new_page


def test_hostile_questionnaire_texts_are_shown_as_text(
        staff: Browser, store: Store, questionnaire: Questionnaire) -> None:
    hostile = edited(questionnaire, 7, name_label="<script>alert('q')</script>",
                     right_label="<b>right</b> & \"co\"", pain_title="<i>Pain</i>",
                     score_label="<img src=x onerror=alert(3)>")
    page = staff.get(f"/i/{save_intake(store, hostile).id}").text
    for raw in ("<script", "<b>right", "<i>Pain", "<img"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt;</dt>" in page
    assert "&lt;b&gt;right&lt;/b&gt; &amp; &#34;co&#34;" in page
    assert "<h2>&lt;i&gt;Pain&lt;/i&gt;</h2>" in page
    assert "&lt;img src=x onerror=alert(3)&gt;</dt>" in page


def test_a_version_is_laid_out_once_and_versions_never_share_a_layout(
        questionnaire: Questionnaire) -> None:
    layouts = QuestionnaireLayouts(size=2)
    first = layouts.of(questionnaire)
    same_content = Questionnaire.model_validate(questionnaire.model_dump(mode="json"))
    assert layouts.of(same_content) is first  # kept by content, not by object
    second = layouts.of(edited(questionnaire, 2, name_label="Name"))
    assert second is not first
    assert second.sections[0].items[0].term == "<dt>Name</dt>"
    assert first.sections[0].items[0].term == "<dt>Your full name</dt>"
    layouts.of(edited(questionnaire, 3))  # a third version: the least recently used goes
    assert layouts.of(questionnaire) is not first
    assert layouts.of(questionnaire).sections == first.sections  # laid out again, the same
