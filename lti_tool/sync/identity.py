"""Who is who across sources: link a source's person to one we know, or list them for the admin.

A person already linked to this source is found by the link. Otherwise the connection's
``match_keys`` are tried (see :func:`lti_tool.sync.rules.match_person`); a unique match is
linked and audited; no match or several make a new person *and* an ``UnmatchedPerson`` row,
so the admin can link by hand (:func:`link_by_hand`). Nobody is merged on a guess.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.core.audit import AuditEntry, audit
from lti_tool.journal import services as journal
from lti_tool.journal.services import Origin
from lti_tool.people import merging as people
from lti_tool.people.models import IdentityLink, Membership, Person
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
    attendance, enrolments, roles, guardianships) and deleted. Audited with both ids and
    with what the undo needs: the source's id space and the roles the target gained.
    """
    source_id = unmatched.person_id
    if source_id == target_id:
        raise ValueError("same person")
    link = session.scalars(select(IdentityLink).where(
        IdentityLink.person_id == source_id, IdentityLink.external_id == unmatched.external_id,
        IdentityLink.source == _kind(session, unmatched))).first()
    gained = people.roles_missing(session, target_id, source_id, org_id)
    unmatched.person_id = target_id  # first: deleting the folded person would cascade here
    unmatched.resolved = True
    session.flush()
    journal.reassign_student(session, source_id, target_id)
    people.fold_into(session, source_id, target_id)
    audit(session, actor_id, org_id, "sync.link_by_hand", "person", target_id,
          merged_person=source_id, external_id=unmatched.external_id,
          unmatched=unmatched.public_id, namespace=link.namespace if link else "",
          roles_gained=gained)


def unlink_by_hand(session: Session, unmatched: UnmatchedPerson, actor_id: int,
                   org_id: int) -> int:
    """Undo :func:`link_by_hand`: the source's person becomes a person of their own again.

    What came from this source goes with them — the identity link, marks, attendance and
    final marks of its id space, enrolments in its classes, guardianships with its people,
    the roles the link gave the target — and the row waits for the admin again. The rest
    (the LMS's own data) stays with the target. Returns the new person's id; audited."""
    if not unmatched.resolved:
        raise LookupError("not linked by hand")
    target_id = unmatched.person_id
    done = session.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == org_id, AuditEntry.action == "sync.link_by_hand",
        AuditEntry.entity_id == str(target_id)).order_by(AuditEntry.id.desc())).all()
    entry = next((e for e in done if e.details.get("unmatched") == unmatched.public_id
                  or e.details.get("external_id") == unmatched.external_id), None)
    kind = _kind(session, unmatched)
    namespace = str(entry.details.get("namespace", "")) if entry else ""
    if not namespace:
        found = session.scalars(select(IdentityLink.namespace).where(
            IdentityLink.person_id == target_id, IdentityLink.source == kind,
            IdentityLink.external_id == unmatched.external_id)).all()
        if len(found) != 1:
            raise LookupError("the link's source cannot be told apart")
        namespace = found[0]
    person = Person(display_name=unmatched.display_name)
    session.add(person)
    session.flush()
    gained = [str(r) for r in entry.details.get("roles_gained", [])] if entry else []
    people.split_from(session, target_id, person.id, org_id, source=kind, namespace=namespace,
                      external_id=unmatched.external_id,
                      roles=sorted(set(gained) | {unmatched.role}), taken_back=gained)
    journal.reassign_student(session, target_id, person.id,
                             Origin(org_id, kind, namespace))
    unmatched.person_id = person.id
    unmatched.resolved = False
    audit(session, actor_id, org_id, "sync.unlink_by_hand", "person", target_id,
          new_person=person.id, external_id=unmatched.external_id,
          unmatched=unmatched.public_id, namespace=namespace)
    return person.id


def _kind(session: Session, unmatched: UnmatchedPerson) -> str:
    conn = session.get(SourceConnection, unmatched.connection_id)
    return conn.kind if conn is not None else ""
