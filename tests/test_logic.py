"""What answers mean: which questions show, which answers are accepted, flags and scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.intake import InvalidAnswers, build_intake
from kiosk.questionnaire.loader import load_questionnaire
from kiosk.questionnaire.logic import evaluate, raised_flags, section_problems, visible_items
from kiosk.questionnaire.model import Questionnaire

SMALL = """
id: small-intake
version: 2
title: {en: Small intake, es: Admisión breve}
languages: [en, es]
sections:
  - id: about
    title: {en: About you, es: Sobre usted}
    items:
      - id: full_name
        type: text
        label: {en: Full name, es: Nombre completo}
        required: true
        max_length: 40
      - id: age
        type: number
        label: {en: Age, es: Edad}
        min: 0
        max: 120
        integer: true
      - id: birth_date
        type: date
        label: {en: Date of birth, es: Fecha de nacimiento}
        past_only: true
  - id: safety
    title: {en: Safety, es: Seguridad}
    items:
      - id: blood_thinners
        type: yes_no
        label: {en: Do you take a blood thinner?, es: ¿Toma un anticoagulante?}
        required: true
        flags:
          - when: blood_thinners == true
            level: caution
            message: {en: Anticoagulated - check bleeding risk., es: Anticoagulado.}
      - id: blood_thinner_name
        type: single_choice
        label: {en: Which one?}
        show_if: blood_thinners == true
        required: true
        options:
          - {value: warfarin, label: Warfarin}
          - value: apixaban
            label: Apixaban
          - value: other
            label: {en: Another one, es: Otro}
      - id: conditions
        type: multi_choice
        label: {en: Any of these?, es: ¿Alguno de estos?}
        options:
          - value: hemophilia
            label: {en: Hemophilia, es: Hemofilia}
            flag: {level: stop, message: {en: Bleeding disorder., es: Trastorno hemorrágico.}}
          - value: diabetes
            label: {en: Diabetes, es: Diabetes}
            flag: {level: caution, message: {en: Diabetic., es: Diabético.}}
          - value: none
            label: {en: None of these, es: Ninguno}
            exclusive: true
      - id: where
        type: body_map
        label: {en: Where does it hurt?, es: ¿Dónde le duele?}
        flags:
          - when: "'front.chest.left' in where or 'front.chest.right' in where"
            level: caution
            message: {en: Chest wall - pneumothorax risk., es: Tórax.}
  - id: pain
    title: {en: Your pain, es: Su dolor}
    items:
      - id: pain_now
        type: scale
        label: {en: Pain now, es: Dolor ahora}
        flags:
          - when: pain_now >= 8
            level: note
            message: {en: Severe pain today., es: Dolor intenso.}
      - id: pain_worst
        type: scale
        label: {en: Worst pain, es: Peor dolor}
      - id: goals
        type: activities
        label: {en: Activities, es: Actividades}
      - id: story
        type: long_text
        label: {en: Tell us more, es: Cuéntenos más}
        max_length: 50
      - id: consent
        type: consent
        label: {en: Consent, es: Consentimiento}
        text: {en: I agree to dry needling., es: Acepto la punción seca.}
        name_item: full_name
scores:
  - id: pain_mean
    label: {en: Mean pain, es: Dolor medio}
    method: mean
    items: [pain_now, pain_worst]
  - id: psfs_mean
    label: {en: PSFS mean, es: Media PSFS}
    method: mean
    items: [goals]
