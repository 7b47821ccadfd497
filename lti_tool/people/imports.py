"""A roster source's classes, roles and guardianships written in bulk.

The school systems' sync (``sync/roster.py``) brings thousands of rows per run; it asks
people to write them here instead of writing people's tables itself (issue 8). Nothing is
removed: roles and guardianships a source stops listing stay (the sync owns no removals of
them), and classes keep their rows so marks keep their history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from lti_tool.people.models import ClassGroup, Guardianship, IdentityLink, Membership, Person


def classes_by_source(session: Session, org_id: int, source: str, namespace: str
                      ) -> dict[str, int]:
    """The organisation's classes a source brought in: external id → class id."""
    rows = session.execute(select(ClassGroup.external_id, ClassGroup.id).where(
        ClassGroup.organisation_id == org_id, ClassGroup.source == source,
        ClassGroup.namespace == namespace))
    return {row.external_id: row.id for row in rows}


def upsert_classes(session: Session, org_id: int, source: str, namespace: str,
                   classes: Iterable[tuple[str, str, str]], counts: Counter[str]
                   ) -> dict[str, int]:
    """(external id, title, label) made or brought up to date; counted as
    ``classes.created`` / ``classes.updated`` / ``classes.unchanged``. Returns every class
    of the source (listed or not): external id → class id."""
    held = {g.external_id: g for g in session.scalars(select(ClassGroup).where(
        ClassGroup.organisation_id == org_id, ClassGroup.source == source,
        ClassGroup.namespace == namespace))}
    for external_id, title, label in classes:
        group = held.get(external_id)
        if group is None:
            group = ClassGroup(organisation_id=org_id, source=source, namespace=namespace,
                               external_id=external_id, title=title, label=label)
            session.add(group)
            held[external_id] = group
            counts["classes.created"] += 1
        elif (group.title, group.label) != (title, label):
            group.title, group.label = title, label
            counts["classes.updated"] += 1
        else:
            counts["classes.unchanged"] += 1
    session.flush()
    return {key: group.id for key, group in held.items()}


def add_roles(session: Session, org_id: int, wanted: Collection[tuple[int, str]]) -> None:
    """(person id, role) in the organisation, inserting only those missing."""
    have = {(pid, role) for pid, role in session.execute(select(
        Membership.person_id, Membership.role).where(Membership.organisation_id == org_id))}
    missing = sorted(set(wanted) - have)
    if missing:
        session.execute(insert(Membership), [
            dict(person_id=pid, organisation_id=org_id, role=role) for pid, role in missing])


def add_guardianships(session: Session, wanted: Collection[tuple[int, int]]) -> None:
    """(parent id, child id), inserting only those missing."""
    if not wanted:
        return
    parents = sorted({p for p, _ in wanted})
    have = {(p, c) for p, c in session.execute(select(
        Guardianship.parent_id, Guardianship.child_id).where(
        Guardianship.parent_id.in_(parents)))}
    missing = sorted(set(wanted) - have)
    if missing:
        session.execute(insert(Guardianship), [dict(parent_id=p, child_id=c)
                                               for p, c in missing])


# --- identities: who a source's person is here (``sync/identity.py`` decides, people writes)


def linked_people(session: Session, source: str, namespace: str) -> dict[str, int]:
    """Source id → person id, for everyone linked under (source, namespace)."""
    rows = session.execute(select(IdentityLink.external_id, IdentityLink.person_id).where(
        IdentityLink.source == source, IdentityLink.namespace == namespace))
    return {row.external_id: row.person_id for row in rows}


def _unlinked_members(org_id: int, source: str, namespace: str) -> Any:
    members = select(Membership.person_id).where(Membership.organisation_id == org_id)
    taken = select(IdentityLink.person_id).where(
        IdentityLink.source == source, IdentityLink.namespace == namespace)
    return members, taken


def unlinked_members(session: Session, org_id: int, source: str, namespace: str
                     ) -> list[tuple[int, str, str, frozenset[tuple[str, str]]]]:
    """(person id, display name, e-mail, their (source, external id) links) of the
    organisation's people not yet linked under (source, namespace)."""
    members, taken = _unlinked_members(org_id, source, namespace)
    people = session.execute(select(Person.id, Person.display_name, Person.email).where(
        Person.id.in_(members), Person.id.not_in(taken))).all()
    links: dict[int, set[tuple[str, str]]] = {}
    ids = [p.id for p in people]
    for i in range(0, len(ids), 500):
        for link in session.execute(select(IdentityLink.person_id, IdentityLink.source,
                                           IdentityLink.external_id)
                                    .where(IdentityLink.person_id.in_(ids[i:i + 500]))):
            links.setdefault(link.person_id, set()).add((link.source, link.external_id))
    return [(p.id, p.display_name, p.email or "", frozenset(links.get(p.id, ())))
            for p in people]


def lti_links_of_unlinked(session: Session, org_id: int, source: str, namespace: str,
                          subs: Sequence[str]) -> list[tuple[str, str, int]]:
    """(sub, issuer, person id) of LMS identities with these ``sub``s held by members of
    the organisation not yet linked under (source, namespace)."""
    members, taken = _unlinked_members(org_id, source, namespace)
    out: list[tuple[str, str, int]] = []
    for i in range(0, len(subs), 500):
        out += [(r.external_id, r.namespace, r.person_id) for r in session.execute(select(
            IdentityLink.external_id, IdentityLink.namespace, IdentityLink.person_id).where(
            IdentityLink.source == "lti", IdentityLink.external_id.in_(subs[i:i + 500]),
            IdentityLink.person_id.in_(members), IdentityLink.person_id.not_in(taken)))]
    return out


def link(session: Session, person_id: int, source: str, namespace: str,
         external_id: str) -> None:
    session.add(IdentityLink(person_id=person_id, source=source, namespace=namespace,
                             external_id=external_id))


def names_and_emails(session: Session, person_ids: Sequence[int]
                     ) -> dict[int, tuple[str, str | None]]:
    """person id → (display name, e-mail), read 500 at a time."""
    current: dict[int, tuple[str, str | None]] = {}
    for i in range(0, len(person_ids), 500):
        for row in session.execute(select(Person.id, Person.display_name, Person.email)
                                   .where(Person.id.in_(person_ids[i:i + 500]))):
            current[row.id] = (row.display_name, row.email)
    return current


def rename(session: Session, changes: list[dict[str, Any]]) -> None:
    """``{"id", "display_name", "email"}`` rows written in one bulk update."""
    if changes:
        session.execute(update(Person), changes)


def link_namespaces(session: Session, person_id: int, source: str, external_id: str
                    ) -> list[str]:
    """The namespaces under which the person holds ``external_id`` of ``source``."""
    return list(session.scalars(select(IdentityLink.namespace).where(
        IdentityLink.person_id == person_id, IdentityLink.source == source,
        IdentityLink.external_id == external_id)))
