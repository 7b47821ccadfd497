"""Who is who across sources: link a source's person to one we know, or list them for the admin.

A person already linked to this source is found by the link. Otherwise the connection's
``match_keys`` are tried (see :func:`lti_tool.sync.rules.match_person`); a unique match is
linked and audited; no match or several make a new person *and* an ``UnmatchedPerson`` row,
so the admin can link by hand (:func:`link_by_hand`). Nobody is merged on a guess.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import AuditEntry, audit
from lti_tool.journal import services as journal
from lti_tool.journal.services import Origin
from lti_tool.people import imports
from lti_tool.people import merging as people
from lti_tool.people import queries as people_q
from lti_tool.people.sites import site
from lti_tool.sync.models import SourceConnection, UnmatchedPerson
from lti_tool.sync.rules import Candidate, Match, match_person
from schemas.records import PersonRecord


def linked_people(session: Session, conn: SourceConnection, namespace: str) -> dict[str, int]:
    """Source id → our person id, for everyone this source already brought in."""
    return imports.linked_people(session, conn.kind, namespace)


def _candidates(session: Session, conn: SourceConnection, namespace: str) -> list[Candidate]:
    """People of the organisation not yet linked to this source (each may match once)."""
    return [Candidate(pid, email, name, links) for pid, name, email, links in
            imports.unlinked_members(session, conn.organisation_id, conn.kind, namespace)]


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
    found: dict[str, set[int]] = {}
    for sub, issuer, person_id in imports.lti_links_of_unlinked(
            session, conn.organisation_id, conn.kind, namespace, ids):
        if site(issuer) == home:
            found.setdefault(sub, set()).add(person_id)
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
            person_id = people_q.add_person(session, record.display_name,
                                            record.email or None).id
            session.add(UnmatchedPerson(
                connection_id=conn.id, person_id=person_id, external_id=record.source_id,
                display_name=record.display_name, role=record.role,
                candidates=list(match.ambiguous)))
            counts["people.created"] += 1
        imports.link(session, person_id, conn.kind, namespace, record.source_id)
        known[record.source_id] = person_id
    _refresh_names(session, records, known, counts, {r.source_id for r in fresh})
    return known


def _refresh_names(session: Session, records: Sequence[PersonRecord], known: dict[str, int],
                   counts: Counter[str], fresh: set[str]) -> None:
    """Names and emails as the source has them now. Each record is counted once: a fresh
    one as linked or created above, a known one here as updated or unchanged."""
    ids = [known[r.source_id] for r in records]
    current = imports.names_and_emails(session, ids)
    changes = []
    for r in records:
        pid = known[r.source_id]
        name, email = current.get(pid, ("", None))
        if r.display_name != name or (r.email and r.email != email):
            changes.append(dict(id=pid, display_name=r.display_name, email=r.email or email))
            counts["people.updated"] += r.source_id not in fresh
        else:
            counts["people.unchanged"] += r.source_id not in fresh
    imports.rename(session, changes)


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
    namespaces = imports.link_namespaces(session, source_id, _kind(session, unmatched),
                                         unmatched.external_id)
    gained = people.roles_missing(session, target_id, source_id, org_id)
    unmatched.person_id = target_id  # first: deleting the folded person would cascade here
    unmatched.resolved = True
    session.flush()
    journal.reassign_student(session, source_id, target_id)
    people.fold_into(session, source_id, target_id)
    audit(session, actor_id, org_id, "sync.link_by_hand", "person", target_id,
          merged_person=source_id, external_id=unmatched.external_id,
          unmatched=unmatched.public_id, namespace=namespaces[0] if namespaces else "",
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
        found = imports.link_namespaces(session, target_id, kind, unmatched.external_id)
        if len(found) != 1:
            raise LookupError("the link's source cannot be told apart")
        namespace = found[0]
    person = people_q.add_person(session, unmatched.display_name)
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
