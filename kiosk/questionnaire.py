"""The questionnaire format staff edit, as pydantic models: the single definition of it.

A file is parsed by :mod:`kiosk.loader`; these models check its shape, and
:func:`kiosk.checks.check_questionnaire` checks what spans several items.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.text import LocalText, localize

FlagLevel = Literal["stop", "caution", "refer", "note"]
FLAG_LEVELS: tuple[FlagLevel, ...] = ("stop", "caution", "refer", "note")

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
OptionValue = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\- ]*$", max_length=80)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
# What an item says about who the patient is: visits of one person are linked by name and
# birth date, and a resumed draft is checked against the birth date.
Role = Literal["name", "birth_date", "phone"]
ROLES: tuple[Role, ...] = ("name", "birth_date", "phone")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Coding(Model):
    """A standard code for export, e.g. LOINC 72514-3 for a 0-10 pain rating."""

    system: str
    code: str
    display: str | None = None


class FlagRule(Model):
    """A safety flag raised when ``when`` holds for the answers so far."""

    when: str
    level: FlagLevel
    message: LocalText


class OptionFlag(Model):
    """A flag raised when the option that carries it is chosen."""

    level: FlagLevel
    message: LocalText


class Option(Model):
    value: OptionValue
    label: LocalText
    exclusive: bool = False
    flag: OptionFlag | None = None


def _options_from_strings(options: Any) -> Any:
    """Let staff write ``options: [Aching, Sharp]``: a plain string is its own value and label."""
    if isinstance(options, list):
        return [{"value": o, "label": o} if isinstance(o, str) else o for o in options]
    return options


class ItemBase(Model):
    id: Identifier
    label: LocalText
    help: LocalText | None = None
    required: bool = False
    show_if: str | None = None
    flags: list[FlagRule] = []
    code: Coding | None = None
    role: Role | None = None

    @property
    def answerable(self) -> bool:
        return True


class TextItem(ItemBase):
    type: Literal["text"]
    max_length: int = Field(200, ge=1, le=10_000)


class LongTextItem(ItemBase):
    type: Literal["long_text"]
    max_length: int = Field(2000, ge=1, le=20_000)


class NumberItem(ItemBase):
    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: LocalText | None = None


def scale_point(value: int | float, low: int) -> str:
    """A point of a scale as written on its tile and read back: on a scale that runs below
    zero (the Global Rating of Change, -7 to +7) a point above zero carries its "+"."""
    number = f"{value:g}" if isinstance(value, float) else str(value)
    return f"+{number}" if low < 0 and value > 0 else number


class ScaleItem(ItemBase):
    type: Literal["scale"]
    min: int = 0
    max: int = 10
    min_label: LocalText | None = None
    max_label: LocalText | None = None

    def point_text(self, value: int | float) -> str:
        """``value`` as this scale writes it: "7", or "+3" / "-3" on a scale below zero."""
        return scale_point(value, self.min)

    @property
    def range_text(self) -> str:
        """The scale's ends: "0-10", or "-7 to +7" (a hyphen between signs would misread)."""
        if self.min < 0:
            return f"{self.point_text(self.min)} to {self.point_text(self.max)}"
        return f"{self.min}-{self.max}"


class YesNoItem(ItemBase):
    type: Literal["yes_no"]


class ChoiceItemBase(ItemBase):
    options: list[Option] = Field(min_length=1)

    _split_strings = field_validator("options", mode="before")(_options_from_strings)

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


class SingleChoiceItem(ChoiceItemBase):
    type: Literal["single_choice"]


class MultiChoiceItem(ChoiceItemBase):
    type: Literal["multi_choice"]


class DateItem(ItemBase):
    type: Literal["date"]
    past_only: bool = False


class BodyMapItem(ItemBase):
    type: Literal["body_map"]
    regions: list[str] | None = None  # a subset of kiosk.body_map region ids; None = all


class ConsentItem(ItemBase):
    type: Literal["consent"]
    text: LocalText
    name_item: Identifier | None = None  # the earlier item whose name the signature must match


class InfoItem(ItemBase):
    type: Literal["info"]
    text: LocalText | None = None

    @property
    def answerable(self) -> bool:
        return False


class ActivitiesItem(ItemBase):
    """A repeatable list of activities each rated 0-10 (the Patient-Specific Functional Scale)."""

    type: Literal["activities"]
    max_rows: int = Field(5, ge=1, le=5)
    min_rows: int = Field(1, ge=0, le=5)
    max_length: int = Field(120, ge=1, le=500)
    rating_min_label: LocalText | None = None
    rating_max_label: LocalText | None = None
    psfs_version: Literal[1, 2] = 1  # PSFS 2.0 reverses the scale: 0 = as well as before


Item = Annotated[
    TextItem | LongTextItem | NumberItem | ScaleItem | YesNoItem | SingleChoiceItem
    | MultiChoiceItem | DateItem | BodyMapItem | ConsentItem | InfoItem | ActivitiesItem,
    Field(discriminator="type"),
]
ITEM_TYPES: tuple[str, ...] = (
    "text", "long_text", "number", "scale", "yes_no", "single_choice", "multi_choice",
    "date", "body_map", "consent", "info", "activities",
)


class Section(Model):
    id: Identifier
    title: LocalText
    intro: LocalText | None = None
    items: list[Item] = Field(min_length=1)


class Score(Model):
    """A score over items: the mean or sum of their numeric answers (activity ratings count)."""

    id: Identifier
    label: LocalText
    method: Literal["mean", "sum"]
    items: list[Identifier] = Field(min_length=1)


class StartChoice(Model):
    """How Welcome offers this questionnaire when the kiosk offers several, in the
    patient's words ("First visit here"); choices are shown by ``order``, then label."""

    label: LocalText
    order: int = 0


def content_digest(content: dict[str, Any]) -> str:
    """The hash of a questionnaire's content as dumped to JSON: the pin records carry.

    A store checks a kept questionnaire against its pin with this, on the content as it
    was written, so a field added to the format later never breaks an old pin.
    """
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Questionnaire(Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=64)]
    version: int = Field(ge=1)
    title: LocalText
    languages: list[Language] = Field(default=["en"], min_length=1)
    sections: list[Section] = Field(min_length=1)
    scores: list[Score] = []
    start_choice: StartChoice | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def items(self) -> Iterator[Item]:
        """Every item in the order a patient meets them."""
        for section in self.sections:
            yield from section.items

    @cached_property
    def items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items()}

    def item_with_role(self, role: Role) -> Item | None:
        """The item that holds ``role`` (the patient's name, birth date or phone), if any."""
        return next((item for item in self.items() if item.role == role), None)

    def text(self, text: LocalText | None, language: str) -> str:
        return localize(text, language, self.default_language)

    @cached_property
    def content_hash(self) -> str:
        """A hash of what the file means (not its comments or layout), to pin records to."""
        return content_digest(self.model_dump(mode="json"))
