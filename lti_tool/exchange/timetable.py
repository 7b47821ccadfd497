"""The home school's timetable as the exchange needs it: the lessons a network lesson must
not clash with, per class or per pupil, kept by the school's coordinator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.exchange import rules
from lti_tool.exchange.models import TimetableSlot
from lti_tool.people import queries as people
from lti_tool.people.services import class_by_public_id


def slots(session: Session, org_id: int) -> list[tuple[TimetableSlot, str]]:
    group = people.class_names_table()
    rows = session.execute(select(TimetableSlot, group.c.label, group.c.title).outerjoin(
        group, group.c.id == TimetableSlot.class_id).where(
        TimetableSlot.organisation_id == org_id).order_by(
        TimetableSlot.weekday, TimetableSlot.start))
    return [(slot, label or title or "") for slot, label, title in rows]


def add(session: Session, org_id: int, class_public_id: str, weekday: int, start: str,
        end: str, subject: str, actor_id: int) -> TimetableSlot:
    """RuleError(«bad_time») for a time that is not HH:MM or ends before it starts."""
    if not 1 <= weekday <= 7 or rules.minutes(start) >= rules.minutes(end):
        raise rules.RuleError("bad_time", value=f"{start}-{end}")
    group = class_by_public_id(session, org_id, class_public_id)
    if group is None:
        raise rules.RuleError("not_allowed")
    slot = TimetableSlot(organisation_id=org_id, class_id=group.id, weekday=weekday,
                         start=rules.hhmm(rules.minutes(start)),
                         end=rules.hhmm(rules.minutes(end)), subject=subject.strip()[:300])
    session.add(slot)
    session.flush()
    audit(session, actor_id, org_id, "exchange.timetable.add", "exchange_timetable_slot",
          slot.id)
    return slot


def remove(session: Session, org_id: int, slot_id: int, actor_id: int) -> bool:
    slot = session.get(TimetableSlot, slot_id)
    if slot is None or slot.organisation_id != org_id:
        return False
    session.delete(slot)
    audit(session, actor_id, org_id, "exchange.timetable.remove", "exchange_timetable_slot",
          slot_id)
    return True
