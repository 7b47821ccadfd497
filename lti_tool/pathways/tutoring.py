"""Tutor assignments, the school admin's use cases: a teacher made tutor of a class (all its
students) or of one student, and an assignment taken back. One transaction each (the caller
commits); access is decided first, then the form is validated, and only then anything is
written, with an audit entry saying who changed what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import AuditEntry, audit
from lti_tool.core.viewer import TUTOR_ROLES, Viewer
from lti_tool.pathways import access
from lti_tool.pathways.forms import FormRefused
from lti_tool.pathways.models import TutorAssignment
from lti_tool.people import services as people

LABELS = {"tutor": "Тьютор", "student": "Ученик", "class": "Класс"}
ACTIONS = ("tutor.assign", "tutor.unassign")


class Forbidden(Exception):
    """Not the school admin of this school: nothing is told and nothing changes."""


class Invalid(FormRefused):
    """The form names someone or something that is not of this school."""

    labels = LABELS


class _ToStudent(Schema):
    tutor = fields.String(required=True, validate=validate.Length(min=1, max=40))
    student = fields.String(required=True, validate=validate.Length(min=1, max=40))


class _ToClass(Schema):
    tutor = fields.String(required=True, validate=validate.Length(min=1, max=40))
    class_ = fields.String(required=True, data_key="class",
                           validate=validate.Length(min=1, max=40))


@dataclass(frozen=True)
class Held:
    id: int
    tutor: str
    whom: str  # the class's title or the student's name
    kind: str  # class | student


def _load(schema: Schema, form: dict[str, Any]) -> dict[str, Any]:
    try:
        return dict(schema.load({k: (v or "").strip() for k, v in form.items()
                                 if k in ("tutor", "student", "class")}))
    except ValidationError as err:
        raise Invalid(err) from err


def _tutor(session: Session, org_id: int, public_id: str) -> Any:
    found = people.person_by_public_id(session, public_id)
    if found is None or not people.roles_in(session, found.id, org_id) & set(TUTOR_ROLES):
        raise Invalid({"tutor": ["выберите учителя или тьютора этой школы."]})
    return found


def assign_to_student(session: Session, viewer: Viewer, form: dict[str, Any]) -> bool:
    """The teacher becomes the tutor of one student; False when they already were."""
    if not access.can_manage_offer(viewer):
        raise Forbidden()
    data = _load(_ToStudent(), form)
    tutor = _tutor(session, viewer.organisation_id, data["tutor"])
    student = people.person_by_public_id(session, data["student"])
    if student is None or "student" not in people.roles_in(session, student.id,
                                                           viewer.organisation_id):
        raise Invalid({"student": ["выберите ученика этой школы."]})
    if session.scalars(select(TutorAssignment.id).where(
            TutorAssignment.organisation_id == viewer.organisation_id,
            TutorAssignment.tutor_id == tutor.id,
            TutorAssignment.student_id == student.id)).first() is not None:
        return False
    session.add(TutorAssignment(organisation_id=viewer.organisation_id, tutor_id=tutor.id,
                                student_id=student.id))
    audit(session, viewer.person_id, viewer.organisation_id, "tutor.assign", "person",
          student.public_id, tutor=tutor.public_id, tutor_name=tutor.display_name,
          whom=student.display_name)
    session.flush()
    return True


def assign_to_class(session: Session, viewer: Viewer, form: dict[str, Any]) -> bool:
    """The teacher becomes the tutor of every student of a class; False when already."""
    if not access.can_manage_offer(viewer):
        raise Forbidden()
    data = _load(_ToClass(), form)
    tutor = _tutor(session, viewer.organisation_id, data["tutor"])
    group = people.class_by_public_id(session, viewer.organisation_id, data["class_"])
    if group is None:
        raise Invalid({"class": ["выберите класс этой школы."]})
    if session.scalars(select(TutorAssignment.id).where(
            TutorAssignment.organisation_id == viewer.organisation_id,
            TutorAssignment.tutor_id == tutor.id,
            TutorAssignment.class_id == group.id)).first() is not None:
        return False
    session.add(TutorAssignment(organisation_id=viewer.organisation_id, tutor_id=tutor.id,
                                class_id=group.id))
    audit(session, viewer.person_id, viewer.organisation_id, "tutor.assign", "class_group",
          group.public_id, tutor=tutor.public_id, tutor_name=tutor.display_name,
          whom=group.title or group.label)
    session.flush()
    return True


def unassign(session: Session, viewer: Viewer, assignment_id: int) -> Held:
    """Take an assignment back (another school's id is Forbidden: it does not exist here)."""
    if not access.can_manage_offer(viewer):
        raise Forbidden()
    row = session.get(TutorAssignment, assignment_id)
    if row is None or row.organisation_id != viewer.organisation_id:
        raise Forbidden()
    held = describe(session, [row])[0]
    tutor = people.person(session, row.tutor_id)
    audit(session, viewer.person_id, viewer.organisation_id, "tutor.unassign",
          "pathway_tutor", row.id, tutor=tutor.public_id if tutor else "",
          tutor_name=held.tutor, whom=held.whom, kind=held.kind)
    session.delete(row)
    session.flush()
    return held


def describe(session: Session, rows: list[TutorAssignment]) -> list[Held]:
    classes = {c.id: c.title or c.label for c in people.classes_of(
        session, rows[0].organisation_id)} if rows else {}
    out = []
    for r in rows:
        tutor = people.person(session, r.tutor_id)
        student = people.person(session, r.student_id) if r.student_id else None
        out.append(Held(r.id, tutor.display_name if tutor else "—",
                        classes.get(r.class_id or 0, "—") if r.class_id else (
                            student.display_name if student else "—"),
                        "class" if r.class_id else "student"))
    return out


def assignments(session: Session, org_id: int) -> list[Held]:
    rows = list(session.scalars(select(TutorAssignment).where(
        TutorAssignment.organisation_id == org_id).order_by(TutorAssignment.id)))
    return sorted(describe(session, rows), key=lambda h: (h.kind, h.whom, h.tutor))


def changes(session: Session, org_id: int, limit: int = 20) -> list[tuple[AuditEntry, str]]:
    """The latest assignments made and taken back, with who did it (newest first)."""
    entries = list(session.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == org_id, AuditEntry.action.in_(ACTIONS))
        .order_by(AuditEntry.id.desc()).limit(limit)))
    out = []
    for e in entries:
        actor = people.person(session, e.actor_id) if e.actor_id else None
        out.append((e, actor.display_name if actor else "—"))
    return out
