"""A complete, realistic set of answers to the bundled dry-needling intake, for any test.

The patient has low back pain, has tried physical therapy and massage, and answers
"no" to every safety and warning question, so the intake raises no flag at all.
Tests change what they need on a fresh copy: ``answers = complete_answers()``.
"""

from __future__ import annotations

from typing import Any

PATIENT_NAME = "Ana María López"
SIGNED_ON = "2025-03-10"

# Every yes/no safety and warning question, answered "no" in the complete set.
SAFETY_NO: dict[str, bool] = {
    # do not needle today (stop)
    "needle_fear": False,
    "under_18": False,
    "needs_help_understanding": False,
    "feeling_unwell": False,
    "skin_problem_at_pain": False,
    "lymphedema": False,
    "tumour_in_area": False,
    "bleeding_disorder": False,
    "bad_reaction_before": False,
    # needle with care (caution)
    "blood_thinners": False,
    "heart_valve": False,
    "implants": False,
    "joint_replacement": False,
    "recent_surgery": False,
    "metal_latex_allergy": False,
    "weak_immune": False,
    "diabetes": False,
    "seizures": False,
    "fainting": False,
    "lung_disease": False,
    "slim_build": False,
    "vein_problem": False,
    "alcohol_drugs_today": False,
    "not_eaten_today": False,
    "treatment_anxiety": False,
    # warning signs (refer)
    "bladder_bowel": False,
    "worsening_weakness": False,
    "weight_loss": False,
    "cancer_history": False,
    "fever_with_pain": False,
    "night_pain": False,
    "recent_injury": False,
    "chest_pain_breathless": False,
    "neck_artery_signs": False,
    "long_term_steroids": False,
}


def complete_answers() -> dict[str, Any]:
    """Answers to every item the patient is shown, valid for ``build_intake``; a new dict."""
    return {
        # about you
        "full_name": PATIENT_NAME,
        "date_of_birth": "1979-05-14",
        "phone": "555-0142",
        "preferred_language": "en",
        # where it hurts
        "pain_areas": ["back.low_back.right", "back.buttock.right"],
        "main_area": "Right side of my low back",
        "main_side": "right",
        # your pain
        "pain_now": 6,
        "pain_best": 3,
        "pain_worst": 8,
        "pain_start_date": "2025-01-06",
        "pain_start_how": "after_activity",
        "pain_quality": ["aching", "sharp"],
        "pain_pattern": "comes_and_goes",
        "pain_worse_time": ["morning"],
        "worse_with": "Sitting for more than an hour.\nBending to lift the laundry basket.",
        "eased_by": "Walking, a hot shower, ibuprofen.",
        # history and treatment
        "conditions": ["low_back_pain"],
        "earlier_treatment": ["physical_therapy", "massage"],
        "treatment_helped": "a_little",
        "treatment_reaction": False,
        "medications": "Ibuprofen 400 mg when needed.",
        "allergies": False,
        # safety and warning questions
        **SAFETY_NO,
        "pregnant": "no",
        # goals (PSFS ratings 4, 3 and 2: mean 3.0)
        "psfs_activities": [
            {"activity": "Sitting through a work meeting", "rating": 4},
            {"activity": "Lifting the laundry basket", "rating": 3},
            {"activity": "Gardening", "rating": 2},
        ],
        "treatment_goal": "Sit at work without pain.",
        # consent
        "questions_for_therapist": "How many visits will I need?",
        "consent": {"agreed": True, "name": PATIENT_NAME, "signed_on": SIGNED_ON},
    }
