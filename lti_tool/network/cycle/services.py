"""The annual cycle's use cases: lay out a year's standard tasks, add one, mark done, find
what is overdue and what needs a reminder."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.network.cycle import rules
from lti_tool.network.cycle.models import CycleTask
from lti_tool.network.models import Network

OWNER_NAMES = {"members": "Все участники сети", "council": "Координационный совет"}


def generate_year(session: Session, network: Network, year: int, actor_id: int | None
                  ) -> list[CycleTask]:
    """The seed's calendar for one school year; tasks already there are kept as they are."""
    have = set(session.scalars(select(CycleTask.key).where(
        CycleTask.network_id == network.id, CycleTask.year == year)))
    made = []
    for spec in rules.standard_tasks(year):
        if spec.key in have:
            continue
        task = CycleTask(network_id=network.id, year=year, key=spec.key, title=spec.title,
                         due_on=spec.due_on,
                         owner_org_id=network.coordinator_id if spec.owner == "coordinator"
                         else None, owner_name=OWNER_NAMES.get(spec.owner, ""))
        session.add(task)
        made.append(task)
    session.flush()
    audit(session, actor_id, network.coordinator_id, "network.cycle.generate", "network",
          network.id, year=year, added=len(made))
    return made


def add_task(session: Session, network: Network, *, title: str, due_on: date,
             owner_org_id: int | None, owner_name: str, owner_email: str, remind_days: int,
             details: str, actor_id: int | None) -> CycleTask:
    year = rules.school_year_of(due_on)
    task = CycleTask(network_id=network.id, year=year, key="custom-" + secrets.token_hex(4),
                     title=title, due_on=due_on, owner_org_id=owner_org_id,
                     owner_name=owner_name, owner_email=owner_email, remind_days=remind_days,
                     details=details)
    session.add(task)
    session.flush()
    audit(session, actor_id, network.coordinator_id, "network.cycle.add", "cycle_task",
          task.id)
    return task


def task_of(session: Session, network_id: int, public_id: str) -> CycleTask | None:
    return session.scalars(select(CycleTask).where(
        CycleTask.network_id == network_id, CycleTask.public_id == public_id)).first()


def set_done(session: Session, task: CycleTask, done: bool, actor_id: int | None,
             today: date | None = None) -> CycleTask:
    task.done_on = (today or date.today()) if done else None
    task.done_by = actor_id if done else None
    audit(session, actor_id, None, "network.cycle.done" if done else "network.cycle.reopen",
          "cycle_task", task.id)
    return task


@dataclass(frozen=True)
class TaskView:
    task: CycleTask
    state: rules.TaskState
    days: int  # days overdue (positive) or left (negative)


def tasks_of(session: Session, network_id: int, years: list[int], today: date | None = None
             ) -> list[TaskView]:
    day = today or date.today()
    rows = session.scalars(select(CycleTask).where(
        CycleTask.network_id == network_id, CycleTask.year.in_(years))
        .order_by(CycleTask.due_on, CycleTask.id))
    return [TaskView(t, rules.state(t.due_on, t.done_on, day, t.remind_days),
                     (day - t.due_on).days) for t in rows]


def overdue(session: Session, network_id: int, today: date | None = None) -> list[TaskView]:
    day = today or date.today()
    rows = session.scalars(select(CycleTask).where(
        CycleTask.network_id == network_id, CycleTask.done_on.is_(None),
        CycleTask.due_on < day).order_by(CycleTask.due_on))
    return [TaskView(t, rules.TaskState.OVERDUE, (day - t.due_on).days) for t in rows]


def due_reminders(session: Session, today: date | None = None) -> list[CycleTask]:
    """Open tasks whose reminder is due (every network): for the daily job."""
    day = today or date.today()
    rows = session.scalars(select(CycleTask).where(CycleTask.done_on.is_(None)))
    return [t for t in rows if rules.needs_reminder(
        t.due_on, t.done_on, day, t.remind_days,
        t.reminded_at.astimezone(UTC).date() if t.reminded_at else None)]


def mark_reminded(tasks: list[CycleTask], at: datetime | None = None) -> None:
    for t in tasks:
        t.reminded_at = at or utcnow()
