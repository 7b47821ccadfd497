"""The yearly calendar of a network (seed 004): what is due when, and what stands out.

For the school year Y/Y+1 (``year`` = Y): students and parents informed by 10 May Y, the
council forms network groups, the schedule and routes by 20 June Y, individual curricula
agreed and group lists formed by 28 August Y; marks and attendance go to the home schools
every month (month M by the 5th of the next month, September to May); report cards at the
end of each half-year (the first by 29 December, the year's by 31 May Y+1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

MONTHS_RU = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
             "сентябрь", "октябрь", "ноябрь", "декабрь")


@dataclass(frozen=True)
class TaskSpec:
    key: str
    title: str          # a Russian msgid; month names filled in
    due_on: date
    owner: str          # "coordinator" | "members" | "council"


def standard_tasks(year: int) -> list[TaskSpec]:
    tasks = [
        TaskSpec("inform", "Проинформировать учащихся и родителей о сетевых программах, "
                 "выявить учащихся, которым нужен ИОМ", date(year, 5, 10), "members"),
        TaskSpec("groups", "Заседание совета: сетевые группы, сетевое расписание, ИОМ",
                 date(year, 6, 20), "council"),
        TaskSpec("curricula", "Согласовать ИУП с родителями, сформировать списки групп и "
                 "передать их заместителям по УВР", date(year, 8, 28), "members"),
    ]
    for month in (9, 10, 11, 12, 1, 2, 3, 4, 5):
        y = year if month >= 9 else year + 1
        nxt = date(y + 1, 1, 5) if month == 12 else date(y, month + 1, 5)
        tasks.append(TaskSpec(f"transfer-{y}-{month:02d}",
                              f"Передать отметки и посещаемость за {MONTHS_RU[month - 1]} "
                              f"{y} г. в базовые школы", nxt, "coordinator"))
    tasks.append(TaskSpec("report-h1", "Табели успеваемости за первое полугодие",
                          date(year, 12, 29), "members"))
    tasks.append(TaskSpec("report-year", "Табели успеваемости за год (второе полугодие)",
                          date(year + 1, 5, 31), "members"))
    return sorted(tasks, key=lambda t: t.due_on)


class TaskState(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"


def state(due_on: date, done_on: date | None, today: date, remind_days: int = 7) -> TaskState:
    if done_on is not None:
        return TaskState.DONE
    if today > due_on:
        return TaskState.OVERDUE
    if due_on - today <= timedelta(days=remind_days):
        return TaskState.DUE_SOON
    return TaskState.UPCOMING


def needs_reminder(due_on: date, done_on: date | None, today: date, remind_days: int,
                   reminded_on: date | None) -> bool:
    """Once when the reminder window opens, and once more when the task becomes overdue."""
    s = state(due_on, done_on, today, remind_days)
    if s is TaskState.DUE_SOON:
        return reminded_on is None
    if s is TaskState.OVERDUE:
        return reminded_on is None or reminded_on <= due_on
    return False


def school_year_of(day: date) -> int:
    """The school year whose preparation or teaching runs on ``day``: from 1 March the next
    year's preparation (inform by 10 May) is what a coordinator works on."""
    return day.year if day.month >= 3 else day.year - 1
