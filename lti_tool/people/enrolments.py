"""Bringing a class's enrolments in line with what a roster source lists.

One piece for every roster source (issue 8): the school systems' sync (``sync/roster.py``)
and the LMS's own roster (NRPS, ``people/roster.py``) used to end unseen enrolments each
their own way. Enrolments are deactivated, never deleted, so marks keep their history; a
listed enrolment that had ended is re-activated.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from lti_tool.people.models import ClassEnrolment

Key = tuple[int, int, str]  # (class id, person id, role)


@dataclass(frozen=True)
class EnrolmentChanges:
    created: int = 0
    reactivated: int = 0
    deactivated: int = 0
    unchanged: int = 0


def reconcile_enrolments(session: Session, class_ids: Collection[int], wanted: set[Key], *,
                         removed: set[Key] | None = None) -> EnrolmentChanges:
    """Make the active enrolments of ``class_ids`` be ``wanted``. A full roster (``removed``
    None) ends every active enrolment it does not list; a delta ends only ``removed``."""
    held = {(r.class_id, r.person_id, r.role): (r.id, r.active) for r in session.execute(
        select(ClassEnrolment.id, ClassEnrolment.class_id, ClassEnrolment.person_id,
               ClassEnrolment.role, ClassEnrolment.active)
        .where(ClassEnrolment.class_id.in_(list(class_ids) or [-1])))}
    create = sorted(wanted - held.keys())
    reactivate = [held[k][0] for k in wanted & held.keys() if not held[k][1]]
    if removed is None:
        deactivate = [v[0] for k, v in held.items() if k not in wanted and v[1]]
    else:
        deactivate = [v[0] for k, v in held.items() if k in removed and v[1]]
    if create:
        session.execute(insert(ClassEnrolment), [
            dict(class_id=c, person_id=p, role=r, active=True) for c, p, r in create])
    if reactivate:
        session.execute(update(ClassEnrolment), [dict(id=i, active=True) for i in reactivate])
    if deactivate:
        session.execute(update(ClassEnrolment), [dict(id=i, active=False) for i in deactivate])
    return EnrolmentChanges(created=len(create), reactivated=len(reactivate),
                            deactivated=len(deactivate),
                            unchanged=len(wanted) - len(create) - len(reactivate))