"""


@pytest.fixture
def questionnaire(write_yaml: Callable[..., Path]) -> Questionnaire:
    return load_questionnaire(write_yaml(SMALL))


def test_a_follow_up_shows_only_after_yes(questionnaire: Questionnaire) -> None:
    ids = [item.id for item in visible_items(questionnaire, {"blood_thinners": False})]
    assert "blood_thinner_name" not in ids
    ids = [item.id for item in visible_items(questionnaire, {"blood_thinners": True})]
    assert "blood_thinner_name" in ids


def test_a_hidden_follow_up_answer_is_dropped_not_saved(questionnaire: Questionnaire) -> None:
    intake = build_intake(questionnaire, {
        "full_name": "Ana", "blood_thinners": False, "blood_thinner_name": "warfarin"})
    assert "blood_thinner_name" not in intake.answers
    assert intake.answers["blood_thinners"] is False


def test_a_patient_on_blood_thinners_gets_a_caution_flag(questionnaire: Questionnaire) -> None:
    intake = build_intake(questionnaire, {
        "full_name": "Ana", "blood_thinners": True, "blood_thinner_name": "apixaban"})
    assert [(f.level, f.item_id, f.message) for f in intake.flags] == [
        ("caution", "blood_thinners", "Anticoagulated - check bleeding risk.")]


def test_option_flags_fire_when_chosen_and_most_serious_come_first(
        questionnaire: Questionnaire) -> None:
    flags = raised_flags(questionnaire, {
        "blood_thinners": True, "conditions": ["diabetes", "hemophilia"], "pain_now": 9,
        "where": ["front.chest.left"]})
    assert [(f.level, f.item_id) for f in flags] == [
        ("stop", "conditions"), ("caution", "blood_thinners"), ("caution", "conditions"),
        ("caution", "where"), ("note", "pain_now")]


def test_flag_messages_are_in_the_default_language_for_clinicians(
        questionnaire: Questionnaire) -> None:
    intake = build_intake(questionnaire, {"full_name": "Ana", "blood_thinners": True,
                                          "blood_thinner_name": "other"}, language="es")
    assert intake.language == "es"
    assert intake.flags[0].message == "Anticoagulated - check bleeding risk."


def test_scores_mean_of_answered_items_and_psfs_ratings(questionnaire: Questionnaire) -> None:
    result = evaluate(questionnaire, {
        "full_name": "Ana", "blood_thinners": False, "pain_now": 3, "pain_worst": 8,
        "goals": [{"activity": "Lift my daughter", "rating": 3},
                  {"activity": "Run 5 km", "rating": 6}, {"activity": "", "rating": None}]})
    assert result.ok, result.problems
    assert result.scores == {"pain_mean": 5.5, "psfs_mean": 4.5}
    assert result.answers["goals"] == [{"activity": "Lift my daughter", "rating": 3},
                                       {"activity": "Run 5 km", "rating": 6}]


def test_scores_are_none_when_nothing_is_answered(questionnaire: Questionnaire) -> None:
    result = evaluate(questionnaire, {"full_name": "Ana", "blood_thinners": False})
    assert result.scores == {"pain_mean": None, "psfs_mean": None}


def test_texts_fall_back_to_the_default_language(questionnaire: Questionnaire) -> None:
    item = questionnaire.items_by_id["blood_thinner_name"]
    assert questionnaire.text(item.label, "es") == "Which one?"
    assert questionnaire.text(questionnaire.title, "es") == "Admisión breve"
    assert questionnaire.text(questionnaire.title, "fr") == "Small intake"


def test_required_answers_are_reported_in_the_patients_language(
        questionnaire: Questionnaire) -> None:
    problems = section_problems(questionnaire, questionnaire.sections[1],
                                {"blood_thinners": True}, "es")
    assert problems == {"blood_thinner_name": "Por favor, responda esta pregunta."}
    problems = section_problems(questionnaire, questionnaire.sections[1], {}, "en")
    assert problems == {"blood_thinners": "Please answer this question."}


def test_section_problems_only_cover_that_section(questionnaire: Questionnaire) -> None:
    assert section_problems(questionnaire, questionnaire.sections[2], {}) == {}


@pytest.mark.parametrize(
    ("item_id", "value", "message"),
    [
        ("full_name", "x" * 41, "Please keep this under 40 characters."),
        ("age", "forty", "Please enter a number."),
        ("age", 4.5, "Please enter a whole number."),
        ("age", 130, "Please enter 120 or less."),
        ("age", -1, "Please enter 0 or more."),
        ("age", True, "Please enter a number."),
        ("birth_date", "23/04/1980", "Please enter a date as YYYY-MM-DD, for example 1980-04-23."),
        ("birth_date", "2999-01-01", "This date cannot be in the future."),
        ("birth_date", "1850-01-01", "Please check the year."),
        ("blood_thinners", "maybe", "Please answer yes or no."),
        ("conditions", ["none", "diabetes"], "\"None of these\" cannot be combined with other "
                                             "choices."),
        ("conditions", ["cancer"], "Please choose from the options shown."),
        ("where", ["front.knee.middle"], "Please choose areas on the body map."),
        ("pain_now", 11, "Please enter 10 or less."),
        ("pain_now", "7.5", "Please enter a whole number."),
        ("story", "y" * 51, "Please keep this under 50 characters."),
        ("goals", [{"activity": "Run", "rating": 12}], "Please rate each activity from 0 to 10."),
        ("goals", [{"activity": f"a{i}", "rating": 1} for i in range(6)],
         "Please list at most 5 activities."),
        ("consent", {"agreed": False, "name": "Ana Lopez"},
         "Please confirm that you agree, or ask the front desk."),
        ("consent", {"agreed": True, "name": ""}, "Please type your full name."),
        ("consent", {"agreed": True, "name": "Someone Else"},
         "Please type your name exactly as you gave it earlier: Ana López"),
    ],
)
def test_invalid_answers_get_a_specific_message(questionnaire: Questionnaire, item_id: str,
                                                value: object, message: str) -> None:
    answers = {"full_name": "Ana López", "blood_thinners": False, item_id: value}
    with pytest.raises(InvalidAnswers) as raised:
        build_intake(questionnaire, answers)
    assert raised.value.problems == {item_id: message}


def test_valid_answers_of_every_type_are_normalized(questionnaire: Questionnaire) -> None:
    result = evaluate(questionnaire, {
        "full_name": "  Ana López ", "age": "42", "birth_date": "1983-02-01",
        "blood_thinners": "yes", "blood_thinner_name": "warfarin",
        "conditions": ["none"], "where": ["back.low_back.left", "front.knee.right"],
        "pain_now": "7", "story": "Started\r\nafter a run.\x1b[2J",
        "consent": {"agreed": True, "name": "ana lopez", "signed_on": "2026-11-23"},
    }, today=dt.date(2026, 11, 23))
    assert result.ok, result.problems
    assert result.answers == {
        "full_name": "Ana López", "age": 42, "birth_date": "1983-02-01",
        "blood_thinners": True, "blood_thinner_name": "warfarin", "conditions": ["none"],
        "where": ["front.knee.right", "back.low_back.left"], "pain_now": 7,
        "story": "Started\nafter a run.",
        "consent": {"agreed": True, "name": "ana lopez", "signed_on": "2026-11-23"},
    }


def test_control_characters_and_escape_sequences_are_stripped(
        questionnaire: Questionnaire) -> None:
    intake = build_intake(questionnaire, {
        "full_name": "Ana\x1b]0;pwned\x07 \x1b[31mLópez\x00", "blood_thinners": False})
    assert intake.answers["full_name"] == "Ana López"


def test_answers_to_unknown_items_are_ignored(questionnaire: Questionnaire) -> None:
    intake = build_intake(questionnaire, {"full_name": "Ana", "blood_thinners": False,
                                          "ssn": "123-45-6789"})
    assert "ssn" not in intake.answers


def test_the_record_pins_its_questionnaire(questionnaire: Questionnaire) -> None:
    intake = build_intake(questionnaire, {"full_name": "Ana", "blood_thinners": False})
    assert intake.questionnaire.id == "small-intake"
    assert intake.questionnaire.version == 2
    assert intake.questionnaire.content_hash == questionnaire.content_hash
    assert intake.status == "submitted" and intake.submitted_at is not None
