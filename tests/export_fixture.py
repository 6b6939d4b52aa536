"""A small questionnaire with every item type, and a patient's answers to all of it, for the
FHIR and CSV export tests."""

from __future__ import annotations

from typing import Any

from kiosk.questionnaire.loader import parse_questionnaire
from kiosk.questionnaire.model import Questionnaire

EVERY_TYPE_YAML = """
id: every_type-check
version: 2
title: {en: Every item type, es: Todos los tipos}
languages: [en, es]
sections:
  - id: about
    title: {en: About you, es: Sobre usted}
    intro: {en: Tell us about yourself., es: Cuéntenos sobre usted.}
    items:
      - id: full_name
        type: text
        label: {en: Full name, es: Nombre completo}
        required: true
        max_length: 80
      - id: notes
        type: long_text
        label: {en: Anything else?, es: ¿Algo más?}
        help: {en: Take your time., es: Tómese su tiempo.}
      - id: weight
        type: number
        label: Weight
        unit: {en: kg, es: kg}
        min: 20
        max: 300
      - id: visits
        type: number
        integer: true
        label: How many visits so far?
        min: 0
  - id: pain
    title: Your pain
    items:
      - id: pain
        type: scale
        label: {en: Pain right now, es: Dolor ahora}
        code:
          system: http://loinc.org
          code: "72514-3"
          display: Pain severity - 0-10 verbal numeric rating [Score] - Reported
        flags:
          - when: pain >= 8
            level: caution
            message: Severe pain today.
      - id: smoker
        type: yes_no
        label: Do you smoke?
      - id: smoke_count
        type: number
        integer: true
        label: How many a day?
        show_if: smoker == true
      - id: side
        type: single_choice
        label: Which side?
        options:
          - {value: left, label: {en: Left, es: Izquierda}}
          - {value: right, label: {en: Right, es: Derecha}}
          - {value: both, label: {en: Both, es: Ambos}}
          - {value: "not  sure", label: {en: Not sure, es: No sé}}
      - id: quality
        type: multi_choice
        label: What is it like?
        options:
          - {value: aching, label: {en: Aching, es: Sordo}}
          - value: sharp
            label: Sharp
            flag: {level: note, message: Sharp pain.}
          - {value: none, label: None of these, exclusive: true}
      - id: sharp_where
        type: text
        label: Where is it sharp?
        show_if: "'sharp' in quality"
      - id: started
        type: date
        label: When did it start?
        past_only: true
      - id: areas
        type: body_map
        label: {en: Where does it hurt?, es: ¿Dónde le duele?}
      - id: before_safety
        type: info
        label: Next, a few safety questions.
        text: They keep you safe.
  - id: safety
    title: Safety
    items:
      - id: pacemaker
        type: yes_no
        label: Do you have a pacemaker?
        required: true
        flags:
          - when: pacemaker == true
            level: stop
            message: "=Pacemaker: no electrical stimulation"
      - id: psfs
        type: activities
        label: Activities that are hard because of your pain
      - id: consent
        type: consent
        label: Consent
        text: I agree to dry needling.
        name_item: full_name
        required: true
scores:
  - id: psfs_mean
    label: PSFS mean
    method: mean
    items: [psfs]
"""

# Free text a spreadsheet or a parser could trip on: commas, quotes, new lines, formulas.
AWKWARD_NOTES = 'Hurts "a lot", mostly at night,\nand when I sit; ask me =1+1'


def every_type_questionnaire() -> Questionnaire:
    result = parse_questionnaire(EVERY_TYPE_YAML, "every-type.yaml")
    assert result.questionnaire is not None, [str(problem) for problem in result.problems]
    return result.questionnaire


def every_type_answers() -> dict[str, Any]:
    """An answer to every answerable item (the info item has none); a new dict each time."""
    return {
        "full_name": "Zoë O'Brien",
        "notes": AWKWARD_NOTES,
        "weight": 72.5,
        "visits": 3,
        "pain": 8,
        "smoker": True,
        "smoke_count": 10,
        "side": "not  sure",
        "quality": ["aching", "sharp"],
        "sharp_where": "=HYPERLINK(\"http://evil.example\")",
        "started": "2024-11-02",
        "areas": ["front.knee.left", "back.low_back.right"],
        "pacemaker": True,
        "psfs": [{"activity": "Climbing stairs, two flights", "rating": 4},
                 {"activity": "-Kneeling in the garden", "rating": 7}],
        "consent": {"agreed": True, "name": "Zoë O'Brien", "signed_on": "2025-03-10"},
    }
