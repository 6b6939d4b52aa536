"""A real KioskApp on a real store in a temporary folder, with fixed ids for the tests."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.intake import QuestionnairePin
from kiosk.pins import hash_pin
from kiosk.store import Draft, Store
from kiosk.viewer_child import ViewerPlan
from screens.app import KioskApp
from screens.kiosk_parts import KioskParts, PartsToLoad
from screens.live_questionnaire import LiveQuestionnaire
from screens.offered_questionnaires import OfferedQuestionnaires

FIXTURES = Path(__file__).parent / "fixtures"
EVERY_TYPE = FIXTURES / "every_type.yaml"
STAFF_PIN = "2468"
PUBLIC_URL = "https://kiosk.exampleclinic.org"  # with a record id: a 60-character link
RECORD_ID = "7hq2mzx9k4c8r3tvp6wy5nbd2f"
SHORT_CODE = "KT7M4X"
STATION = "front-desk"


def fixed_ids() -> tuple[str, str]:
    return RECORD_ID, SHORT_CODE


class KioskFactory:
    """Builds kiosks on one data folder (so a second kiosk sees the first one's draft)."""

    def __init__(self, tmp_path: Path, errors: list[BaseException]) -> None:
        self.data = tmp_path / "data"
        self.store = Store(self.data)
        self.errors = errors
        self.tmp_path = tmp_path

    def questionnaire_copy(self, source: Path = EVERY_TYPE) -> Path:
        """A copy staff may edit during the test."""
        path = self.tmp_path / source.name
        if not path.exists():
            shutil.copy(source, path)
        return path

    def parts(self, questionnaire: Path | Sequence[Path] = EVERY_TYPE, *,
              idle_timeout: float = 90.0,
              qr_timeout: float = 60.0, pin: str | None = STAFF_PIN,
              clinic_name: str = "Riverside Physio", **settings: Any) -> KioskParts:
        """What a kiosk runs on: the questionnaire (or several), this folder's store, the
        settings."""
        chosen = Settings(clinic_name=clinic_name, station=STATION, idle_timeout=idle_timeout,
                          qr_timeout=qr_timeout,
                          staff_pin_hash=hash_pin(pin) if pin else None, **settings)
        files = [questionnaire] if isinstance(questionnaire, Path) else list(questionnaire)
        return KioskParts(OfferedQuestionnaires.load(files), self.store, chosen, PUBLIC_URL)

    def __call__(self, questionnaire: Path | Sequence[Path] | KioskParts | PartsToLoad
                 = EVERY_TYPE, *,
                 still_there_seconds: int = 30, exit_without_pin: bool = False,
                 viewer: ViewerPlan | None = None, file_check_seconds: float = 5.0,
                 **settings: Any) -> KioskApp:
        """A kiosk on ``questionnaire`` with these settings, or on parts built already."""
        parts = questionnaire if isinstance(questionnaire, KioskParts | PartsToLoad) \
            else self.parts(questionnaire, **settings)
        app = KioskApp(parts, viewer=viewer, exit_without_pin=exit_without_pin,
                       still_there_seconds=still_there_seconds, record_ids=fixed_ids,
                       file_check_seconds=file_check_seconds)
        # Unexpected errors are recorded in full here (the kiosk itself logs their type only).
        app.report_error = self.errors.append  # type: ignore[method-assign]
        return app


def screen_text(app: KioskApp) -> str:
    """Everything the screen shows now, as plain text lines."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def what_the_terminal_shows(app: KioskApp) -> str:
    """The text of the whole picture, screens below a see-through top screen included
    (``screen_text`` has the top screen only)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]*>", "", svg)).replace("\xa0", " ")


def seed_draft(store: Store, questionnaire: Path, answers: dict[str, Any], section_index: int,
               language: str = "en", minutes_ago: float = 1.0) -> Draft:
    """A draft as a kiosk saves it after a section, as if the kiosk had stopped since."""
    draft = Draft(station=STATION,
                  questionnaire=QuestionnairePin.of(LiveQuestionnaire.load(questionnaire).current),
                  language=language, answers=answers, section_index=section_index,
                  updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago))
    store.save_draft(draft)
    return draft


def every_type_answers() -> dict[str, Any]:
    """What the patient gives in the every-type questionnaire, in the stored shape."""
    return {
        "full_name": "Ana María López",
        "age": 46,
        "birthday": "1979-05-14",
        "blood_thinners": True,
        "blood_thinner_name": "Warfarin",
        "pain_areas": ["front.knee.left", "back.low_back.right"],
        "pain_now": 8,
        "pain_quality": ["aching", "sharp"],
        "pain_pattern": "comes_and_goes",
        "worse_with": "Sitting for more than an hour.\nBending to lift the laundry basket.",
        "activities": [{"activity": "Gardening", "rating": 3},
                       {"activity": "Sitting through a work meeting", "rating": 5}],
        "consent": {"agreed": True, "name": "ana maria lopez",
                    "signed_on": dt.date.today().isoformat()},
    }
