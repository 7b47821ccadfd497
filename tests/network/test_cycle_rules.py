"""The yearly calendar: seed 004's dates, states around the due day, reminders sent once."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lti_tool.network.cycle import rules
from lti_tool.network.cycle.rules import TaskState


def test_the_seed_dates_for_a_year() -> None:
    tasks = {t.key: t for t in rules.standard_tasks(2026)}
    assert tasks["inform"].due_on == date(2026, 5, 10)
    assert tasks["groups"].due_on == date(2026, 6, 20)
    assert tasks["curricula"].due_on == date(2026, 8, 28)
    assert tasks["transfer-2026-09"].due_on == date(2026, 10, 5)
    assert tasks["transfer-2026-12"].due_on == date(2027, 1, 5)
    assert tasks["transfer-2027-05"].due_on == date(2027, 6, 5)
    assert "декабрь 2026" in tasks["transfer-2026-12"].title
    assert tasks["report-h1"].due_on == date(2026, 12, 29)
    assert tasks["report-year"].due_on == date(2027, 5, 31)
    assert len(tasks) == 14 and [t.due_on for t in rules.standard_tasks(2026)] == sorted(
        t.due_on for t in tasks.values())


def test_states() -> None:
    due = date(2026, 6, 20)
    assert rules.state(due, None, due) is TaskState.DUE_SOON
    assert rules.state(due, None, due + timedelta(1)) is TaskState.OVERDUE
    assert rules.state(due, None, due - timedelta(8)) is TaskState.UPCOMING
    assert rules.state(due, due + timedelta(3), due + timedelta(30)) is TaskState.DONE


@given(st.dates(date(2025, 1, 1), date(2028, 1, 1)), st.integers(0, 30),
       st.dates(date(2025, 1, 1), date(2028, 1, 1)))
def test_a_reminder_goes_at_most_once_per_phase(due: date, days: int, today: date) -> None:
    first = rules.needs_reminder(due, None, today, days, None)
    assert first == (rules.state(due, None, today, days) in (TaskState.DUE_SOON,
                                                            TaskState.OVERDUE))
    if first:  # reminded today: nothing more the same day
        assert not rules.needs_reminder(due, None, today, days, today)
    assert not rules.needs_reminder(due, today, today, days, None)  # done: never


def test_school_year() -> None:
    assert rules.school_year_of(date(2026, 12, 5)) == 2026
    assert rules.school_year_of(date(2027, 2, 1)) == 2026
    assert rules.school_year_of(date(2027, 4, 1)) == 2027
