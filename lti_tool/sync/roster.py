"""Applying a source's roster: classes, people (through identity matching), roles,
parents' children and enrolments. Enrolments the source no longer lists are deactivated,
not deleted, so marks keep their history."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from adapters.base import RosterBatch
from lti_tool.people import imports
from lti_tool.people.enrolments import reconcile_enrolments
from lti_tool.sync.identity import linked_people, resolve_people
from lti_tool.sync.messages import N_
from lti_tool.sync.models import SourceConnection
from schemas.messages import problem
from schemas.records import RecordRejected


def known_classes(session: Session, conn: SourceConnection, namespace: str) -> dict[str, int]:
    return imports.classes_by_source(session, conn.organisation_id, conn.kind, namespace)


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
    return imports.upsert_classes(session, conn.organisation_id, conn.kind, namespace, [
        (r.source_id, r.name, r.subject or (f"{r.grade} класс" if r.grade else ""))
        for r in batch.roster.classes], counts)


def _apply_roles(session: Session, conn: SourceConnection, people: dict[str, int],
                 batch: RosterBatch) -> None:
    imports.add_roles(session, conn.organisation_id, {
        (people[p.source_id], role) for p in batch.roster.people for role in p.all_roles})


def _apply_guardians(session: Session, people: dict[str, int], batch: RosterBatch) -> None:
    imports.add_guardianships(session, {(people[p.source_id], people[c])
                                        for p in batch.roster.people
                                        for c in p.children if c in people})


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
