"""What every viewer handler shares: the store, staff accounts, sessions, throttle, templates."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from aiohttp import web
from markupsafe import Markup

from kiosk.decisions import STATUS_LABELS
from kiosk.intake import Intake
from kiosk.store import AuditEvent, Store
from kiosk.viewer.accounts import StaffAccounts
from kiosk.viewer.audit_log import AuditLog
from kiosk.viewer.course import Visit, course_view
from kiosk.viewer.course_cache import CourseParts, Visits
from kiosk.viewer.questionnaire_layout import QuestionnaireLayouts
from kiosk.viewer.record_cache import RecordCache
from kiosk.viewer.record_view import local_time, record_view
from kiosk.viewer.sessions import Sessions
from kiosk.viewer.throttle import LoginThrottle
from kiosk.viewer.trend_chart import MEASURES, shown, trend_chart, trend_rows

PACKAGE_DIR = Path(__file__).resolve().parent
T = TypeVar("T")


def template_environment() -> jinja2.Environment:
    """Templates with autoescaping always on: every answer is patient text."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship with the package: no stat of each one on every page.
        auto_reload=False,
    )


@dataclass
class ViewerContext:
    store: Store
    public_url: str
    secure_cookies: bool
    clock: Callable[[], float]
    accounts: StaffAccounts
    sessions: Sessions
    throttle: LoginThrottle
    templates: jinja2.Environment = field(default_factory=template_environment)
    login_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # All store work of the viewer runs here, one call after another: off the loop (which
    # the kiosk screen may share), first come first served, and with no two threads of
    # this process polling for the store's lock.
    store_thread: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        max_workers=1, thread_name_prefix="kiosk-viewer"))
    # What record pages take from their questionnaire, worked out once per version.
    layouts: QuestionnaireLayouts = field(default_factory=QuestionnaireLayouts)
    audit_log: AuditLog = field(init=False)
    records: RecordCache = field(init=False)
    course_parts: CourseParts = field(init=False)

    def __post_init__(self) -> None:
        self.audit_log = AuditLog(self.store, self.run)
        self.records = RecordCache(self.store, self.render_record_body)
        self.course_parts = CourseParts(self.render_record_top)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` on the viewer's store thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.store_thread, functools.partial(work, *args))

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC)

    def audit_event(self, request: web.Request, actor: str, action: str,
                    record_id: str | None = None) -> AuditEvent:
        return AuditEvent(at=self.now(), actor=actor, action=action, record_id=record_id,
                          address=request.remote)

    def audit(self, request: web.Request, actor: str, action: str,
              record_id: str | None = None) -> None:
        """Write one event now (logins, reviews); views go through :attr:`audit_log`."""
        self.store.record_audit(self.audit_event(request, actor, action, record_id))

    def render_record_body(self, intake: Intake) -> Markup:
        """The patient-record part of the record page (autoescaped; no session data)."""
        layout = self.layouts.of(self.store.questionnaire_for(intake.questionnaire))
        view = record_view(intake, layout)
        return Markup(self.templates.get_template("_record_body.html").render(view=view))

    def course_of(self, intake: Intake) -> tuple[Visits, int]:
        """The patient's visits, oldest first, and where ``intake`` sits among them.

        Visits are read through the record cache (a stat each while unchanged); a record
        linked to no patient is a course of one.
        """
        if intake.patient is None:
            return (intake,), 0
        visits = tuple(intake if visit.id == intake.id else visit
                       for visit in self.records.patient_visits(intake.patient))
        for index, visit in enumerate(visits):
            if visit is intake:
                return visits, index
        return (intake,), 0  # split off since it was read: it stands alone

    def render_record_top(self, visits: Visits, index: int) -> Markup:
        """Banner, flags, visits and trend of ``visits[index]`` (autoescaped; no session data)."""
        course = self._course(visits)
        view = course_view(course, index)
        intake, layout = view.intake, course[index].layout
        trend = self.course_parts.trend(visits, self.render_trend) if len(course) > 1 \
            else Markup("")
        return Markup(self.templates.get_template("_record_top.html").render(
            view=view, title=layout.title, version=layout.questionnaire.version,
            status_label=STATUS_LABELS[intake.status],
            submitted=local_time(intake.submitted_at or intake.created_at), trend=trend))

    def render_trend(self, visits: Visits) -> Markup:
        """The patient's progress figures and their table: the same on every visit's page."""
        rows = trend_rows(self._course(visits))
        charts = [(measure, chart) for measure in MEASURES
                  if (chart := trend_chart(rows, measure))]
        return Markup(self.templates.get_template("_trend.html").render(
            trend=rows, charts=charts, measures=MEASURES, shown=shown))

    def _course(self, visits: Visits) -> list[Visit]:
        return [Visit(visit, self.layouts.of(self.store.questionnaire_for(visit.questionnaire)))
                for visit in visits]

    def render(self, template: str, status: int = 200, **values: Any) -> web.Response:
        html = self.templates.get_template(template).render(**values)
        return web.Response(text=html, status=status, content_type="text/html",
                            headers={"Cache-Control": "no-store"})


VIEWER: web.AppKey[ViewerContext] = web.AppKey("viewer", ViewerContext)


def viewer(request: web.Request) -> ViewerContext:
    return request.app[VIEWER]
