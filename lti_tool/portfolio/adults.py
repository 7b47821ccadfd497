"""Pupils of age («совершеннолетний»): the school admin marks them, because no birth dates
are stored. A marked pupil publishes their own confirmed items like a teacher does; for
everyone else a parent's consent decides. Removing the mark hides what the pupil published
themself at once (their ``published`` flag no longer counts), so a mistake never exposes
a minor's item."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.people.services import Person  # the type only: rows are read by people
from lti_tool.portfolio import rules
from lti_tool.portfolio.models import AdultPupil


def adult_ids(session: Session, org_id: int, person_ids: Iterable[int]) -> set[int]:
    ids = list(person_ids)
    if not ids:
        return set()
    return set(session.scalars(select(AdultPupil.person_id).where(
        AdultPupil.organisation_id == org_id, AdultPupil.person_id.in_(ids))))


def is_adult(session: Session, org_id: int, person_id: int) -> bool:
    return bool(adult_ids(session, org_id, [person_id]))


def owner_is_minor(session: Session, org_id: int, owner_id: int, kind: str) -> bool:
    """Whether publishing this owner's items needs a parent's consent."""
    return kind == rules.STUDENT and not is_adult(session, org_id, owner_id)


def set_adult(session: Session, *, actor_id: int, org_id: int, pupil: Person,
              on: bool) -> bool:
    """Mark or unmark; True when something changed (then audited)."""
    row = session.scalars(select(AdultPupil).where(
        AdultPupil.organisation_id == org_id, AdultPupil.person_id == pupil.id)).first()
    if on == (row is not None):
        return False
    if on:
        session.add(AdultPupil(organisation_id=org_id, person_id=pupil.id, set_by=actor_id))
    else:
        session.delete(row)
    audit(session, actor_id, org_id, "portfolio.adult", "person", pupil.public_id, on=on)
    return True
