"""The questionnaires one kiosk offers (a first visit and a follow-up), each file live on its own.

The rules, for staff editing files while the kiosk runs:

- Each file is looked at on its own before each patient. An edit that validates is
  used from the next patient on; an edit that does not keeps that file's last good
  version and tells staff, exactly as a one-file kiosk always has. So a typo in the
  follow-up never takes away a follow-up that was working.
- A file that has no good version (broken at start-up) is left out, with a staff
  notice, while the others are offered; fixed, it is offered from the next patient.
  A kiosk with a single file still refuses to start on a broken one.
- A kiosk configured with several files links their visits to one patient, so each
  file must mark its name and birth-date items (``role: name``, ``role: birth_date``).
  A file without them is refused like a broken one (left out, or its last good
  version kept). A one-file kiosk needs no roles.
- A file of questionnaire test cases (``*.cases.yaml``) is never offered.

Staff notices go to the staff panel (F12) only; Welcome shows just a small marker.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.questionnaire.case_files import is_cases_file
from kiosk.questionnaire.text import LocalText
from screens.live_questionnaire import (  # (the file's stamp, as LiveQuestionnaire takes it)
    LiveQuestionnaire,
    QuestionnaireFileError,
    Stamp,
    _stamp,
)
from screens.welcome_card import Choice

if TYPE_CHECKING:
    from kiosk.intake import QuestionnairePin
    from kiosk.questionnaire.model import Questionnaire

def missing_roles(questionnaire: Questionnaire) -> str | None:
    """Why a kiosk offering several files cannot offer this one (None: it can)."""
    from kiosk.questionnaire.checks import (
        IDENTITY_ROLES,  # (pydantic: loaded after the first paint)
    )

    missing = [f"role: {role}" for role in IDENTITY_ROLES
               if questionnaire.item_with_role(role) is None]
    if not missing:
        return None
    return (f"no item has {' or '.join(missing)}; a kiosk offering several questionnaires "
            "needs the name and birth-date items marked, so that visits link to one patient")


@dataclass
class LeftOut:
    """A file with no good version: not offered, looked at again when it changes."""

    path: Path
    stamp: Stamp | None
    problem: str
    for_good: bool = False  # a test-case file: never offered, never read


class OfferedQuestionnaires:
    """Every configured file, the ones offered now, and what staff should know."""

    def __init__(self, files: Sequence[LiveQuestionnaire], left_out: Sequence[LeftOut],
                 several: bool) -> None:
        self.files = list(files)
        self.left_out = list(left_out)
        self.several = several  # configured with more than one file: roles are needed

    @classmethod
    def load(cls, paths: Sequence[str | os.PathLike[str]],
             cache_dir: Path | None = None) -> OfferedQuestionnaires:
        """Read every file at start-up. Nothing to offer stops the kiosk with every problem;
        so does a one-file kiosk's broken file."""
        several = sum(not is_cases_file(Path(path)) for path in paths) > 1
        check = missing_roles if several else None
        files: list[LiveQuestionnaire] = []
        left_out: list[LeftOut] = []
        for path in map(Path, paths):
            if is_cases_file(path):
                left_out.append(LeftOut(path, None, f"{path} holds questionnaire test cases, "
                                        "not a questionnaire: it is never offered",
                                        for_good=True))
                continue
            try:
                files.append(LiveQuestionnaire.load(path, cache_dir, check))
            except QuestionnaireFileError as error:
                left_out.append(LeftOut(path, _stamp(path), str(error)))
        if not files:
            raise QuestionnaireFileError("\n".join(entry.problem for entry in left_out))
        return cls(files, left_out, several)

    # --- what the kiosk offers -------------------------------------------------------------

    @property
    def offered(self) -> list[Questionnaire]:
        """The questionnaires offered now, in Welcome's order: ``start_choice.order``, then
        the label (in each file's first language); a file without a choice by its title."""
        return [live.current for live in self._in_order()]

    def _in_order(self) -> list[LiveQuestionnaire]:
        def place(live: LiveQuestionnaire) -> tuple[int, str]:
            questionnaire = live.current
            choice = questionnaire.start_choice
            order = choice.order if choice is not None else 0
            return order, questionnaire.text(_label(questionnaire), questionnaire.default_language)

        return sorted(self.files, key=place)

    @property
    def current(self) -> Questionnaire:
        """The first questionnaire offered (a one-file kiosk's only one)."""
        return self._in_order()[0].current

    @property
    def languages(self) -> list[str]:
        """Welcome's languages: every offered file's, in order of first appearance."""
        seen: dict[str, None] = {}
        for questionnaire in self.offered:
            seen.update(dict.fromkeys(questionnaire.languages))
        return list(seen)

    @property
    def default_language(self) -> str:
        return self.current.default_language

    def choices(self) -> tuple[Choice, ...]:
        """What Welcome asks the patient to choose from; none when only one is offered."""
        ordered = self._in_order()
        if len(ordered) < 2:
            return ()
        languages = self.languages
        return tuple(Choice(str(live.path), tuple(
            (language, live.current.text(_label(live.current), language))
            for language in languages)) for live in ordered)

    def chosen(self, key: str | None) -> Questionnaire | None:
        """The questionnaire the patient chose on Welcome (``key`` None: the only one);
        None when that choice is no longer offered (Welcome then asks again)."""
        if key is None:
            return self.files[0].current if len(self.files) == 1 else None
        for live in self.files:
            if str(live.path) == key:
                return live.current
        return None

    def pinned(self, pin: QuestionnairePin) -> Questionnaire | None:
        """The offered questionnaire a draft was taken with, exactly that version, if any."""
        from kiosk.intake import QuestionnairePin

        for questionnaire in self.offered:
            if QuestionnairePin.of(questionnaire) == pin:
                return questionnaire
        return None

    # --- staff edits -----------------------------------------------------------------------

    def refresh(self) -> bool:
        """Look at every file again; True when what is offered changed (a new version, a
        file now offered)."""
        changed = False
        for live in self.files:
            changed = live.refresh() or changed
        for entry in list(self.left_out):
            if entry.for_good:
                continue
            stamp = _stamp(entry.path)
            if stamp == entry.stamp:
                continue
            entry.stamp = stamp
            try:
                live = LiveQuestionnaire.load(entry.path,
                                              check=missing_roles if self.several else None)
            except QuestionnaireFileError as error:
                entry.problem = str(error)
                continue
            self.left_out.remove(entry)
            self.files.append(live)
            changed = True
        return changed

    @property
    def problem(self) -> str | None:
        """What staff should know about the files, or None when all is well."""
        notices = list(self._notices())
        return "\n\n".join(notices) if notices else None

    def _notices(self) -> Iterator[str]:
        for live in self.files:
            if live.problem is not None:
                yield live.problem if not self.several else \
                    f"{live.path} changed but cannot be used; its last good version is " \
                    f"still offered:\n{live.problem}"
        for entry in self.left_out:
            yield f"Left out (not offered to patients): {entry.problem}"


def _label(questionnaire: Questionnaire) -> LocalText:
    choice = questionnaire.start_choice
    return choice.label if choice is not None else questionnaire.title
