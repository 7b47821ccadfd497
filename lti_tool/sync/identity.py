"""Who is who across sources: link a source's person to one we know, or list them for the admin.

A person already linked to this source is found by the link. Otherwise the connection's
``match_keys`` are tried (see :func:`lti_tool.sync.rules.match_person`); a unique match is
linked and audited; no match or several make a new person *and* an ``UnmatchedPerson`` row,
so the admin can link by hand (:func:`link_by_hand`). Nobody is merged on a guess.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.journal.models import Attendance, FinalMark, Mark
from lti_tool.people.models import (
    ClassEnrolment,
    Guardianship,
    IdentityLink,
    Membership,
    Person,
)
from lti_tool.people.services import audit
from lti_tool.people.sites import site
from lti_tool.sync.models import SourceConnection, UnmatchedPerson
from lti_tool.sync.rules import Candidate, Match, match_person
from schemas.records import PersonRecord


def linked_people(session: Session, conn: SourceConnection, namespace: str) -> dict[str, int]:
    """Source id → our person id, for everyone this source already brought in."""
    rows = session.execute(select(IdentityLink.external_id, IdentityLink.person_id).where(
        IdentityLink.source == conn.kind, IdentityLink.namespace == namespace))
    return {row.external_id: row.person_id for row in rows}


def _candidates(session: Session, conn: SourceConnection, namespace: str) -> list[Candidate]:
    """People of the organisation not yet linked to this source (each may match once)."""
    members = select(Membership.person_id).where(
        Membership.organisation_id == conn.organisation_id)
    taken = select(IdentityLink.person_id).where(
        IdentityLink.source == conn.kind, IdentityLink.namespace == namespace)
    people = session.execute(select(Person.id, Person.display_name, Person.email).where(
        Person.id.in_(members), Person.id.not_in(taken))).all()
    links: dict[int, set[tuple[str, str]]] = {}
    ids = [p.id for p in people]
    for i in range(0, len(ids), 500):
        for link in session.execute(select(IdentityLink.person_id, IdentityLink.source,
                                           IdentityLink.external_id)
                                    .where(IdentityLink.person_id.in_(ids[i:i + 500]))):
            links.setdefault(link.person_id, set()).add((link.source, link.external_id))
    return [Candidate(p.id, p.email or "", p.display_name, frozenset(links.get(p.id, ())))
            for p in people]


def same_site_launches(session: Session, conn: SourceConnection, namespace: str,
                       ids: Sequence[str]) -> dict[str, int]:
    """Moodle user id → the person that Moodle's own LTI launches brought into this school.

    Moodle names a launching user by ``sub`` = its user id under the issuer = its site URL,
    and its WS serves the same ids: that is the same person, whatever the match keys say
    (with ``email``, everyone who had launched the tool became a second person). Only this
    site's issuer, only members of the connection's school, only a unique person per id."""
    if conn.kind != "moodle" or not ids:
        return {}
    home = site(str((conn.settings or {}).get("base_url") or ""))
    if not home:
        return {}
    members = select(Membership.person_id).where(
        Membership.organisation_id == conn.organisation_id)
    taken = select(IdentityLink.person_id).where(
        IdentityLink.source == conn.kind, IdentityLink.namespace == namespace)
    found: dict[str, set[int]] = {}
    for i in range(0, len(ids), 500):
        for row in session.execute(select(
                IdentityLink.external_id, IdentityLink.namespace, IdentityLink.person_id).where(
                IdentityLink.source == "lti", IdentityLink.external_id.in_(ids[i:i + 500]),
                IdentityLink.person_id.in_(members), IdentityLink.person_id.not_in(taken))):
            if site(row.namespace) == home:
                found.setdefault(row.external_id, set()).add(row.person_id)
    return {sub: next(iter(people)) for sub, people in found.items() if len(people) == 1}


def resolve_people(session: Session, conn: SourceConnection, namespace: str,
                   records: Sequence[PersonRecord], counts: Counter[str]) -> dict[str, int]:
    """Make sure every record has a person; return source id → person id."""
    known = linked_people(session, conn, namespace)
    fresh = [r for r in records if r.source_id not in known]
    candidates = _candidates(session, conn, namespace) if fresh else []
    launched = same_site_launches(session, conn, namespace, [r.source_id for r in fresh])
    used: set[int] = set()
    for record in fresh:
        same = launched.get(record.source_id)
        if same is not None and same not in used:
            match = Match(same, "lti")
        else:
            match = match_person(record, [c for c in candidates if c.person_id not in used],
                                 conn.match_keys)
        if match.person_id is not None:
            person_id = match.person_id
            used.add(person_id)
            audit(session, None, conn.organisation_id, "sync.link", "person", person_id,
                  source=conn.kind, key=match.key)
            counts["people.linked"] += 1
        else:
            person = Person(display_name=record.display_name, email=record.email or None)
            session.add(person)
            session.flush()
            person_id = person.id
            session.add(UnmatchedPerson(
                connection_id=conn.id, person_id=person_id, external_id=record.source_id,
                display_name=record.display_name, role=record.role,
                candidates=list(match.ambiguous)))
            counts["people.created"] += 1
        session.add(IdentityLink(person_id=person_id, source=conn.kind, namespace=namespace,
                                 external_id=record.source_id))
        known[record.source_id] = person_id
    _refresh_names(session, records, known, counts, {r.source_id for r in fresh})
    return known


def _refresh_names(session: Session, records: Sequence[PersonRecord], known: dict[str, int],
                   counts: Counter[str], fresh: set[str]) -> None:
    """Names and emails as the source has them now. Each record is counted once: a fresh
    one as linked or created above, a known one here as updated or unchanged."""
    ids = [known[r.source_id] for r in records]
    current: dict[int, tuple[str, str | None]] = {}
    for i in range(0, len(ids), 500):
        for row in session.execute(select(Person.id, Person.display_name, Person.email)
                                   .where(Person.id.in_(ids[i:i + 500]))):
            current[row.id] = (row.display_name, row.email)
    changes = []
    for r in records:
        pid = known[r.source_id]
        name, email = current.get(pid, ("", None))
        if r.display_name != name or (r.email and r.email != email):
            changes.append(dict(id=pid, display_name=r.display_name, email=r.email or email))
            counts["people.updated"] += r.source_id not in fresh
        else:
            counts["people.unchanged"] += r.source_id not in fresh
    if changes:
        session.execute(update(Person), changes)


def link_by_hand(session: Session, unmatched: UnmatchedPerson, target_id: int,
                 actor_id: int, org_id: int) -> None:
    """The admin says the source's person *is* ``target_id``: move everything onto them.

    The person created for the source record is folded into the target (links, marks,
    attendance, enrolments, roles, guardianships) and deleted. Audited with both ids.
    """
    source_id = unmatched.person_id
    if source_id == target_id:
        raise ValueError("same person")
    unmatched.person_id = target_id  # first: deleting the folded person would cascade here
    unmatched.resolved = True
    session.flush()
    _move(session, IdentityLink, IdentityLink.person_id, source_id, target_id)
    for model, column in ((Mark, Mark.student_id), (Attendance, Attendance.student_id),
                          (FinalMark, FinalMark.student_id),
                          (ClassEnrolment, ClassEnrolment.person_id),
                          (Membership, Membership.person_id),
                          (Guardianship, Guardianship.parent_id),
                          (Guardianship, Guardianship.child_id)):
        _move(session, model, column, source_id, target_id)
    session.execute(delete(Person).where(Person.id == source_id))
    audit(session, actor_id, org_id, "sync.link_by_hand", "person", target_id,
          merged_person=source_id, external_id=unmatched.external_id)


def _move(session: Session, model: Any, column: Any, source_id: int, target_id: int) -> None:
    """Re-point rows one by one; a row the target already has (a duplicate) is dropped."""
    pk = model.id
    for row_id in session.scalars(select(pk).where(column == source_id)).all():
        try:
            with session.begin_nested():
                session.execute(update(model).where(pk == row_id).values({column.key: target_id}))
        except IntegrityError:
            session.execute(delete(model).where(pk == row_id))
