"""What a kiosk runs on (its questionnaires, store, settings and link), loaded or still to load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from screens.welcome_card import WelcomeCard

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.store import Store
    from screens.offered_questionnaires import OfferedQuestionnaires


@dataclass(frozen=True)
class KioskParts:
    live: OfferedQuestionnaires
    store: Store
    settings: Settings
    public_url: str

    def welcome_card(self) -> WelcomeCard:
        """What the Welcome screen shows with these parts."""
        live = self.live
        return WelcomeCard(self.settings.clinic_name, tuple(live.languages),
                           live.default_language, live.choices(), live.problem is not None)


@dataclass(frozen=True)
class PartsToLoad:
    """Parts the kiosk loads right after painting Welcome from ``card``."""

    card: WelcomeCard
    load: Callable[[], KioskParts]
