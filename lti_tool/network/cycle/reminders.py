"""Reminders of the annual cycle: once when a task's window opens, once more when it is
overdue. In the tool the calendar shows the reminder; by e-mail where an address is known
(the task's own, else the owner school's registry contact), through the notifications
feature's mailer when it is there and configured."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from lti_tool.network import services as network_services
from lti_tool.network.cycle import rules, services
from lti_tool.network.cycle.models import CycleTask

log = logging.getLogger("marshrut.network")
Mailer = Callable[[str, str, str], bool]  # (to, subject, body) -> sent


def address_of(session: Session, task: CycleTask) -> str:
    if task.owner_email:
        return task.owner_email
    if task.owner_org_id is None:
        return ""
    member = network_services.membership(session, task.network_id, task.owner_org_id)
    return member.contact_email if member is not None else ""


def message(task: CycleTask, today: date) -> tuple[str, str]:
    late = rules.state(task.due_on, task.done_on, today, task.remind_days)
    due = task.due_on.strftime("%d.%m.%Y")
    subject = (f"Просрочено: {task.title}" if late is rules.TaskState.OVERDUE
               else f"Срок {due}: {task.title}")
    body = (f"Задача сетевого календаря: {task.title}\nСрок: {due}\n"
            f"{task.details}\n\nОтметьте выполнение на странице «Календарь сети» в Маршруте.")
    return subject, body


def send_due(session: Session, mailer: Mailer | None, today: date | None = None
             ) -> dict[str, int]:
    """Mark every due reminder as sent (the calendar shows it) and mail where possible."""
    day = today or date.today()
    due = services.due_reminders(session, day)
    mailed = 0
    for task in due:
        to = address_of(session, task)
        if to and mailer is not None:
            subject, body = message(task, day)
            try:
                mailed += bool(mailer(to, subject, body))
            except Exception:  # a relay failure: the next run tries again
                log.warning("cycle reminder not mailed", extra={"task": task.public_id})
                continue
        services.mark_reminded([task])
    return {"due": len(due), "mailed": mailed}
