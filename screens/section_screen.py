"""The questions, one section at a time: title, the section's page, then Back / step / Next.

Each section is a page (:class:`~screens.section_page.SectionPage`) of this one
screen. While the patient answers one section, the next one is built out of sight,
so Next only swaps pages; the previous page stays, so Back is instant too. Pages
further away are dropped (their answers live in the check-in, not in the widgets).
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, ProgressBar, Static

from screens.check_in import CheckIn
from screens.quiet_collections import collect_while_quiet
from screens.section_page import SectionPage
from screens.strings import text
from screens.widgets.plain import plain


class SectionScreen(Screen[None]):
    """Shows one section's page; posts :class:`Finished` only when that section is valid."""

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", show=False, priority=True),
        Binding("ctrl+b", "back", "Back", show=False, priority=True),
    ]

    class Finished(Message):
        """Next on a valid section: the check-in's answers are complete for it."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class WentBack(Message):
        """Back: the answers are kept as they are, valid or not."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, check_in: CheckIn, index: int,
                 problems: dict[str, str] | None = None) -> None:
        super().__init__(classes="section-screen")
        self.check_in = check_in
        self.index = index
        self._first_problems = problems
        self.pages: dict[int, SectionPage] = {}
        self._building: dict[int, asyncio.Task[SectionPage]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="section-head"):
            yield Static(id="section-title")
            yield Static(id="section-intro")
            yield Static(id="section-problem")
        yield Container(id="pages")
        with Horizontal(id="nav"):
            yield Button(text("back", self.check_in.language), id="back")
            with Vertical(id="progress-box"):
                yield Static(id="step")
                yield ProgressBar(total=self.check_in.steps, show_eta=False,
                                  show_percentage=False, id="progress")
                yield Static(text("keys_hint", self.check_in.language), id="keys-hint")
            yield Button(text("next", self.check_in.language), id="next", variant="primary")

    async def on_mount(self) -> None:
        await self.show_section(self.index, self._first_problems)

    @property
    def page(self) -> SectionPage:
        return self.pages[self.index]

    async def _page(self, index: int) -> SectionPage:
        """The page of section ``index``, built now if it is not built (or being built) yet."""
        if index in self.pages:
            return self.pages[index]
        if index not in self._building:
            self._building[index] = asyncio.create_task(self._build(index))
        return await self._building[index]

    async def _build(self, index: int) -> SectionPage:
        page = SectionPage(self.check_in, index)
        page.display = False
        await self.query_one("#pages", Container).mount(page)
        self.pages[index] = page
        return page

    async def show_section(self, index: int, problems: dict[str, str] | None = None) -> None:
        """Swap to section ``index`` (showing ``problems`` if given), then prepare the next."""
        page = await self._page(index)
        checked = self.check_in.checked().answers
        await page.apply_show_if(checked)  # earlier answers may have changed what it shows
        if index != self.index and self.index in self.pages:
            self.pages[self.index].display = False
        self.index = index
        self._show_head(page, checked)
        page.display = True
        if problems:
            self._show_problems(problems)
        else:
            page.focus_first()
        self.call_after_refresh(self._tidy_and_prepare, index)

    async def _tidy_and_prepare(self, index: int) -> None:
        """Drop pages far from ``index``; build the next one while the patient reads."""
        if index != self.index:
            return
        checked = self.check_in.checked().answers
        following = self.check_in.next_section(index, checked)
        near = {index, self.check_in.previous_section(index, checked), following}
        for far in [number for number in self.pages if number not in near]:
            await self.pages.pop(far).remove()
            self._building.pop(far, None)
        if following is not None and following not in self.pages \
                and following not in self._building:
            task = asyncio.create_task(self._build(following))
            task.add_done_callback(self._prepared)
            self._building[following] = task

    def _prepared(self, task: asyncio.Task[SectionPage]) -> None:
        if task.cancelled():
            return
        if task.exception() is not None:
            self.app._handle_exception(task.exception())  # type: ignore[arg-type]
        else:
            collect_while_quiet()  # the patient is reading this section: a quiet moment

    def _show_head(self, page: SectionPage, checked: dict[str, Any]) -> None:
        check_in, language = self.check_in, self.check_in.language
        questionnaire = check_in.questionnaire
        self.query_one("#section-title", Static).update(
            plain(questionnaire.text(page.section.title, language)))
        intro = self.query_one("#section-intro", Static)
        intro.update(plain(questionnaire.text(page.section.intro, language), multiline=True))
        intro.display = bool(page.section.intro)
        self.query_one("#section-problem", Static).display = False
        self.query_one("#step", Static).update(
            text("step", language, step=page.index + 1, total=check_in.steps))
        self.query_one(ProgressBar).update(progress=page.index + 1)
        self.query_one("#back", Button).disabled = not check_in.editing_from_review \
            and check_in.previous_section(page.index, checked) is None
        self.query_one("#next", Button).label = \
            text("to_review" if check_in.editing_from_review else "next", language)

    def _show_problems(self, problems: dict[str, str]) -> None:
        notice = self.query_one("#section-problem", Static)
        notice.update(text("fix_problems", self.check_in.language))
        notice.display = True
        self.page.show_problems(problems)

    def action_next(self) -> None:
        problems = self.page.problems()
        if problems:
            self._show_problems(problems)
            return
        self.page.show_problems({})
        self.post_message(self.Finished(self.index))

    def action_back(self) -> None:
        if self.query_one("#back", Button).disabled:
            return
        self.page.collect()
        self.post_message(self.WentBack(self.index))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            event.stop()
            self.action_next()
        elif event.button.id == "back":
            event.stop()
            self.action_back()
