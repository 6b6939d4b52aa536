"""The question widget for each item type of the questionnaire format."""

from __future__ import annotations

from typing import Any

from kiosk.questionnaire.model import Item, Questionnaire
from screens.widgets.activities_item import ActivitiesItemWidget
from screens.widgets.body_map_item import BodyMapItemWidget
from screens.widgets.consent_item import ConsentItemWidget
from screens.widgets.date_item import DateItemWidget
from screens.widgets.info_item import InfoItemWidget
from screens.widgets.item_widget import ItemWidget
from screens.widgets.long_text_item import LongTextItemWidget
from screens.widgets.multi_choice_item import MultiChoiceItemWidget
from screens.widgets.number_item import NumberItemWidget
from screens.widgets.scale_item import ScaleItemWidget
from screens.widgets.single_choice_item import SingleChoiceItemWidget
from screens.widgets.text_item import TextItemWidget
from screens.widgets.yes_no_item import YesNoItemWidget

WIDGETS: dict[str, type[ItemWidget]] = {
    "text": TextItemWidget,
    "long_text": LongTextItemWidget,
    "number": NumberItemWidget,
    "scale": ScaleItemWidget,
    "yes_no": YesNoItemWidget,
    "single_choice": SingleChoiceItemWidget,
    "multi_choice": MultiChoiceItemWidget,
    "date": DateItemWidget,
    "body_map": BodyMapItemWidget,
    "consent": ConsentItemWidget,
    "info": InfoItemWidget,
    "activities": ActivitiesItemWidget,
}


def widget_for(item: Item, questionnaire: Questionnaire, language: str,
               value: Any = None) -> ItemWidget:
    """A new widget asking ``item`` in ``language``, showing ``value`` (a kept answer) if given."""
    return WIDGETS[item.type](item, questionnaire, language, value)
