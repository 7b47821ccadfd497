"""Folding two records of one person together, and splitting them apart again.

An admin links a person a source brought in to the one we already know (``sync.identity``);
when that was a mistake, the undo must give back exactly what the source brought: its
identity link, enrolments in its classes, guardianships with its people, the roles the link
added. Rows carry their provenance (class source and id space, the other party's identity
link), so the split needs no snapshot of the moment of linking.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti_tool.db.bulk import repoint_rows
from lti_tool.people.models import (
    ClassEnrolment,
    ClassGroup,
    Guardianship,
    IdentityLink,
    Membership,
    Person,
)


def roles_missing(session: Session, target_id: int, source_id: int, org_id: int) -> list[str]:
    """The roles in ``org_id`` that folding ``source_id`` into ``target_id`` would add."""
    def roles(pid: int) -> set[str]:
        return set(session.scalars(select(Membership.role).where(
            Membership.person_id == pid, Membership.organisation_id == org_id)))
    return sorted(roles(source_id) - roles(target_id))


def fold_into(session: Session, source_id: int, target_id: int) -> None:
    """Everything of ``source_id`` onto ``target_id``, then ``source_id`` is deleted."""
    for model, column in ((IdentityLink, IdentityLink.person_id),
                          (ClassEnrolment, ClassEnrolment.person_id),
                          (Membership, Membership.person_id),
                          (Guardianship, Guardianship.parent_id),
                          (Guardianship, Guardianship.child_id)):
        repoint_rows(session, model, column, source_id, target_id)
    session.execute(delete(Person).where(Person.id == source_id))


def split_from(session: Session, target_id: int, new_id: int, org_id: int, *, source: str,
               namespace: str, external_id: str, roles: list[str],
               taken_back: list[str]) -> None:
    """Give ``new_id`` what one source brought to ``target_id`` (see the module docstring)."""
    repoint_rows(session, IdentityLink, IdentityLink.person_id, target_id, new_id,
          (IdentityLink.source == source) & (IdentityLink.namespace == namespace)
          & (IdentityLink.external_id == external_id))
    theirs = select(ClassGroup.id).where(ClassGroup.organisation_id == org_id,
                                         ClassGroup.source == source,
                                         ClassGroup.namespace == namespace)
    repoint_rows(session, ClassEnrolment, ClassEnrolment.person_id, target_id, new_id,
          ClassEnrolment.class_id.in_(theirs))
    same_source = select(IdentityLink.person_id).where(IdentityLink.source == source,
                                                      IdentityLink.namespace == namespace)
    repoint_rows(session, Guardianship, Guardianship.parent_id, target_id, new_id,
          Guardianship.child_id.in_(same_source))
    repoint_rows(session, Guardianship, Guardianship.child_id, target_id, new_id,
          Guardianship.parent_id.in_(same_source))
    for role in roles:  # the new person's roles in the school
        session.add(Membership(person_id=new_id, organisation_id=org_id, role=role))
    if taken_back:  # the roles the link added leave the target with it
        session.execute(delete(Membership).where(
            Membership.person_id == target_id, Membership.organisation_id == org_id,
            Membership.role.in_(taken_back)))

