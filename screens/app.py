"""The patient kiosk: Welcome, one screen per section, Review, then the QR code for the clinician.

The App only coordinates: it owns the current :class:`CheckIn`, moves between
screens, saves drafts and the record through the store, and keeps the kiosk
itself safe (idle reset, staff-only exit, a calm restart after any error).

Given parts still to load, it paints Welcome from the card of the last start first
and loads them just after. So that this first paint does not wait for pydantic,
the modules that import it (the store, the check-in, the intake) are imported
where they are first used, not at the top of this module.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import importlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message_pump import active_message_pump
from textual.screen import Screen
from textual.timer import Timer

from kiosk.viewer_child import ViewerChild, ViewerPlan
from screens.kiosk_parts import KioskParts, PartsToLoad
from screens.notice_screen import NoticeScreen
from screens.quiet_collections import (
    collect_if_due,
    collect_while_quiet,
    hold_back_full_collections,
    restore_automatic_collections,
)
from screens.staff_screen import PinGuard, StaffScreen, StaffStatus
from screens.still_there_screen import StillThereScreen
from screens.strings import staff_text
from screens.welcome_screen import WelcomeScreen

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.intake import Intake
    from kiosk.resume_check import BirthDateCheck
    from kiosk.store import Draft, Store
    from screens.check_in import CheckIn
    from screens.offered_questionnaires import OfferedQuestionnaires
    from screens.resume_screen import ResumeScreen
    from screens.review_screen import ReviewScreen
    from screens.section_screen import SectionScreen
    from screens.welcome_card import WelcomeCard

log = logging.getLogger("kiosk.screens")

STILL_THERE_SECONDS = 30
FILE_CHECK_SECONDS = 5.0  # how often an idle Welcome screen looks at the questionnaire files
# Errors closer together than this count as one burst; too many in a burst and the
# kiosk exits (quietly) so that `kiosk run` starts it afresh.
ERROR_BURST_SECONDS = 60.0
MAX_ERRORS_PER_BURST = 3
PAINT_WAIT_SECONDS = 1.0  # a write waiting for a paint that never comes (the kiosk stopping)

RecordIds = Callable[[], tuple[str, str]]


class KioskApp(App[None]):
    """The check-in flow for one station; patients cannot leave it, staff can with the PIN."""

    CSS_PATH = [  # every screen's styles, parsed once at start-up (not at the first Next)
        "kiosk.tcss", "welcome_screen.tcss", "section_screen.tcss", "review_screen.tcss",
        "done_screen.tcss", "modal_screens.tcss",
    ]
    ENABLE_COMMAND_PALETTE = False  # its Screenshot command would write patient data to disk
    TITLE = "Check-in"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "nothing", show=False, priority=True),
        Binding("ctrl+c", "nothing", show=False, priority=True, system=True),
        Binding("f12", "staff", show=False, priority=True),
        Binding("ctrl+k", "staff", show=False, priority=True),
    ]

    # Set from the parts, at once or (given parts to load) just after the first paint.
    live: OfferedQuestionnaires
    store: Store
    settings: Settings
    public_url: str

    def __init__(self, parts: KioskParts | PartsToLoad, *, viewer: ViewerPlan | None = None,
                 exit_without_pin: bool = False, still_there_seconds: int = STILL_THERE_SECONDS,
                 record_ids: RecordIds | None = None,
                 file_check_seconds: float = FILE_CHECK_SECONDS) -> None:
        super().__init__()
        self.file_check_seconds = file_check_seconds
        self._redrawing_welcome = False
        self._to_load = parts if isinstance(parts, PartsToLoad) else None
        self._early_start: WelcomeScreen.Start | None = None
        if isinstance(parts, KioskParts):
            self._use(parts)
        self.startup_error: Exception | None = None  # loading the parts failed: `kiosk run` says
        self.viewer_plan = viewer
        self.exit_without_pin = exit_without_pin
        self.still_there_seconds = still_there_seconds
        self.record_ids = record_ids  # tests fix the record id and short code; else random
        self.check_in: CheckIn | None = None
        self._questions: SectionScreen | None = None  # this check-in's section screen
        self.crashed = False
        self._viewer: ViewerChild | None = None
        self._pending_draft: Draft | None = None
        self._resume_check: BirthDateCheck | None = None  # who may continue the draft
        self._accessible = False
        self._last_input = time.monotonic()
        self._idle_timer: Timer | None = None
        self._pin_guard = PinGuard()
        self._errors: list[float] = []
        # Store writes happen one after another off the event loop, in the order asked.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-store")

    # --- start and stop --------------------------------------------------------------------

    def _use(self, parts: KioskParts) -> None:
        from kiosk.daily_backup import DailyBackup

        self.live, self.store = parts.live, parts.store
        self.settings, self.public_url = parts.settings, parts.public_url
        self._daily_backup = DailyBackup.from_settings(self.store, self.settings)

    async def on_mount(self) -> None:
        if self._to_load is None:
            await self._begin(welcome_shown=False)
            return
        card = self._to_load.card
        await self.push_screen(WelcomeScreen(card.clinic_name, list(card.languages),
                                             card.default_language,
                                             staff_notice=card.staff_notice,
                                             choices=card.choices))
        self.call_after_refresh(lambda: self.run_worker(self._finish_loading(), group="start"))

    async def _finish_loading(self) -> None:
        """Just after the first paint: load the parts, then begin as a loaded kiosk does."""
        to_load = self._to_load
        assert to_load is not None
        try:
            parts = await asyncio.to_thread(to_load.load)
        except Exception as error:  # said by `kiosk run` once the terminal is restored
            self.startup_error = error
            self.exit(return_code=1)
            return
        self.call_next(self._begin_loaded, parts, to_load.card)  # in the App's own queue

    async def _begin_loaded(self, parts: KioskParts, shown: WelcomeCard) -> None:
        self._use(parts)
        self._to_load = None
        await self._begin(welcome_shown=True)
        if parts.welcome_card() != shown and isinstance(self.screen, WelcomeScreen):
            await self._redraw_welcome(self.screen)  # an edit the card's key did not cover
        early_start, self._early_start = self._early_start, None
        if early_start is not None and isinstance(self.screen, WelcomeScreen):
            self.post_message(WelcomeScreen.Start(early_start.language, early_start.accessible,
                                                  early_start.choice))

    async def _begin(self, welcome_shown: bool) -> None:
        """Offer this station's draft to continue, else show Welcome (if not shown already)."""
        self.set_interval(self.file_check_seconds, self._check_file_on_welcome)
        if not await self._offer_draft() and not welcome_shown:
            await self._go(self._welcome())
        self._write_later(self._forget_stale_drafts)
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        """What the Welcome screen need not wait for: the other screens, the viewer."""
        self.run_worker(_import_flow_screens, thread=True, group="warm-up")
        if self.viewer_plan is not None and self._viewer is None:
            # Its own process (it will hold the key that opens records; this one must not),
            # started from a thread: the patient may be tapping already.
            self._viewer = ViewerChild(self.viewer_plan, self.store.root, self.public_url)
            threading.Thread(target=self._viewer.start, daemon=True,
                             name="kiosk-viewer-start").start()

    @property
    def viewer_state(self) -> str:
        """What the staff screen says about the clinician viewer."""
        if self.viewer_plan is None:
            return "not served by this kiosk (--no-serve)"
        return "starting" if self._viewer is None else self._viewer.state

    async def on_unmount(self) -> None:
        restore_automatic_collections()
        if self._viewer is not None:
            await asyncio.to_thread(self._viewer.stop)
        await asyncio.to_thread(self._writer.shutdown, True)

    # --- the flow --------------------------------------------------------------------------

    def _welcome(self) -> WelcomeScreen:
        live = self.live
        return WelcomeScreen(self.settings.clinic_name, live.languages, live.default_language,
                             self._accessible, staff_notice=live.problem is not None,
                             choices=live.choices())

    async def show_welcome(self) -> None:
        """Back to Welcome for the next patient: nothing of this one is kept on screen."""
        self._stop_idle_watch()
        self.check_in = None
        self._pending_draft = None
        self._resume_check = None
        self._set_accessible(False)
        self.live.refresh()  # a broken edit keeps the last good version and sets a notice
        # (each file on its own: see screens.offered_questionnaires)
        await self._go(self._welcome())
        self._write_later(self._forget_stale_drafts)
        self.call_after_refresh(collect_while_quiet)  # the last patient's screens

    async def _check_file_on_welcome(self) -> None:
        """While nobody is checking in, notice a file edit (or a broken one) by itself."""
        if self.check_in is None:
            collect_if_due()  # (staff may have had F12's screen up)
            if self._daily_backup is not None:  # a quiet moment: nobody is checking in
                self._daily_backup.start_if_due()
        welcome = self.screen
        if not isinstance(welcome, WelcomeScreen) or self._redrawing_welcome:
            return
        problem = self.live.problem
        if self.live.refresh() or self.live.problem != problem:
            await self._redraw_welcome(welcome)

    async def _redraw_welcome(self, welcome: WelcomeScreen) -> None:
        live = self.live
        self._redrawing_welcome = True
        try:
            await welcome.redraw(self.settings.clinic_name, live.languages, live.default_language,
                                 live.problem is not None, live.choices())
        finally:
            self._redrawing_welcome = False

    async def _go(self, screen: Screen[Any]) -> None:
        """Replace whatever is shown (modals included) by ``screen``."""
        from screens.section_screen import SectionScreen

        self._questions = screen if isinstance(screen, SectionScreen) else None
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) < 2:
            await self.push_screen(screen)
        else:
            await self.switch_screen(screen)

    async def on_welcome_screen_start(self, message: WelcomeScreen.Start) -> None:
        from screens.check_in import CheckIn

        if self._to_load is not None:  # tapped in the split second before the parts are in
            self._early_start = message
            return
        self.live.refresh()  # an edit saved while the Welcome screen was up
        questionnaire = self.live.chosen(message.choice)
        if questionnaire is None:  # that choice went away with an edit: ask again
            if isinstance(self.screen, WelcomeScreen):
                await self._redraw_welcome(self.screen)
            return
        language = message.language if message.language in questionnaire.languages \
            else questionnaire.default_language
        self.check_in = CheckIn(questionnaire, language, message.accessible)
        self._start_idle_watch()
        first = self.check_in.next_section(-1)
        await self._show_section(first if first is not None else 0)

    def on_welcome_screen_accessible_changed(self,
                                             message: WelcomeScreen.AccessibleChanged) -> None:
        self._set_accessible(message.on)

    def _set_accessible(self, on: bool) -> None:
        self._accessible = on
        self.set_class(on, "-accessible")

    async def _show_section(self, index: int, problems: dict[str, str] | None = None) -> None:
        """Section ``index`` on this check-in's section screen (kept while the check-in lasts)."""
        from screens.section_screen import SectionScreen

        assert self.check_in is not None
        self.check_in.section_index = index
        questions = self._questions
        if questions is None or questions not in self.screen_stack:
            await self._go(SectionScreen(self.check_in, index, problems))
            return
        while self.screen is not questions:
            await self.pop_screen()
        await questions.show_section(index, problems)

    async def _show_review(self) -> None:
        """The review, over the section screen (so Edit and Back return to it at once)."""
        from screens.review_screen import ReviewScreen
        from screens.section_screen import SectionScreen

        check_in = self.check_in
        assert check_in is not None
        last = check_in.previous_section(len(check_in.questionnaire.sections))
        if self._questions is None or self._questions not in self.screen_stack:
            await self._go(SectionScreen(check_in, last if last is not None else 0))
        check_in.section_index = len(check_in.questionnaire.sections)
        check_in.editing_from_review = False
        while self.screen is not self._questions:
            await self.pop_screen()
        await self.push_screen(ReviewScreen(check_in))

    async def on_section_screen_finished(self, message: SectionScreen.Finished) -> None:
        check_in = self.check_in
        if check_in is None:
            return
        evaluation = check_in.checked()  # once per Next, shared by what follows
        check_in.keep_checked(check_in.questionnaire.sections[message.index], evaluation)
        following = None if check_in.editing_from_review else \
            check_in.next_section(message.index, evaluation.answers)
        check_in.section_index = following if following is not None else \
            len(check_in.questionnaire.sections)
        draft = check_in.to_draft(self.settings.station, evaluation.answers)
        if following is None:
            await self._show_review()
        else:
            await self._show_section(following)
        self._write_after_paint(self.store.save_draft, draft)

    async def on_section_screen_went_back(self, message: SectionScreen.WentBack) -> None:
        check_in = self.check_in
        if check_in is None:
            return
        if check_in.editing_from_review:
            await self._show_review()
            return
        previous = check_in.previous_section(message.index)
        if previous is not None:
            await self._show_section(previous)

    async def on_review_screen_edit(self, message: ReviewScreen.Edit) -> None:
        if self.check_in is not None:
            self.check_in.editing_from_review = True
            await self._show_section(message.index)

    async def on_review_screen_went_back(self) -> None:
        if self.check_in is not None:
            last = self.check_in.previous_section(len(self.check_in.questionnaire.sections))
            await self._show_section(last if last is not None else 0)

    async def on_review_screen_submit(self) -> None:
        from kiosk.intake import InvalidAnswers, build_intake

        check_in = self.check_in
        if check_in is None:
            return
        try:
            intake = build_intake(check_in.questionnaire, check_in.answers,
                                  language=check_in.language, station=self.settings.station)
        except InvalidAnswers as invalid:
            await self._show_first_problem(invalid.problems)
            return
        if self.record_ids is not None:
            record_id, short_code = self.record_ids()
            intake = intake.model_copy(update={"id": record_id, "short_code": short_code})
        try:
            saved = await self._write(self._save_intake, intake, check_in)
        except Exception as error:  # a full disk, a damaged file: the patient may try again
            log.error("could not save an intake: %s", type(error).__name__)
            if hasattr(self.screen, "show_save_failed"):  # still on the review
                self.screen.show_save_failed()
            return
        self._stop_idle_watch()
        self.check_in = None  # the answers are in the store now, and nowhere in the kiosk
        self._set_accessible(check_in.accessible)
        from kiosk.link import clinician_link
        from screens.done_screen import DoneScreen

        await self._go(DoneScreen(clinician_link(self.public_url, saved.id), saved.short_code,
                                  check_in.language, self.settings.qr_timeout))

    def _save_intake(self, intake: Intake, check_in: CheckIn) -> Intake:
        # The store sets the short code it stored on ``intake`` (it may draw a new one): the
        # kiosk cannot read the record back once records are sealed.
        self.store.save_intake(intake, check_in.questionnaire)
        self.store.delete_draft(self.settings.station)
        return intake

    async def _show_first_problem(self, problems: dict[str, str]) -> None:
        """A submit that ``kiosk.questionnaire.logic`` refuses goes to the section of the
        first problem."""
        assert self.check_in is not None
        for index, section in enumerate(self.check_in.questionnaire.sections):
            if any(item.id in problems for item in section.items):
                self.check_in.editing_from_review = False
                await self._show_section(index, problems)
                return

    async def on_done_screen_finished(self) -> None:
        await self.show_welcome()

    async def on_resume_screen_chosen(self, message: ResumeScreen.Chosen) -> None:
        from screens.check_in import CheckIn

        draft, self._pending_draft = self._pending_draft, None
        check, self._resume_check = self._resume_check, None
        # The draft goes on with the questionnaire (and version) it was taken with.
        questionnaire = self.live.pinned(draft.questionnaire) if draft is not None else None
        if (not message.resume or draft is None or questionnaire is None or check is None
                or not check.passed):
            self._write_later(self.store.delete_draft, self.settings.station)
            await self.show_welcome()
            return
        self.check_in = CheckIn.from_draft(draft, questionnaire)
        self._start_idle_watch()
        if self.check_in.section_index >= len(self.check_in.questionnaire.sections):
            await self._show_review()
        else:
            await self._show_section(self.check_in.section_index)

    # --- store writes ----------------------------------------------------------------------

    async def _write(self, call: Callable[..., Any], *args: Any) -> Any:
        """Run a store call on the writer thread (after every earlier write) and wait for it."""
        return await asyncio.wrap_future(self._writer.submit(call, *args))

    def _write_later(self, call: Callable[..., Any], *args: Any) -> None:
        """Queue a store write without waiting; a failure is logged, never shown to a patient."""
        future = self._writer.submit(call, *args)
        future.add_done_callback(_log_failed_write)

    def _write_after_paint(self, call: Callable[..., Any], *args: Any) -> None:
        """Queue a store write (in order, as ``_write_later``) that starts once the screen
        shows what was just asked for: while the writer thread runs Python (a draft save
        is a few ms of it), it holds the GIL in turns with Textual's layout and paint,
        and the patient's next section came up to 20 ms later."""
        painted = threading.Event()
        self.call_after_refresh(painted.set)

        def write_once_painted() -> Any:
            painted.wait(PAINT_WAIT_SECONDS)
            return call(*args)

        self._write_later(write_once_painted)

    def _forget_stale_drafts(self) -> None:
        """Any station's draft too old to be offered again goes (on the writer thread): a
        browser tab's kiosk killed outright cannot delete its own, and a patient's answers
        must not stay on disk for nobody."""
        from screens.check_in import DRAFT_MAX_AGE

        self.store.delete_drafts_older_than(dt.datetime.now(dt.UTC) - DRAFT_MAX_AGE)

    async def _offer_draft(self) -> bool:
        """Ask to continue this station's draft if it can be; one that cannot is deleted.
        Only a draft that holds a date of birth can be, as continuing asks for it first.
        True when the question is on screen."""
        from kiosk.resume_check import BirthDateCheck
        from screens.check_in import draft_is_resumable
        from screens.resume_screen import ResumeScreen

        draft = await self._load_draft()
        if draft is None:
            return False
        questionnaire = self.live.pinned(draft.questionnaire)
        check = BirthDateCheck.for_draft(draft, questionnaire) if questionnaire else None
        if questionnaire is None or check is None \
                or not draft_is_resumable(draft, questionnaire):
            self._write_later(self.store.delete_draft, self.settings.station)
            return False
        self._pending_draft, self._resume_check = draft, check
        language = draft.language if draft.language in questionnaire.languages \
            else questionnaire.default_language
        await self._go(ResumeScreen(check, questionnaire, language))
        self._start_idle_watch()
        return True

    async def _load_draft(self) -> Draft | None:
        """This station's draft; one that cannot be read is logged and treated as none."""
        try:
            draft: Draft | None = await self._write(self.store.load_draft, self.settings.station)
        except Exception as error:
            log.error("could not read this station's draft: %s", type(error).__name__)
            return None
        return draft

    async def store_settled(self) -> None:
        """Wait until every store write asked so far is done (tests read the store after)."""
        await self._write(lambda: None)

    # --- inactivity ------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown
                      | events.MouseScrollUp | events.Paste):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _start_idle_watch(self) -> None:
        self._last_input = time.monotonic()
        self._stop_idle_watch()
        self._idle_timer = self.set_timer(self.settings.idle_timeout, self._check_idle)

    def _stop_idle_watch(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None

    def _check_idle(self) -> None:
        quiet = time.monotonic() - self._last_input
        timeout = self.settings.idle_timeout
        if quiet < timeout or isinstance(self.screen, StaffScreen):
            self._idle_timer = self.set_timer(max(timeout - quiet, 0.1), self._check_idle)
            return
        self._idle_timer = None
        language = self.check_in.language if self.check_in else self.live.default_language
        self.push_screen(StillThereScreen(language, self.still_there_seconds),
                         self._still_there_answered)

    async def _still_there_answered(self, here: bool | None) -> None:
        if here:
            self._start_idle_watch()
        else:
            await self.clear_check_in()

    async def clear_check_in(self) -> None:
        """Nobody answered: forget this check-in everywhere (screen, memory, draft)."""
        self._write_later(self.store.delete_draft, self.settings.station)
        await self.show_welcome()

    # --- staff -----------------------------------------------------------------------------

    def action_nothing(self) -> None:
        """Ctrl+C and Ctrl+Q do nothing for patients; staff use F12 and the PIN."""

    def action_staff(self) -> None:
        if isinstance(self.screen, StaffScreen) or self._to_load is not None:
            return  # (the staff screen needs the settings: a split second after the start)
        self.push_screen(StaffScreen(self.settings.staff_pin_hash, self.staff_status(),
                                     self._pin_guard, unlocked=self.exit_without_pin),
                         self._staff_done)

    def staff_status(self) -> StaffStatus:
        described = "\n".join(
            staff_text("status_questionnaire", title=live.current.text(live.current.title, "en"),
                       id=live.current.id, version=live.current.version, path=live.path)
            for live in self.live.files)
        title = staff_text("files_need_attention") if self.live.several else None
        return StaffStatus(self.settings.station, described, self.viewer_state,
                           self.live.problem, title, sealed=self.store.sealed)

    def _staff_done(self, exit_kiosk: bool | None) -> None:
        if exit_kiosk:
            self.exit()

    # --- errors ----------------------------------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """Log that something failed: the exception's type only, never its text (patient data)."""
        log.error("unexpected error in the kiosk screens: %s", type(error).__name__)

    def _handle_exception(self, error: Exception) -> None:
        """Any unexpected error: no traceback; a calm notice and the flow starts again."""
        self.report_error(error)
        now = time.monotonic()
        self._errors = [at for at in self._errors if now - at < ERROR_BURST_SECONDS] + [now]
        if active_message_pump.get(None) is self or len(self._errors) > MAX_ERRORS_PER_BURST:
            # The App's own message loop stops after this: exit quietly and let
            # `kiosk run` start a fresh kiosk (which offers the draft to continue).
            self.crashed = True
            self._return_code = 1
            self._exception_event.set()  # a waiting Pilot (tests, auto-pilot) stops waiting
            self._close_messages_no_wait()
            return
        self.call_later(self._recover)

    async def _recover(self) -> None:
        language = self.check_in.language if self.check_in else self.live.default_language
        self._stop_idle_watch()
        self.check_in = None  # the draft (saved after each section) is offered again
        await self._go(NoticeScreen(language))

    async def on_notice_screen_closed(self) -> None:
        if not await self._offer_draft():
            await self.show_welcome()


FLOW_SCREENS = ("screens.section_screen", "screens.review_screen", "screens.done_screen")


def _import_flow_screens() -> None:
    """Load the question, review and QR screens (and their widgets) after the first paint,
    so the Welcome screen shows at once and the first Start does not wait for them."""
    for name in FLOW_SCREENS:
        importlib.import_module(name)
    # What is loaded by now lives as long as the kiosk: keep it out of the garbage
    # collector's full passes, which otherwise walk all of it in the middle of a Next.
    # Collect first, so that no garbage (a previous kiosk's, after a restart) is kept
    # for good with it.
    gc.collect()
    gc.freeze()
    hold_back_full_collections()  # and collect at quiet moments instead (quiet_collections)


def _log_failed_write(future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:
        log.error("a kiosk store write failed: %s", type(error).__name__)
