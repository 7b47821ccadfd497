"""A reminder to each registered teacher when a planned event starts within the next
``HOURS`` hours (the daily job runs at 06:30 UTC, so every event gets it the day before or on
the morning of the day), once per teacher and event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.network import notices
from lti_tool.network.events.models import NetworkEvent
from lti_tool.network.models import Network

HOURS = 36


def send_due(session: Session, now: datetime | None = None) -> dict[str, int]:
    """{"events": events near, "notified": teachers told now}."""
    at = now or datetime.now(UTC)
    events = list(session.scalars(select(NetworkEvent).where(
        NetworkEvent.status == "planned", NetworkEvent.starts_at > at,
        NetworkEvent.starts_at <= at + timedelta(hours=HOURS))))
    told = 0
    for event in events:
        network = session.get(Network, event.network_id)
        if network is None:
            continue
        told += sum(notices.event_soon(session, network, event, r) for r in event.registrations)
    return {"events": len(events), "notified": told}
