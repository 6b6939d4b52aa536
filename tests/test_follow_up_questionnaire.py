"""The bundled follow-up check-in: it covers section 9 of the clinical reference line by line,
raises each flag at its level, speaks English and Spanish, and stays short."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from answers_fixture import complete_answers
from follow_up_fixture import FOLLOW_UP, FOLLOW_UP_NO, nothing_to_report

from kiosk.intake import InvalidAnswers, build_intake
from kiosk.loader import load_questionnaire, read_questionnaire
from kiosk.logic import visible_items
from kiosk.messages import message
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire import (
    ActivitiesItem,
    ChoiceItemBase,
    DateItem,
    Questionnaire,
    ScaleItem,
    TextItem,
    YesNoItem,
)


@pytest.fixture(scope="module")
def follow_up() -> Questionnaire:
    return load_questionnaire(FOLLOW_UP)


def flags_of(questionnaire: Questionnaire, answers: dict[str, Any]) -> set[tuple[str, str]]:
    """(item id, level) of every flag a submitted check-in carries."""
    return {(flag.item_id, flag.level) for flag in build_intake(questionnaire, answers).flags}


# --------------------------------------------------------------- the file itself

def test_the_file_validates_without_errors_or_warnings() -> None:
    result = read_questionnaire(FOLLOW_UP, identity=True)  # as kiosk validate reads it
    assert [str(problem) for problem in result.problems] == []
    assert result.questionnaire is not None


def test_welcome_offers_it_after_the_first_visit_intake(follow_up: Questionnaire) -> None:
    first_visit = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    assert first_visit.start_choice is not None and follow_up.start_choice is not None
    assert first_visit.start_choice.order < follow_up.start_choice.order
    assert [(q.text(q.start_choice.label, language), q.start_choice.order)  # type: ignore[union-attr]
            for q in (first_visit, follow_up) for language in ("en", "es")] == [
        ("First visit here", 1), ("Es mi primera visita", 1),
        ("Coming back for another session", 2), ("Vuelvo para otra sesión", 2)]
    assert follow_up.id != first_visit.id and follow_up.languages == ["en", "es"]


def test_it_asks_who_the_patient_is_as_the_first_visit_does(follow_up: Questionnaire) -> None:
    first_visit = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    name, birth_date = follow_up.item_with_role("name"), follow_up.item_with_role("birth_date")
    assert isinstance(name, TextItem) and name.required
    assert isinstance(birth_date, DateItem) and birth_date.required and birth_date.past_only
    assert [item.id for item in follow_up.sections[0].items] == [name.id, birth_date.id]
    for role in ("name", "birth_date"):  # the same question on both files, so visits link
        mine, theirs = follow_up.item_with_role(role), first_visit.item_with_role(role)
        assert mine is not None and theirs is not None
        assert (mine.id, mine.label) == (theirs.id, theirs.label)
    phone = first_visit.item_with_role("phone")
    assert isinstance(phone, TextItem) and phone.id == "phone"


TEXT_KEYS = ("title", "intro", "label", "help", "message", "text", "unit", "min_label",
             "max_label", "rating_min_label", "rating_max_label")


def texts(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every patient- or clinician-facing text in the dumped questionnaire, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}" if where else key
            if key in TEXT_KEYS and value is not None:
                yield here, value
            elif isinstance(value, dict | list):
                yield from texts(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, f"{where}[{index}]")


def test_every_text_is_in_english_and_spanish(follow_up: Questionnaire) -> None:
    found = list(texts(follow_up.model_dump()))
    items = list(follow_up.items())
    options = [o for item in items if isinstance(item, ChoiceItemBase) for o in item.options]
    at_least = (1 + len(follow_up.sections) + len(items) + len(options)
                + sum(len(item.flags) for item in items) + sum(bool(o.flag) for o in options))
    assert len(found) >= at_least  # the walk reached every title, label, option and message
    untranslated = [where for where, text in found
                    if not (isinstance(text, dict) and set(text) == {"en", "es"}
                            and all(part.strip() for part in text.values()))]
    assert untranslated == []


def test_clinician_messages_are_short(follow_up: Questionnaire) -> None:
    messages = [rule.message for item in follow_up.items() for rule in item.flags]
    messages += [option.flag.message for item in follow_up.items()
                 if isinstance(item, ChoiceItemBase) for option in item.options if option.flag]
    too_long = [follow_up.text(text, "en") for text in messages
                if len(follow_up.text(text, "en")) > 90]
    assert messages and too_long == []


# ------------------------------------------------------------- section 9, row by row

class Row(NamedTuple):
    """A line of the section 9 table, answered the way that needs the clinician."""

    row_id: str
    answers: dict[str, Any]
    expected: set[tuple[str, str]]


SECTION_9 = [
    Row("response-pain-worse-or-spread", {"pain_worse_or_spread": True},
        {("pain_worse_or_spread", "stop")}),
    Row("response-soreness-more-than-2-days", {"soreness": "more_than_2_days"},
        {("soreness", "note")}),
    Row("response-bruising-or-bleeding", {"bruising": True}, {("bruising", "note")}),
    Row("response-faint-dizzy-sick", {"felt_faint": True}, {("felt_faint", "caution")}),
    Row("response-breathless-or-chest-pain", {"breathless_chest_pain": True},
        {("breathless_chest_pain", "refer")}),
    Row("response-numbness-tingling-weakness", {"new_numbness": True},
        {("new_numbness", "refer")}),
    Row("response-redness-heat-swelling-pus", {"needle_site_infection": True},
        {("needle_site_infection", "stop")}),
    Row("change-new-medicine", {"new_medicines": True, "new_blood_thinner": False,
                                "new_medicine_names": "Metformin"},
        {("new_medicines", "caution")}),
    Row("change-new-blood-thinner", {"new_medicines": True, "new_blood_thinner": True,
                                     "new_medicine_names": "Eliquis"},
        {("new_medicines", "caution"), ("new_blood_thinner", "caution")}),
    Row("change-new-illness", {"health_changes": ["illness"],
                               "health_change_details": "Flu last week"},
        {("health_changes", "caution")}),
    Row("change-surgery", {"health_changes": ["surgery"],
                           "health_change_details": "Knee scope, left, 10 days ago"},
        {("health_changes", "caution")}),
    Row("change-implant", {"health_changes": ["implant"],
                           "health_change_details": "Pacemaker"},
        {("health_changes", "caution")}),
    Row("change-pregnancy", {"health_changes": ["pregnancy"],
                             "health_change_details": "About 8 weeks"},
        {("health_changes", "caution")}),
    Row("today-fever-or-infection", {"feeling_unwell": True}, {("feeling_unwell", "stop")}),
    Row("today-not-eaten", {"not_eaten_today": True}, {("not_eaten_today", "caution")}),
    Row("today-alcohol", {"alcohol_drugs_today": True}, {("alcohol_drugs_today", "caution")}),
]


@pytest.mark.parametrize("row", SECTION_9, ids=[row.row_id for row in SECTION_9])
def test_each_section_9_line_raises_its_flag(follow_up: Questionnaire, row: Row) -> None:
    assert flags_of(follow_up, {**nothing_to_report(), **row.answers}) == row.expected


def test_every_flag_in_the_file_is_exercised_above(follow_up: Questionnaire) -> None:
    """A flagged question added to the file without a row above fails here."""
    flagged = {item.id for item in follow_up.items()
               if item.flags or any(o.flag for o in getattr(item, "options", []))}
    assert flagged == {item_id for row in SECTION_9 for item_id, _ in row.expected}


def test_the_stop_question_asks_exactly_what_the_reference_says(follow_up: Questionnaire):
    item = follow_up.items_by_id["pain_worse_or_spread"]
    assert isinstance(item, YesNoItem) and item.required
    assert follow_up.text(item.label, "en") == \
        "Since your last session, is the pain worse, or has it spread?"


def test_worse_pain_is_listed_first_and_refer_before_caution(follow_up: Questionnaire) -> None:
    answers = {**nothing_to_report(), "not_eaten_today": True, "new_numbness": True,
               "pain_worse_or_spread": True, "bruising": True}
    levels = [(flag.item_id, flag.level) for flag in build_intake(follow_up, answers).flags]
    assert levels[0] == ("pain_worse_or_spread", "stop")
    assert [level for _, level in levels] == ["stop", "caution", "refer", "note"]


# ------------------------------------------------------------------- progress

def test_pain_now_is_the_same_coded_0_10_rating_as_the_first_visit(
        follow_up: Questionnaire) -> None:
    mine = follow_up.items_by_id["pain_now"]
    theirs = load_questionnaire(BUNDLED_QUESTIONNAIRE).items_by_id["pain_now"]
    assert isinstance(mine, ScaleItem) and (mine.min, mine.max) == (0, 10) and mine.required
    assert mine.code == theirs.code and mine.code is not None and mine.code.code == "72514-3"


def test_the_global_rating_of_change_runs_from_minus_7_to_plus_7(follow_up: Questionnaire):
    groc = follow_up.items_by_id["groc"]
    assert isinstance(groc, ScaleItem) and (groc.min, groc.max) == (-7, 7) and groc.required
    assert follow_up.text(groc.label, "en") == \
        "Compared with before your first session, how is your problem now?"
    assert [follow_up.text(label, "en") for label in (groc.min_label, groc.max_label)] == [
        "A very great deal worse", "A very great deal better"]
    assert [follow_up.text(label, "es") for label in (groc.min_label, groc.max_label)] == [
        "Muchísimo peor", "Muchísimo mejor"]


@pytest.mark.parametrize("groc", [-7, -3, 0, 7])
def test_any_point_of_the_groc_is_kept_as_a_whole_number(follow_up: Questionnaire,
                                                          groc: int) -> None:
    intake = build_intake(follow_up, {**nothing_to_report(), "groc": groc})
    assert intake.answers["groc"] == groc and type(intake.answers["groc"]) is int


@pytest.mark.parametrize(("groc", "problem"), [(-8, ("below_min", {"min": "-7"})),
                                               (8, ("above_max", {"max": "7"}))])
def test_a_groc_off_the_scale_is_refused(follow_up: Questionnaire, groc: int,
                                         problem: tuple[str, dict[str, str]]) -> None:
    with pytest.raises(InvalidAnswers) as raised:
        build_intake(follow_up, {**nothing_to_report(), "groc": groc})
    key, values = problem
    assert raised.value.problems == {"groc": message(key, "en", **values)}


def test_the_psfs_is_re_rated_and_its_mean_scored(follow_up: Questionnaire) -> None:
    psfs = follow_up.items_by_id["psfs_activities"]
    first = load_questionnaire(BUNDLED_QUESTIONNAIRE).items_by_id["psfs_activities"]
    assert isinstance(psfs, ActivitiesItem) and isinstance(first, ActivitiesItem)
    assert (psfs.psfs_version, psfs.min_rows, psfs.max_rows) == (1, 1, 5) and psfs.required
    assert (psfs.rating_min_label, psfs.rating_max_label) == (first.rating_min_label,
                                                              first.rating_max_label)
    assert "same activities" in follow_up.text(psfs.help, "en")  # named again, not shown
    assert build_intake(follow_up, nothing_to_report()).scores == {"psfs_mean": 5.0}


# ---------------------------------------------------------------- short and plain

def test_nothing_to_report_raises_nothing_and_shows_at_most_25_questions(
        follow_up: Questionnaire) -> None:
    answers = nothing_to_report()
    assert all(answers[item_id] is False for item_id in FOLLOW_UP_NO)
    intake = build_intake(follow_up, answers)
    assert intake.flags == []
    shown = visible_items(follow_up, answers)
    assert all(item.answerable for item in shown)  # no page of text to read, either
    assert len(shown) == 18 <= 25
    assert sorted(intake.answers) == sorted(item.id for item in shown
                                            if item.id != "questions_for_therapist")


def test_every_yes_no_asked_of_everyone_is_in_the_no_set(follow_up: Questionnaire) -> None:
    asked = {item.id for item in follow_up.items()
             if isinstance(item, YesNoItem) and item.show_if is None}
    assert asked == set(FOLLOW_UP_NO)


# A patient slower than most: reads every word shown at 200 words a minute (adults read
# plain text at about 240), taps an answer 2 s after reading it, types on the tablet's
# keyboard at 2 characters a second (about 24 words a minute), picks a date in 10 s, and
# taps Next (or Submit) 2 s after each page. The same patient takes about 10 minutes over
# the first-visit intake (the clinic's own figure), so the model is not a flattering one.
WORDS_PER_SECOND = 200 / 60
TAP_SECONDS, TYPED_CHARACTERS_PER_SECOND, DATE_SECONDS, PAGE_SECONDS = 2, 2, 10, 2


def seconds_to_check_in(questionnaire: Questionnaire, answers: dict[str, Any]) -> float:
    seconds = 0.0
    for section in questionnaire.sections:
        words = [questionnaire.text(section.title, "en"), questionnaire.text(section.intro, "en")]
        for item in visible_items(questionnaire, answers, section):
            words += [questionnaire.text(item.label, "en"), questionnaire.text(item.help, "en")]
            if isinstance(item, ChoiceItemBase):
                words += [questionnaire.text(option.label, "en") for option in item.options]
            value = answers.get(item.id)
            if isinstance(item, ActivitiesItem):
                typed = sum(len(row["activity"]) for row in value)
                seconds += typed / TYPED_CHARACTERS_PER_SECOND + TAP_SECONDS * 2 * len(value)
            elif isinstance(item, DateItem):
                seconds += DATE_SECONDS
            elif isinstance(value, str) and not isinstance(item, ChoiceItemBase):
                seconds += len(value) / TYPED_CHARACTERS_PER_SECOND
            else:
                seconds += TAP_SECONDS * (len(value) if isinstance(value, list) else 1)
        seconds += len(" ".join(words).split()) / WORDS_PER_SECOND + PAGE_SECONDS
    return seconds + PAGE_SECONDS  # the review page's Submit


def test_nothing_to_report_takes_about_3_minutes(follow_up: Questionnaire) -> None:
    seconds = seconds_to_check_in(follow_up, nothing_to_report())
    assert 150 <= seconds <= 210, f"{seconds:.0f} s"
    first_visit = load_questionnaire(BUNDLED_QUESTIONNAIRE)
    first_visit_seconds = seconds_to_check_in(first_visit, complete_answers())
    assert 540 <= first_visit_seconds <= 720 and first_visit_seconds > 2.5 * seconds


# ------------------------------------------------------------------- follow-ups

def shown_ids(questionnaire: Questionnaire, answers: dict[str, Any]) -> set[str]:
    return {item.id for item in visible_items(questionnaire, answers)}


@pytest.mark.parametrize(("follow_up_item", "opens_it", "keeps_it_closed"), [
    ("last_session_details", {"bruising": True}, {"bruising": False}),
    ("last_session_details", {"pain_worse_or_spread": True}, {}),
    ("last_session_details", {"needle_site_infection": True}, {"soreness": "more_than_2_days"}),
    ("new_blood_thinner", {"new_medicines": True}, {"new_medicines": False}),
    ("new_medicine_names", {"new_medicines": True}, {"new_medicines": False}),
    ("health_change_details", {"health_changes": ["surgery"]}, {"health_changes": ["none"]}),
], ids=lambda value: value if isinstance(value, str) else "")
def test_follow_up_questions_appear_only_when_relevant(
        follow_up: Questionnaire, follow_up_item: str, opens_it: dict[str, Any],
        keeps_it_closed: dict[str, Any]) -> None:
    assert follow_up_item in shown_ids(follow_up, {**nothing_to_report(), **opens_it})
    assert follow_up_item not in shown_ids(follow_up, {**nothing_to_report(), **keeps_it_closed})


def test_none_of_these_changes_cannot_be_combined(follow_up: Questionnaire) -> None:
    answers = {**nothing_to_report(), "health_changes": ["none", "surgery"]}
    with pytest.raises(InvalidAnswers) as raised:
        build_intake(follow_up, answers)
    assert raised.value.problems == {
        "health_changes": message("exclusive", "en", option="None of these")}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_check_in_with_something_to_report_is_accepted(follow_up: Questionnaire,
                                                         language: str) -> None:
    answers = {**nothing_to_report(), "bruising": True, "groc": -3,
               "last_session_details": "A bruise on my left calf for 4 days.",
               "health_changes": ["illness", "surgery"],
               "health_change_details": "Dental surgery on Monday."}
    intake = build_intake(follow_up, answers, language=language)
    assert intake.status == "submitted" and intake.language == language
    assert intake.answers == answers
    assert intake.flags[0].message == follow_up.text(
        follow_up.items_by_id["health_changes"].options[0].flag.message,  # type: ignore[union-attr]
        "en")  # clinician messages stay in the clinic's language


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e: the usual estimate for a reading-grade formula."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    count = len(re.findall(r"[aeiouy]+", letters))
    if letters.endswith("e") and not letters.endswith("le") and count > 1:
        count -= 1
    return max(1, count)


def test_the_patient_reads_plain_words_at_a_6th_grade_level(follow_up: Questionnaire) -> None:
    """Flesch-Kincaid grade of every title, intro, question and help text in English."""
    shown = [follow_up.text(text, "en") for section in follow_up.sections
             for text in (section.title, section.intro,
                          *(part for item in section.items for part in (item.label, item.help)))]
    shown = [text for text in shown if text]
    words = [word for text in shown for word in text.split() if re.search("[A-Za-z]", word)]
    sentences = sum(max(1, len(re.findall(r"[.?!]", text))) for text in shown)
    grade = (0.39 * len(words) / sentences
             + 11.8 * sum(syllables(word) for word in words) / len(words) - 15.59)
    assert grade <= 6, f"grade {grade:.1f}"
