"""The bundled dry-needling intake: it loads cleanly; every safety answer reaches the clinician."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from answers_fixture import PATIENT_NAME, SAFETY_NO, complete_answers

from kiosk.intake import InvalidAnswers, build_intake
from kiosk.paths import BUNDLED_QUESTIONNAIRE, BUNDLED_QUESTIONNAIRES
from kiosk.questionnaire.loader import load_questionnaire, read_questionnaire
from kiosk.questionnaire.logic import compute_scores, raised_flags, visible_items
from kiosk.questionnaire.messages import message
from kiosk.questionnaire.model import (
    ITEM_TYPES,
    ActivitiesItem,
    ChoiceItemBase,
    ConsentItem,
    Questionnaire,
    YesNoItem,
)

SERIOUS = ("stop", "caution", "refer")


@pytest.fixture(scope="module")
def intake_form() -> Questionnaire:
    return load_questionnaire(BUNDLED_QUESTIONNAIRE)


def serious_flags(questionnaire: Questionnaire, answers: dict[str, Any]) -> set[tuple[str, str]]:
    """(item id, level) of every stop, caution or refer flag a submitted intake carries."""
    intake = build_intake(questionnaire, answers)
    return {(flag.item_id, flag.level) for flag in intake.flags if flag.level in SERIOUS}


# --------------------------------------------------------------- the file itself

def test_the_file_validates_without_errors_or_warnings() -> None:
    result = read_questionnaire(BUNDLED_QUESTIONNAIRE)
    assert [str(problem) for problem in result.problems] == []
    assert result.questionnaire is not None


def test_identity_and_languages(intake_form: Questionnaire) -> None:
    assert intake_form.id == "dry-needling-intake"
    assert intake_form.version == 1
    assert intake_form.languages == ["en", "es"]
    assert 8 <= len(intake_form.sections) <= 10


def test_every_item_type_is_used(intake_form: Questionnaire) -> None:
    used = {item.type for item in intake_form.items()}
    assert used == set(ITEM_TYPES)


def test_a_multi_choice_has_an_exclusive_none_of_these(intake_form: Questionnaire) -> None:
    conditions = intake_form.items_by_id["conditions"]
    assert isinstance(conditions, ChoiceItemBase)
    none = conditions.option("none")
    assert none is not None and none.exclusive
    assert intake_form.text(none.label, "en") == "None of these"


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


@pytest.mark.parametrize("path", BUNDLED_QUESTIONNAIRES, ids=lambda path: path.name)
def test_every_text_is_in_english_and_spanish(path: Path) -> None:
    questionnaire = load_questionnaire(path)
    found = list(texts(questionnaire.model_dump()))
    items = list(questionnaire.items())
    options = [o for item in items if isinstance(item, ChoiceItemBase) for o in item.options]
    at_least = (1 + len(questionnaire.sections) + len(items) + len(options)
                + sum(len(item.flags) for item in items) + sum(bool(o.flag) for o in options))
    assert len(found) >= at_least  # the walk reached every title, label, option and message
    untranslated = [where for where, text in found
                    if not (isinstance(text, dict) and set(text) == {"en", "es"}
                            and all(part.strip() for part in text.values()))]
    assert untranslated == []


def test_pain_now_carries_the_loinc_code(intake_form: Questionnaire) -> None:
    pain_now = intake_form.items_by_id["pain_now"]
    assert pain_now.type == "scale" and (pain_now.min, pain_now.max) == (0, 10)
    assert pain_now.code is not None
    assert (pain_now.code.system, pain_now.code.code) == ("http://loinc.org", "72514-3")


# ------------------------------------------------------- the three safety tables

class Row(NamedTuple):
    """A row of a safety table (numbered as in the clinical reference), answered "yes"."""

    row_id: str
    table_row: int
    answers: dict[str, Any]
    expected: set[tuple[str, str]]


SAFETY_ROWS = [
    # 1. Do not needle today (stop)
    Row("stop-fear-of-needles", 1, {"needle_fear": True}, {("needle_fear", "stop")}),
    Row("stop-unable-to-consent-minor-alone", 2, {"under_18": True, "guardian_present": False},
        {("guardian_present", "stop")}),
    Row("stop-unable-to-consent-needs-help", 2, {"needs_help_understanding": True},
        {("needs_help_understanding", "stop")}),
    Row("stop-fever-unwell-infection", 3, {"feeling_unwell": True}, {("feeling_unwell", "stop")}),
    Row("stop-skin-problem-where-it-hurts", 4, {"skin_problem_at_pain": True},
        {("skin_problem_at_pain", "stop")}),
    Row("stop-lymphedema", 5, {"lymphedema": True, "lymphedema_where": "Left arm"},
        {("lymphedema", "stop")}),
    Row("stop-tumour-in-painful-area", 6, {"tumour_in_area": True}, {("tumour_in_area", "stop")}),
    Row("stop-bleeding-disorder", 7, {"bleeding_disorder": True}, {("bleeding_disorder", "stop")}),
    Row("stop-bad-reaction-before", 8,
        {"bad_reaction_before": True, "bad_reaction_details": "Fainted after a shot."},
        {("bad_reaction_before", "stop")}),
    # 2. Needle with care (caution)
    Row("caution-blood-thinners", 1, {"blood_thinners": True, "blood_thinner_name": ["apixaban"]},
        {("blood_thinners", "caution")}),
    Row("caution-heart-valve-endocarditis", 2, {"heart_valve": True}, {("heart_valve", "caution")}),
    Row("caution-pregnancy", 3, {"pregnant": "yes", "trimester": "second"},
        {("pregnant", "caution")}),
    Row("caution-possible-pregnancy", 3, {"pregnant": "maybe"}, {("pregnant", "caution")}),
    Row("caution-weak-immune-system", 4, {"weak_immune": True}, {("weak_immune", "caution")}),
    Row("caution-diabetes", 5, {"diabetes": True}, {("diabetes", "caution")}),
    Row("caution-epilepsy-seizures", 6, {"seizures": True, "seizures_controlled": "yes"},
        {("seizures", "caution")}),
    Row("caution-fainting-with-needles", 7, {"fainting": True}, {("fainting", "caution")}),
    Row("caution-implants", 8, {"implants": True, "implant_types": ["breast_implants"]},
        {("implants", "caution")}),
    Row("caution-joint-replacement-hardware", 9,
        {"joint_replacement": True, "joint_replacement_where": "Right hip"},
        {("joint_replacement", "caution")}),
    Row("caution-surgery-last-3-months", 10, {"recent_surgery": True, "surgery_where": "Left knee"},
        {("recent_surgery", "caution")}),
    Row("caution-metal-or-latex-allergy", 11, {"metal_latex_allergy": True},
        {("metal_latex_allergy", "caution")}),
    Row("caution-lung-disease", 12, {"lung_disease": True}, {("lung_disease", "caution")}),
    Row("caution-very-slim-build", 12, {"slim_build": True}, {("slim_build", "caution")}),
    Row("caution-varicose-veins-vascular", 13, {"vein_problem": True},
        {("vein_problem", "caution")}),
    Row("caution-alcohol-or-drugs-today", 14, {"alcohol_drugs_today": True},
        {("alcohol_drugs_today", "caution")}),
    Row("caution-not-eaten-today", 14, {"not_eaten_today": True}, {("not_eaten_today", "caution")}),
    Row("caution-anxious-about-treatment", 15, {"treatment_anxiety": True},
        {("treatment_anxiety", "caution")}),
    # 3. Red flags (refer)
    Row("refer-bladder-bowel-saddle-numbness", 1, {"bladder_bowel": True},
        {("bladder_bowel", "refer")}),
    Row("refer-worsening-weakness-numbness", 2, {"worsening_weakness": True},
        {("worsening_weakness", "refer")}),
    Row("refer-unexplained-weight-loss", 3, {"weight_loss": True}, {("weight_loss", "refer")}),
    Row("refer-cancer-history-new-pain", 4, {"cancer_history": True, "cancer_pain_new": True},
        {("cancer_pain_new", "refer")}),
    Row("refer-fever-chills-night-sweats", 5, {"fever_with_pain": True},
        {("fever_with_pain", "refer")}),
    Row("refer-night-pain-no-position-eases", 6, {"night_pain": True}, {("night_pain", "refer")}),
    Row("refer-recent-fall-or-injury", 7, {"recent_injury": True}, {("recent_injury", "refer")}),
    Row("refer-chest-pain-breathless", 8, {"chest_pain_breathless": True},
        {("chest_pain_breathless", "refer")}),
    Row("refer-neck-artery-warning-signs", 9, {"neck_artery_signs": True},
        {("neck_artery_signs", "refer")}),
    Row("refer-long-term-steroids", 10, {"long_term_steroids": True},
        {("long_term_steroids", "refer")}),
]


@pytest.mark.parametrize("row", SAFETY_ROWS, ids=[row.row_id for row in SAFETY_ROWS])
def test_a_yes_to_each_safety_row_raises_its_flag(intake_form: Questionnaire, row: Row) -> None:
    answers = {**complete_answers(), **row.answers}
    assert serious_flags(intake_form, answers) == row.expected


def test_each_safety_table_has_all_its_rows() -> None:
    covered = {(row.row_id.split("-")[0], row.table_row) for row in SAFETY_ROWS}
    per_table = {level: sorted(n for lv, n in covered if lv == level) for level in SERIOUS}
    assert per_table == {"stop": list(range(1, 9)), "caution": list(range(1, 16)),
                         "refer": list(range(1, 11))}


OPTION_FLAGS = [
    pytest.param({"pregnant": "yes", "trimester": "first"}, ("trimester", "caution"),
                 id="first-trimester"),
    pytest.param({"seizures": True, "seizures_controlled": "no"},
                 ("seizures_controlled", "caution"), id="seizures-not-controlled"),
    pytest.param({"implants": True, "implant_types": ["pacemaker"]}, ("implant_types", "caution"),
                 id="pacemaker-no-electrical-stimulation"),
    pytest.param({"implants": True, "implant_types": ["defibrillator", "pump"]},
                 ("implant_types", "caution"), id="defibrillator"),
    pytest.param({"blood_thinners": True, "blood_thinner_name": ["warfarin"]},
                 ("blood_thinner_name", "note"), id="warfarin-ask-inr"),
    pytest.param({"preferred_language": "other", "other_language": "Tagalog"},
                 ("preferred_language", "note"), id="interpreter"),
]


def test_every_serious_flag_in_the_file_is_exercised_above(intake_form: Questionnaire) -> None:
    """A flagged question added to the file without a row above fails here."""
    flagged = {item.id for item in intake_form.items()
               if any(rule.level in SERIOUS for rule in item.flags)
               or any(o.flag and o.flag.level in SERIOUS
                      for o in getattr(item, "options", []))}
    exercised = {item_id for row in SAFETY_ROWS for item_id, _ in row.expected}
    exercised |= {param.values[1][0] for param in OPTION_FLAGS if param.values[1][1] in SERIOUS}
    assert flagged == exercised


@pytest.mark.parametrize(("extra", "expected"), OPTION_FLAGS)
def test_choosing_a_flagged_option_raises_its_flag(intake_form: Questionnaire,
                                                   extra: dict[str, Any],
                                                   expected: tuple[str, str]) -> None:
    intake = build_intake(intake_form, {**complete_answers(), **extra})
    assert expected in {(flag.item_id, flag.level) for flag in intake.flags}


def test_a_patient_answering_no_to_everything_raises_no_flag(intake_form: Questionnaire) -> None:
    answers = complete_answers()
    assert all(answers[item_id] is False for item_id in SAFETY_NO)
    intake = build_intake(intake_form, answers)
    assert intake.flags == []  # not even a note


def test_every_yes_no_safety_question_is_in_the_no_set(intake_form: Questionnaire) -> None:
    safety_sections = {"safety_today", "safety_medicines", "safety_health", "warning_signs"}
    asked = {item.id for section in intake_form.sections if section.id in safety_sections
             for item in section.items if isinstance(item, YesNoItem) and item.show_if is None}
    assert asked == set(SAFETY_NO)


def test_flags_are_listed_most_serious_first(intake_form: Questionnaire) -> None:
    answers = {**complete_answers(), "long_term_steroids": True, "diabetes": True,
               "needle_fear": True}
    levels = [flag.level for flag in build_intake(intake_form, answers).flags]
    assert levels == ["stop", "caution", "refer"]


# --------------------------------------------------------------------- follow-ups

def shown_ids(questionnaire: Questionnaire, answers: dict[str, Any]) -> set[str]:
    return {item.id for item in visible_items(questionnaire, answers)}


def test_blood_thinner_name_is_asked_only_after_yes(intake_form: Questionnaire) -> None:
    assert "blood_thinner_name" not in shown_ids(intake_form, {})
    assert "blood_thinner_name" not in shown_ids(intake_form, {"blood_thinners": False})
    assert "blood_thinner_name" in shown_ids(intake_form, {"blood_thinners": True})


@pytest.mark.parametrize(("follow_up", "opens_it", "keeps_it_closed"), [
    ("trimester", {"pregnant": "yes"}, {"pregnant": "maybe"}),
    ("surgery_where", {"recent_surgery": True}, {"recent_surgery": False}),
    ("guardian_present", {"under_18": True}, {"under_18": False}),
    ("cancer_pain_new", {"cancer_history": True}, {"cancer_history": False}),
    ("pain_weeks", {}, {"pain_start_date": "2025-01-06"}),
    ("treatment_helped", {"earlier_treatment": ["massage"]}, {"earlier_treatment": ["none"]}),
    ("dry_needling_helped", {"earlier_treatment": ["dry_needling"]},
     {"earlier_treatment": ["massage"]}),
    ("other_language", {"preferred_language": "other"}, {"preferred_language": "es"}),
], ids=lambda value: value if isinstance(value, str) else "")
def test_follow_ups_appear_only_when_relevant(intake_form: Questionnaire, follow_up: str,
                                              opens_it: dict[str, Any],
                                              keeps_it_closed: dict[str, Any]) -> None:
    assert follow_up in shown_ids(intake_form, opens_it)
    assert follow_up not in shown_ids(intake_form, keeps_it_closed)


def test_a_hidden_follow_up_answer_is_dropped(intake_form: Questionnaire) -> None:
    answers = {**complete_answers(), "blood_thinners": False, "blood_thinner_name": ["warfarin"]}
    intake = build_intake(intake_form, answers)
    assert "blood_thinner_name" not in intake.answers
    assert intake.flags == []  # the hidden warfarin option raises nothing either


def test_a_shown_required_follow_up_must_be_answered(intake_form: Questionnaire) -> None:
    answers = {**complete_answers(), "blood_thinners": True}
    with pytest.raises(InvalidAnswers) as raised:
        build_intake(intake_form, answers)
    assert raised.value.problems == {"blood_thinner_name": message("required", "en")}


def test_none_of_these_cannot_be_combined(intake_form: Questionnaire) -> None:
    answers = {**complete_answers(), "conditions": ["none", "neck_pain"]}
    with pytest.raises(InvalidAnswers) as raised:
        build_intake(intake_form, answers)
    assert raised.value.problems == {
        "conditions": message("exclusive", "en", option="None of these")}


# ----------------------------------------------------------------- PSFS and consent

def test_psfs_is_version_1_with_up_to_five_rows(intake_form: Questionnaire) -> None:
    psfs = intake_form.items_by_id["psfs_activities"]
    assert isinstance(psfs, ActivitiesItem)
    assert (psfs.psfs_version, psfs.max_rows) == (1, 5)
    assert intake_form.text(psfs.rating_min_label, "en") == "Cannot do it at all"
    assert intake_form.text(psfs.rating_max_label, "en") == "As well as before"


def test_psfs_mean_is_computed(intake_form: Questionnaire) -> None:
    assert build_intake(intake_form, complete_answers()).scores == {"psfs_mean": 3.0}
    rows = [{"activity": "Running", "rating": 7}, {"activity": "Golf", "rating": 2}]
    assert compute_scores(intake_form, {"psfs_activities": rows}) == {"psfs_mean": 4.5}
    assert compute_scores(intake_form, {}) == {"psfs_mean": None}


def with_signature(name: str) -> dict[str, Any]:
    answers = complete_answers()
    answers["consent"] = {**answers["consent"], "name": name}
    return answers


@pytest.mark.parametrize("typed", ["Ana María López", "ana maria lopez", "  ANA  MARÍA LÓPEZ ",
                                   "ana maria-lopez"])
def test_consent_accepts_the_same_name_ignoring_case_accents_and_hyphens(intake_form: Questionnaire,
                                                                 typed: str) -> None:
    consent = build_intake(intake_form, with_signature(typed)).answers["consent"]
    assert consent["agreed"] is True
    assert consent["signed_on"] == "2025-03-10"


@pytest.mark.parametrize("language", ["en", "es"])
def test_consent_rejects_a_different_name(intake_form: Questionnaire, language: str) -> None:
    with pytest.raises(InvalidAnswers) as raised:
        build_intake(intake_form, with_signature("Rosa López"), language=language)
    assert raised.value.problems == {
        "consent": message("consent_name_match", language, name=PATIENT_NAME)}


def test_consent_is_tied_to_the_full_name(intake_form: Questionnaire) -> None:
    consent = intake_form.items_by_id["consent"]
    assert isinstance(consent, ConsentItem)
    assert consent.name_item == "full_name" and consent.required


# Section 7 of the clinical reference, one phrase per element, as the patient reads it.
CONSENT_ELEMENTS = [
    "thin, solid needle", "Nothing is injected", "not acupuncture",
    "soreness for a day or two", "bruise", "tired", "drop of blood",
    "faint", "pain is worse",
    "collapsed lung", "short of breath", "next day", "emergency care", "infection",
    "nerve", "needle that breaks",
    "3 to 6 visits", "a week apart", "exercises",
    "ask questions", "say no", "stop the treatment at any time",
    "worse or spreads", "type your full name",
]


def test_consent_text_covers_every_element(intake_form: Questionnaire) -> None:
    consent = intake_form.items_by_id["consent"]
    assert isinstance(consent, ConsentItem)
    english = " ".join(intake_form.text(consent.text, "en").split())
    missing = [phrase for phrase in CONSENT_ELEMENTS if phrase not in english]
    assert missing == []
    spanish = intake_form.text(consent.text, "es")
    assert spanish.count("\n\n") == intake_form.text(consent.text, "en").count("\n\n")
    assert "pulmón colapsado" in spanish and "No se inyecta nada" in spanish


# ------------------------------------------------------------- a whole patient

@pytest.mark.parametrize("language", ["en", "es"])
def test_a_complete_realistic_intake_is_accepted(intake_form: Questionnaire,
                                                 language: str) -> None:
    answers = complete_answers()
    intake = build_intake(intake_form, answers, language=language)
    assert intake.status == "submitted" and intake.language == language
    shown = [item.id for item in visible_items(intake_form, answers) if item.answerable]
    assert sorted(intake.answers) == sorted(shown)  # every shown question was answered
    assert intake.answers["pain_areas"] == ["back.low_back.right", "back.buttock.right"]
    assert intake.questionnaire.content_hash == intake_form.content_hash


def test_the_fixture_is_a_fresh_copy_each_time() -> None:
    first = complete_answers()
    first["psfs_activities"].append({"activity": "Dancing", "rating": 1})
    assert len(complete_answers()["psfs_activities"]) == 3


def test_raised_flags_read_only_shown_answers(intake_form: Questionnaire) -> None:
    answers = {**complete_answers(), "under_18": False, "guardian_present": False}
    assert raised_flags(intake_form, answers) == []
