"""Ending launch tokens before their time: a stolen or shared token (8 hours by default)
stops working at once. Every page checks the launch row's ``expires_at``, so revoking is
setting it to now; the change is audited."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.lti.models import Launch
from lti_tool.people import services as people


def revoke_launches(session: Session, organisation_id: int, *, person_public_id: str | None,
                    actor_id: int | None = None) -> int:
    """End the live launches of one person (by public id) or of the whole organisation."""
    now = utcnow()
    query = update(Launch).where(Launch.organisation_id == organisation_id,
                                 Launch.expires_at > now)
    if person_public_id is not None:
        person_id = people.person_id_by_public_id(session, person_public_id)
        if person_id is None:
            raise LookupError(person_public_id)
        query = query.where(Launch.person_id == person_id)
    count = session.execute(query.values(expires_at=now)).rowcount  # type: ignore[attr-defined]
    audit(session, actor_id, organisation_id, "lti.revoke_launches", "person",
          person_public_id or "*", count=count)
    return int(count)
