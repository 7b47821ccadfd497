"""Applying a source's roster: classes, people (through identity matching), roles,
parents' children and enrolments. Enrolments the source no longer lists are deactivated,
not deleted, so marks keep their history."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from adapters.base import RosterBatch
from lti_tool.people.enrolments import reconcile_enrolments
from lti_tool.people.models import ClassGroup, Guardianship, Membership
from lti_tool.sync.identity import linked_people, resolve_people
from lti_tool.sync.messages import N_
from lti_tool.sync.models import SourceConnection
from schemas.messages import problem
from schemas.records import RecordRejected


def known_classes(session: Session, conn: SourceConnection, namespace: str) -> dict[str, int]:
    rows = session.execute(select(ClassGroup.external_id, ClassGroup.id).where(
        ClassGroup.organisation_id == conn.organisation_id, ClassGroup.source == conn.kind,
        ClassGroup.namespace == namespace))
    return {row.external_id: row.id for row in rows}


def known_maps(session: Session, conn: SourceConnection, namespace: str
               ) -> tuple[dict[str, int], dict[str, int]]:
    """People and classes this source brought in before (roster unchanged: nothing to write)."""
    return linked_people(session, conn, namespace), known_classes(session, conn, namespace)


def apply_roster(session: Session, conn: SourceConnection, namespace: str, batch: RosterBatch,
                 counts: Counter[str], rejected: list[RecordRejected] | None = None
                 ) -> tuple[dict[str, int], dict[str, int]]:
    """Write the roster; enrolments that cannot be applied go to ``rejected`` with why."""
    roster = batch.roster
    classes = _apply_classes(session, conn, namespace, batch, counts)
    people = resolve_people(session, conn, namespace, list(roster.people), counts)
    _apply_roles(session, conn, people, batch)
    _apply_guardians(session, people, batch)
    dropped = _apply_enrolments(session, people, classes, batch, counts)
    if rejected is not None:
        rejected += dropped
    return people, classes


def _apply_classes(session: Session, conn: SourceConnection, namespace: str,
                   batch: RosterBatch, counts: Counter[str]) -> dict[str, int]:
    held = {g.external_id: g for g in session.scalars(select(ClassGroup).where(
        ClassGroup.organisation_id == conn.organisation_id, ClassGroup.source == conn.kind,
        ClassGroup.namespace == namespace))}
    for record in batch.roster.classes:
        label = record.subject or (f"{record.grade} класс" if record.grade else "")
        group = held.get(record.source_id)
        if group is None:
            group = ClassGroup(organisation_id=conn.organisation_id, source=conn.kind,
                               namespace=namespace, external_id=record.source_id,
                               title=record.name, label=label)
            session.add(group)
            held[record.source_id] = group
            counts["classes.created"] += 1
        elif (group.title, group.label) != (record.name, label):
            group.title, group.label = record.name, label
            counts["classes.updated"] += 1
        else:
            counts["classes.unchanged"] += 1
    session.flush()
    return {key: group.id for key, group in held.items()}


def _apply_roles(session: Session, conn: SourceConnection, people: dict[str, int],
                 batch: RosterBatch) -> None:
    wanted = {(people[p.source_id], p.role) for p in batch.roster.people}
    have = {(pid, role) for pid, role in session.execute(select(
        Membership.person_id, Membership.role).where(
        Membership.organisation_id == conn.organisation_id))}
    missing = sorted(wanted - have)
    if missing:
        session.execute(insert(Membership), [
            dict(person_id=pid, organisation_id=conn.organisation_id, role=role)
            for pid, role in missing])


def _apply_guardians(session: Session, people: dict[str, int], batch: RosterBatch) -> None:
    wanted = {(people[p.source_id], people[c]) for p in batch.roster.people
              for c in p.children if c in people}
    if not wanted:
        return
    parents = sorted({p for p, _ in wanted})
    have = {(p, c) for p, c in session.execute(select(
        Guardianship.parent_id, Guardianship.child_id).where(
        Guardianship.parent_id.in_(parents)))}
    missing = sorted(wanted - have)
    if missing:
        session.execute(insert(Guardianship), [dict(parent_id=p, child_id=c)
                                               for p, c in missing])


def _apply_enrolments(session: Session, people: dict[str, int], classes: dict[str, int],
                      batch: RosterBatch, counts: Counter[str]) -> list[RecordRejected]:
    wanted: set[tuple[int, int, str]] = set()
    dropped: list[RecordRejected] = []
    for e in batch.roster.enrolments:
        where = f"запись {e.person_id} в класс {e.class_id}"
        errors: dict[str, Any] = {}
        if e.person_id not in people:
            errors["person_id"] = [problem(N_("нет такого человека: «{id}»"), id=e.person_id)]
        if e.class_id not in classes:
            errors["class_id"] = [problem(N_("нет такого класса: «{id}»"), id=e.class_id)]
        key = (classes.get(e.class_id, -1), people.get(e.person_id, -1), e.role)
        if not errors and key in wanted:
            errors["person_id"] = [problem(N_("запись повторяется (роль {role})"), role=e.role)]
        if errors:
            dropped.append(RecordRejected("EnrolmentRecord", where, errors, raw=e))
            continue
        wanted.add(key)
    removed = None
    if batch.delta:
        # A delta speaks only for what it lists: absence means nothing, removals are named.
        removed = {(classes.get(e.class_id, -1), people.get(e.person_id, -1), e.role)
                   for e in batch.deleted_enrolments}
    changes = reconcile_enrolments(session, classes.values(), wanted, removed=removed)
    counts["enrolments.created"] += changes.created + changes.reactivated
    counts["enrolments.deleted"] += changes.deactivated
    counts["enrolments.unchanged"] += changes.unchanged
    return dropped
