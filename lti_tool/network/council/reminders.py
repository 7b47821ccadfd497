"""The quarter reminder (seed 004 §5.5: a meeting at least once a quarter): in the last month
of a quarter that has no meeting held or planned, once per quarter, to the chair (before the
council has one, to the coordinator school's admins) — as a notification: an entry in the tool
and e-mail per each person's preference. Each reminder is also an audit entry, which keeps
«once» even when nobody could be told."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import AuditEntry, audit
from lti_tool.network import notices
from lti_tool.network.council import rules, services
from lti_tool.network.council.models import Council
from lti_tool.network.models import Network

ACTION = "council.quarter_reminder"


def send_due(session: Session, today: date | None = None) -> dict[str, int]:
    """{"due": councils reminded, "notified": people told}."""
    day = today or date.today()
    year, quarter = rules.quarter_of(day)
    if day.month % 3 != 0:  # only in the quarter's last month: there is still time
        return {"due": 0, "notified": 0}
    due = told = 0
    for council in session.scalars(select(Council)):
        if (year, quarter) not in services.quarter_gaps(session, council, day):
            continue
        key = f"{year}-Q{quarter}"
        sent = session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == ACTION, AuditEntry.entity_id == str(council.id),
            AuditEntry.details["quarter"].as_string() == key).limit(1))
        network = session.get(Network, council.network_id)
        if sent is not None or network is None:
            continue
        due += 1
        chair = services.officer(session, council.id, "chair")
        count = notices.quarter_without_meeting(
            session, network, chair.person_id if chair else None, council.id, year, quarter)
        told += count
        audit(session, None, network.coordinator_id, ACTION, "council", council.id,
              quarter=key, notified=count)
    return {"due": due, "notified": told}
