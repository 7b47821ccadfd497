"""Reminders of the annual cycle: once when a task's window opens, once more when it is
overdue. The calendar shows them; the task's owner (a person of the owner school, see
``notices.task_owners``) gets a notification — in the tool, and by e-mail per their own
preference through the notifications feature."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from lti_tool.network import notices
from lti_tool.network.cycle import rules, services
from lti_tool.network.models import Network


def send_due(session: Session, today: date | None = None) -> dict[str, int]:
    """Mark every due reminder as sent and tell the owners: {"due": tasks, "notified": people}."""
    day = today or date.today()
    due = services.due_reminders(session, day)
    told = 0
    for task in due:
        network = session.get(Network, task.network_id)
        if network is None:
            continue
        overdue = rules.state(task.due_on, task.done_on, day,
                              task.remind_days) is rules.TaskState.OVERDUE
        owners = notices.task_owners(session, network, task.owner_org_id, task.owner_email)
        told += notices.task_due(session, network, task.public_id, task.title, task.details,
                                 task.due_on.strftime("%d.%m.%Y"), overdue, owners)
    services.mark_reminded(due)
    return {"due": len(due), "notified": told}
