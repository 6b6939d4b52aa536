"""A course of visits as the clinician reads it: banner, standing and new flags, trend figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from answers_fixture import complete_answers
from markupsafe import Markup

from kiosk.intake import Intake, build_intake
from kiosk.paths import BUNDLED_QUESTIONNAIRE
from kiosk.questionnaire.loader import read_questionnaire
from kiosk.viewer.course import Visit, banner, standing_flags, todays_flags, visit_lines
from kiosk.viewer.course_cache import CourseParts
from kiosk.viewer.questionnaire_layout import lay_out
from kiosk.viewer.trend_chart import (
    BOTTOM,
    MEASURES,
    TOP,
    measures_of,
    trend_chart,
    trend_rows,
)
from viewer.course_fixture import COURSE, visit_intake


@pytest.fixture(scope="module")
def course() -> list[Visit]:
    return [Visit(visit_intake(questionnaire, day, answers), lay_out(questionnaire))
            for questionnaire, day, answers in COURSE]


def messages(groups: list) -> list[tuple[str, str, bool, str]]:
    return [(group.level, line.message, line.new, line.since)
            for group in groups for line in group.flags]


def test_the_banner_names_the_patient_with_age_on_the_visit_day(course: list[Visit]) -> None:
    third = banner(course, 2)
    assert (third.name, third.birth_date, third.age) == ("Ana María López", "1979-05-14", 47)
    assert (third.visit_number, third.visit_count) == (3, 3)
    assert banner(course, 0).visit_number == 1


def test_lasting_conditions_of_visit_1_stand_on_a_follow_up(course: list[Visit]) -> None:
    standing = messages(standing_flags(course, 2))
    # Heart valve and latex are not asked again; fever is (today's "no" wins); notes never stand.
    assert standing == [
        ("caution", "Heart valve disease - infection risk.", False, "visit 1, 2 Nov"),
        ("caution", "Latex allergy - use latex-free gloves.", False, "visit 1, 2 Nov"),
    ]
    # Pain worse on visit 2 is asked again on visit 3, so it is today's flag there, not standing.
    assert all("Pain worse" not in line[1] for line in standing)
    assert standing_flags(course, 0) == []


def test_flags_new_since_the_last_visit_are_marked(course: list[Visit]) -> None:
    third = messages(todays_flags(course, 2))
    assert third == [
        ("stop", "Pain worse or spreading since last session.", False, ""),
        ("caution", "New blood thinner since last visit.", True, ""),
    ]
    assert messages(todays_flags(course, 1)) == [
        ("stop", "Pain worse or spreading since last session.", True, "")]
    # A first visit has no last visit: nothing on it is marked new.
    assert not any(line[2] for line in messages(todays_flags(course, 0)))


def test_refer_comes_before_caution(course: list[Visit]) -> None:
    first = course[0]
    flags = [*first.intake.flags,
             first.intake.flags[0].model_copy(update={"level": "refer", "message": "Red flag."})]
    visit = Visit(first.intake.model_copy(update={"flags": flags}), first.layout)
    assert [group.level for group in todays_flags([visit], 0)] == \
        ["stop", "refer", "caution", "note"]


def test_the_visits_panel_counts_flags_most_urgent_first(course: list[Visit]) -> None:
    lines = visit_lines(course, 1)
    assert [(line.number, line.day, line.title, line.current) for line in lines] == [
        (1, "2 Nov 2026", "Dry needling intake", False),
        (2, "9 Nov 2026", "Follow-up visit", True),
        (3, "16 Nov 2026", "Follow-up visit", False)]
    assert lines[0].badges == [("stop", 1), ("caution", 2), ("note", 1)]


def test_trend_figures_are_found_by_rule_in_both_questionnaires(course: list[Visit]) -> None:
    assert [measures_of(visit) for visit in course] == [
        {"pain": 7.0, "psfs": 2.5, "groc": None},
        {"pain": 5.0, "psfs": 4.5, "groc": -2.0},
        {"pain": 3.0, "psfs": 7.0, "groc": 4.0}]


def test_the_rules_find_the_figures_in_the_bundled_pair() -> None:
    first = read_questionnaire(BUNDLED_QUESTIONNAIRE).questionnaire
    follow_up = read_questionnaire(BUNDLED_QUESTIONNAIRE.with_name("follow-up.yaml")).questionnaire
    assert first is not None and follow_up is not None
    intake = build_intake(first, complete_answers())
    assert measures_of(Visit(intake, lay_out(first))) == \
        {"pain": 6.0, "psfs": 3.0, "groc": None}
    # The follow-up's items, found by the same rules (a record is not needed to find them).
    answers = {"pain_now": 2, "groc": -3}
    scores = {"psfs_mean": 5.5}
    found = measures_of(Visit(intake.model_copy(update={"answers": answers, "scores": scores}),
                              lay_out(follow_up)))
    assert found == {"pain": 2.0, "psfs": 5.5, "groc": -3.0}


def test_each_point_sits_at_its_value_and_groc_goes_below_zero(course: list[Visit]) -> None:
    rows = trend_rows(course)
    for measure in MEASURES:
        svg = trend_chart(rows, measure)
        assert "<script" not in svg and "style=" not in svg
        points = re.findall(r'data-visit="(\d)" cx="[\d.]+" cy="([\d.]+)"', svg)
        expected = {str(row.number): row.values[measure.id] for row in rows
                    if row.values[measure.id] is not None}
        assert {visit for visit, _ in points} == set(expected)
        for visit, cy in points:
            share = (BOTTOM - float(cy)) / (BOTTOM - TOP)
            value = measure.low + share * (measure.high - measure.low)
            assert value == pytest.approx(expected[visit], abs=0.06), (measure.id, visit)
    groc = trend_chart(rows, MEASURES[2])
    assert ">-2</text>" in groc and ">+4</text>" in groc
    # Only visits 2 and 3 have a GROC: one line joins them, none reaches visit 1.
    assert groc.count('class="trend-line"') == 1


def test_a_measure_no_visit_has_draws_nothing(course: list[Visit]) -> None:
    assert trend_chart(trend_rows(course[:1]), MEASURES[2]) == ""


def test_a_page_top_is_drawn_again_only_when_a_visit_changed(course: list[Visit]) -> None:
    drawn: list[int] = []

    def draw(visits: tuple[Intake, ...], index: int) -> Markup:
        drawn.append(index)
        return Markup(f"<p>visit {index + 1} of {len(visits)}</p>")

    parts = CourseParts(draw)
    visits = tuple(visit.intake for visit in course)
    assert parts.top(visits, 2) == "<p>visit 3 of 3</p>"
    assert parts.top(visits, 2) == "<p>visit 3 of 3</p>"
    assert drawn == [2]
    reviewed = visits[0].model_copy(update={"status": "reviewed"})
    parts.top((reviewed, *visits[1:]), 2)
    assert parts.top(visits[:2], 1) == "<p>visit 2 of 2</p>"
    assert drawn == [2, 2, 1]


def test_a_flag_raised_on_several_earlier_visits_stands_once_from_the_first(
        course: list[Visit]) -> None:
    questionnaire, day, answers = COURSE[0]
    again = visit_intake(questionnaire, dt.date(2026, 11, 5), {**answers, "fever_today": False})
    visits = [course[0], Visit(again, course[0].layout), course[2]]
    assert messages(standing_flags(visits, 2)) == [
        ("caution", "Heart valve disease - infection risk.", False, "visit 1, 2 Nov"),
        ("caution", "Latex allergy - use latex-free gloves.", False, "visit 1, 2 Nov"),
    ]
