"""Event use cases: schedule, register (capacity checked under a row lock), mark attendance
(certificates numbered for those who came), materials afterwards, and a person's
participations for the teacher portfolio (``participations_of``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.network.events import rules
from lti_tool.network.events.models import EventRegistration, NetworkEvent
from lti_tool.network.models import Network
from lti_tool.people import services as people


class EventRefusal(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def create_event(session: Session, network: Network, values: dict[str, Any], *,
                 organiser_org_id: int, organiser_person_id: int | None) -> NetworkEvent:
    event = NetworkEvent(network_id=network.id, organiser_org_id=organiser_org_id,
                         organiser_person_id=organiser_person_id, **values)
    session.add(event)
    session.flush()
    audit(session, organiser_person_id, organiser_org_id, "network.event.create", "event",
          event.id)
    return event


def events_of(session: Session, network_id: int) -> list[NetworkEvent]:
    return list(session.scalars(select(NetworkEvent).where(
        NetworkEvent.network_id == network_id).order_by(NetworkEvent.starts_at.desc())))


def event_of(session: Session, network_id: int, public_id: str) -> NetworkEvent | None:
    return session.scalars(select(NetworkEvent).where(
        NetworkEvent.network_id == network_id, NetworkEvent.public_id == public_id)).first()


def registration_of(event: NetworkEvent, person_id: int) -> EventRegistration | None:
    return next((r for r in event.registrations if r.person_id == person_id), None)


def register(session: Session, event: NetworkEvent, *, person_id: int, organisation_id: int,
             display_name: str, timezone: str, now: datetime | None = None
             ) -> EventRegistration:
    locked = session.scalars(select(NetworkEvent).where(NetworkEvent.id == event.id)
                             .with_for_update()).one()  # two last seats are not one
    taken = session.scalar(select(func.count(EventRegistration.id)).where(
        EventRegistration.event_id == locked.id)) or 0
    problem = rules.registration_problem(
        status=locked.status, starts_at=locked.starts_at, now=now or datetime.now(UTC),
        taken=taken, capacity=locked.capacity,
        already=registration_of(locked, person_id) is not None)
    if problem:
        raise EventRefusal(problem)
    row = EventRegistration(event_id=locked.id, person_id=person_id,
                            organisation_id=organisation_id, display_name=display_name,
                            timezone=timezone if timezone in rules.ZONES else rules.MOSCOW)
    session.add(row)
    session.flush()
    session.refresh(locked)
    audit(session, person_id, organisation_id, "network.event.register", "event", locked.id)
    return row


def mark_attendance(session: Session, event: NetworkEvent, came: set[int],
                    actor_id: int | None) -> list[EventRegistration]:
    """Who came (registration ids); the event becomes held; certificates get numbers.
    Returns the registrations certified just now (each lands in a portfolio once)."""
    event.status = "held"
    new = []
    for n, reg in enumerate(event.registrations, 1):
        reg.attended = reg.id in came
        if reg.attended and not reg.certificate_no:
            reg.certificate_no = f"{event.network_id}-{event.id}-{n:03d}"
            new.append(reg)
    audit(session, actor_id, event.organiser_org_id, "network.event.attendance", "event",
          event.id, came=len(came))
    return new


@dataclass(frozen=True)
class Participation:
    """One attended event, as the teacher portfolio records it («Участие в работе
    семинаров, мастер-классов, вебинаров (0–16 ч)»)."""

    event_public_id: str
    title: str
    kind: str
    date: datetime
    hours: int
    organiser: str
    certificate_no: str


def org_names(session: Session, event: NetworkEvent) -> dict[int, str]:
    """The organiser's and the participants' school names (through people's services)."""
    return people.organisation_names(
        session, {event.organiser_org_id, *(r.organisation_id for r in event.registrations)})


def participations_of(session: Session, person_id: int) -> list[Participation]:
    rows = list(session.execute(select(EventRegistration, NetworkEvent).join(
        NetworkEvent, NetworkEvent.id == EventRegistration.event_id).where(
        EventRegistration.person_id == person_id, EventRegistration.attended.is_(True),
        NetworkEvent.status == "held").order_by(NetworkEvent.starts_at.desc())).all())
    names = people.organisation_names(session, {e.organiser_org_id for _r, e in rows})
    return [Participation(e.public_id, e.title, e.kind, e.starts_at,
                          rules.portfolio_hours(e.hours), names.get(e.organiser_org_id, ""),
                          r.certificate_no)
            for r, e in rows]
