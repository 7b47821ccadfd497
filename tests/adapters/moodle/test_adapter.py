"""MoodleSource: the roster and journal a sandbox Moodle maps to, chunked per student."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.moodle.adapter import MoodleSource
from adapters.moodle.sandbox import TOKEN
from adapters.moodle.sandbox.state import Grade
from schemas.marks import MarkError
from schemas.scale import to_mark
from tests.adapters.moodle.conftest import Moodle

YEAR = (date(2026, 9, 1), date(2027, 5, 31))


def test_roster_maps_courses_people_and_enrolments(moodle: Moodle) -> None:
    source = MoodleSource(moodle.base, TOKEN, page_size=10)
    with source:
        assert "Средняя школа №37" in source.check()
        batch = source.fetch_roster()
    roster = batch.roster
    assert batch.rejected == []
    assert roster.organisation.source_id == moodle.base
    assert [(c.source_id, c.name, c.subject, c.grade, c.kind) for c in roster.classes] == [
        ("2", "Физика, 10А", "Физика", 10, "subject_group"),
        ("3", "Алгебра, 10А", "Алгебра", 10, "subject_group"),
        ("4", "Информатика, 11Б", "Информатика", 11, "subject_group"),
        ("5", "Литература, 11Б", "Литература", 11, "subject_group")]
    roles = {p.source_id: p.role for p in roster.people}
    assert sorted(r for r in roles.values() if r == "teacher") == ["teacher"] * 4
    assert len(roles) == 4 + 56
    teacher_of_2 = [e.person_id for e in roster.enrolments
                    if e.class_id == "2" and e.role == "teacher"]
    assert len(teacher_of_2) == 1 and roles[teacher_of_2[0]] == "teacher"
    assert sum(e.role == "student" for e in roster.enrolments) == 4 * 28
    pupil = next(p for p in roster.people if p.role == "student")
    assert pupil.middle_name and pupil.login.startswith("student")


def test_grades_per_student_cover_all_their_courses(moodle: Moodle) -> None:
    source = MoodleSource(moodle.base, TOKEN)
    roster = source.fetch_roster().roster
    chunks = source.chunks(*YEAR, roster)
    assert len(chunks) == 56 and all(c.scope and c.key == f"student-{c.scope}" for c in chunks)
    first = chunks[0]
    batch = source.fetch_grades(first)
    courses = {a.class_id for a in batch.assignments}
    assert courses == {e.class_id for e in roster.enrolments
                       if e.person_id == first.scope and e.role == "student"}
    assert len(courses) == 2 and len(batch.assignments) == 8
    pupil = int(first.scope)
    expected = {str(cmid) for (cmid, uid), g in moodle.state.grades.items()
                if uid == pupil and g.value is not None}
    assert {m.assignment_id for m in batch.marks} == expected
    for mark in batch.marks:
        activity = moodle.state.activities[int(mark.assignment_id)]
        raw = moodle.state.grades[(activity.cmid, pupil)].value
        assert raw is not None
        assert mark.mark.value == to_mark(raw, activity.grademin, activity.grademax)
    quiz = next(a for a in batch.assignments if a.type_name == "Тест")
    assert quiz.due == date(2026, 9, 1)  # no due date in Moodle: the course start


def test_each_course_report_is_fetched_once(moodle: Moodle) -> None:
    source = MoodleSource(moodle.base, TOKEN)
    roster = source.fetch_roster().roster
    for chunk in source.chunks(*YEAR, roster):
        source.fetch_grades(chunk)
    assert len(moodle.calls("gradereport_user_get_grade_items")) == 4
    assert source._reports == {}  # every report released after its last student


def test_window_limits_assignments_and_bad_grades_are_rejected(moodle: Moodle) -> None:
    source = MoodleSource(moodle.base, TOKEN)
    roster = source.fetch_roster().roster
    chunk = next(c for c in source.chunks(date(2026, 9, 10), date(2026, 9, 20), roster)
                 if c.scope == "105")
    moodle.state.grades[(502, 105)] = Grade(4.5, "<p>почти <b>отлично</b></p>", 1789000000)
    batch = source.fetch_grades(chunk)
    assert {a.source_id for a in batch.assignments} == {"502", "506"}
    [rejected] = [r for r in batch.rejected if "502" in r.source]
    assert rejected.kind == "MarkRecord" and "4.5" in rejected.reason()


def test_percent_thresholds() -> None:
    assert [to_mark(x, 0, 100) for x in (100, 85, 84.9, 70, 50, 49, 0)] == [5, 5, 4, 4, 3, 2, 2]
    assert to_mark(4, 0, 5) == 4
    assert to_mark(7, 0, 10, (90, 60, 30)) == 4


def test_a_scale_with_no_range_gives_no_mark() -> None:
    for low, high in ((0, 0), (5, 5), (10, 0)):
        with pytest.raises(MarkError, match="у шкалы нет диапазона"):
            to_mark(7, low, high)


def test_a_grade_on_an_empty_scale_is_rejected_with_the_reason(moodle: Moodle) -> None:
    """An item whose minimum is not below its maximum: the grade is reported as rejected
    (the run report shows why), the item and the other students' grades still arrive."""
    source = MoodleSource(moodle.base, TOKEN)
    roster = source.fetch_roster().roster
    chunk = next(c for c in source.chunks(date(2026, 9, 10), date(2026, 9, 20), roster)
                 if c.scope == "105")
    activity = moodle.state.activities[502]
    activity.grademin = activity.grademax = 5.0
    moodle.state.grades[(502, 105)] = Grade(7.0, "", 1789000000)
    batch = source.fetch_grades(chunk)
    assert "502" in {a.source_id for a in batch.assignments}
    assert not [m for m in batch.marks if m.assignment_id == "502"]
    [rejected] = [r for r in batch.rejected if "item 502" in r.source]
    assert rejected.kind == "MarkRecord"
    assert rejected.reason() == ("mark: баллы 7 по шкале 5–5: у шкалы нет диапазона, "
                                 "оценку не вычислить")


def test_suspended_enrolments_are_left_out(moodle: Moodle) -> None:
    pupil = next(u for (c, u), r in moodle.state.roles.items() if c == 2 and r == "student")
    moodle.state.suspended.add((2, pupil))
    roster = MoodleSource(moodle.base, TOKEN).fetch_roster().roster
    assert ("2", "student") not in {(e.class_id, e.role) for e in roster.enrolments
                                    if e.person_id == str(pupil)}
    assert any(e.person_id == str(pupil) for e in roster.enrolments)  # still in course 3


def test_due_dates_come_from_moodle_for_a_service_account_enrolled_nowhere(
        moodle: Moodle) -> None:
    """Real Moodle serves mod_assign_get_assignments only for courses the WS user is
    enrolled in unless ``includenotenrolledcourses=1`` (issue 7): without it every due date
    fell back to the course start."""
    assert not any(u == 2 for (_, u) in moodle.state.roles)  # the WS account
    source = MoodleSource(moodle.base, TOKEN)
    roster = source.fetch_roster().roster
    chunk = source.chunks(*YEAR, roster)[0]
    batch = source.fetch_grades(chunk)
    dues = {a.source_id: a.due for a in batch.assignments if a.type_name != "Тест"}
    assert dues and all(
        a.due == date.fromtimestamp(moodle.state.activities[int(a.source_id)].duedate)
        for a in batch.assignments if a.source_id in dues)
    assert date(2026, 9, 1) not in dues.values()
