"""Tutor assignment to one student (and to a class) by the school admin, on SQLite and
PostgreSQL: what it grants, the audit of who changed what, and every refusal leaving the
assignments and the audit as they were."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.pathways import access, services, tutoring
from lti_tool.pathways.models import Route, TutorAssignment
from lti_tool.people.models import Membership, Person
from tests.integration.test_pathways_routes import School, new_route, roles
from tests.integration.test_pathways_routes import school as school  # noqa: F401  (fixture)


def public(s: Any, school: School, who: str) -> str:
    return s.get(Person, school.ids[who]).public_id


@pytest.fixture
def staffed(school: School) -> School:
    with school.db.session() as s:
        s.add_all([Membership(person_id=school.ids[n], organisation_id=school.org, role=r)
                   for n, r in (("admin", "admin"), ("teacher", "teacher"),
                                ("tutor", "teacher"), ("student2", "student"))])
    return school


def held(school: School) -> tuple[Any, ...]:
    with school.db.session() as s:
        rows = sorted(s.execute(select(TutorAssignment.tutor_id, TutorAssignment.class_id,
                                       TutorAssignment.student_id)).all(),
                      key=str)
        return (tuple(rows), s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(tutoring.ACTIONS))))


def sees(school: School, who: str, rid: str) -> bool:
    with school.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == rid)).one()
        return access.relation(s, roles(school)[who], route) == access.TUTORING


def test_admin_assigns_a_tutor_to_one_student_and_takes_it_back(staffed: School) -> None:
    school = staffed
    with school.db.session() as s:
        rid = services.start_route(s, roles(school)["student2"], date(2025, 9, 1)).public_id
    assert not sees(school, "teacher", rid)
    with school.db.session() as s:
        form = {"tutor": public(s, school, "teacher"), "student": public(s, school, "student2")}
        assert tutoring.assign_to_student(s, roles(school)["admin"], form) is True
    assert sees(school, "teacher", rid)
    # only that student: the other student's route stays out of reach
    assert not sees(school, "teacher", new_route(school))
    before = held(school)
    with school.db.session() as s:
        assert tutoring.assign_to_student(s, roles(school)["admin"], form) is False
    assert held(school) == before  # twice is once, and no second audit entry
    with school.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tutor.assign")).one()
        assert entry.actor_id == school.ids["admin"] and entry.organisation_id == school.org
        assert entry.details["tutor_name"] == "teacher" and entry.details["whom"] == "student2"
        aid = s.scalars(select(TutorAssignment.id).where(
            TutorAssignment.student_id == school.ids["student2"])).one()
        gone = tutoring.unassign(s, roles(school)["admin"], aid)
        assert (gone.tutor, gone.whom, gone.kind) == ("teacher", "student2", "student")
    assert not sees(school, "teacher", rid)
    with school.db.session() as s:
        changes = tutoring.changes(s, school.org)
        assert [(e.action, who) for e, who in changes] == [("tutor.unassign", "admin"),
                                                           ("tutor.assign", "admin")]


@pytest.mark.parametrize("who", ["tutor", "teacher", "student", "parent", "admin_b"])
def test_only_the_school_admin_assigns_or_takes_back(staffed: School, who: str) -> None:
    school = staffed
    with school.db.session() as s:
        form = {"tutor": public(s, school, "teacher"), "student": public(s, school, "student2")}
        klass = {"tutor": public(s, school, "teacher"), "class": "10a"}
        existing = s.scalars(select(TutorAssignment.id)).one()  # the fixture's class tutor
    before = held(school)
    # another school's admin manages their own school, where these people do not exist
    refusal = (tutoring.Invalid,) if who == "admin_b" else (tutoring.Forbidden,)
    with school.db.session() as s:
        with pytest.raises(refusal):
            tutoring.assign_to_student(s, roles(school)[who], form)
        with pytest.raises(refusal):
            tutoring.assign_to_class(s, roles(school)[who], klass)
        with pytest.raises(tutoring.Forbidden):
            tutoring.unassign(s, roles(school)[who], existing)
    assert held(school) == before


def test_the_form_must_name_a_teacher_and_a_student_of_this_school(staffed: School) -> None:
    school = staffed
    with school.db.session() as s:
        outsider = Person(display_name="чужой ученик")
        s.add(outsider)
        s.flush()
        s.add(Membership(person_id=outsider.id, organisation_id=school.other_org,
                         role="student"))
        ids = {n: public(s, school, n) for n in ("teacher", "student2", "parent", "admin_b")}
        ids["outsider"] = outsider.public_id
    before = held(school)
    cases = [({"tutor": ids["teacher"], "student": ids["outsider"]}, "student",
              "выберите ученика этой школы."),
             ({"tutor": ids["admin_b"], "student": ids["student2"]}, "tutor",
              "выберите учителя или тьютора этой школы."),
             ({"tutor": ids["parent"], "student": ids["student2"]}, "tutor",
              "выберите учителя или тьютора этой школы."),
             ({"tutor": ids["teacher"], "student": ids["teacher"]}, "student",
              "выберите ученика этой школы."),
             ({"tutor": ids["teacher"]}, "student", "Обязательное поле: значение не указано."),
             ({"tutor": "", "student": ids["student2"]}, "tutor",
              "Длина должна быть от 1 до 40 символов.")]
    for form, field, message in cases:
        with school.db.session() as s:
            with pytest.raises(tutoring.Invalid) as caught:
                tutoring.assign_to_student(s, roles(school)["admin"], form)
        assert field in caught.value.errors and message in " ".join(caught.value.errors[field])
        assert str(caught.value).startswith(tutoring.LABELS[field] + ":")
    with school.db.session() as s:
        with pytest.raises(tutoring.Invalid) as caught:
            tutoring.assign_to_class(s, roles(school)["admin"],
                                     {"tutor": ids["teacher"], "class": "no-such-class"})
    assert caught.value.errors == {"class": ["выберите класс этой школы."]}
    assert held(school) == before


def test_another_schools_admin_cannot_take_back_this_schools_tutor(staffed: School) -> None:
    school = staffed
    with school.db.session() as s:
        s.add(Membership(person_id=school.ids["admin_b"], organisation_id=school.other_org,
                         role="teacher"))
        existing = s.scalars(select(TutorAssignment.id)).one()
    before = held(school)
    with school.db.session() as s:
        with pytest.raises(tutoring.Forbidden):
            tutoring.unassign(s, roles(school)["admin_b"], existing)
    assert held(school) == before


def test_staff_invited_as_tutor_can_be_assigned_and_review(staffed: School) -> None:
    """Someone invited with the role «Тьютор» (no class of their own) is a tutor like a
    teacher: assignable, sees and acts on their student's route, and no other."""
    school = staffed
    with school.db.session() as s:
        only_tutor = Person(display_name="Тьютор без классов")
        s.add(only_tutor)
        s.flush()
        s.add(Membership(person_id=only_tutor.id, organisation_id=school.org, role="tutor"))
        school.ids["only_tutor"] = only_tutor.id
        rid = services.start_route(s, roles(school)["student2"], date(2025, 9, 1)).public_id
        form = {"tutor": only_tutor.public_id, "student": public(s, school, "student2")}
    viewer = school.viewer("only_tutor", "tutor")
    with school.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == rid)).one()
        assert access.relation(s, viewer, route) is None  # not yet theirs
    with school.db.session() as s:
        assert tutoring.assign_to_student(s, roles(school)["admin"], form) is True
    with school.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == rid)).one()
        assert access.relation(s, viewer, route) == access.TUTORING
        assert access.actor(s, viewer, route) == "tutor"
        assert access.tutored_students(s, viewer) == [school.ids["student2"]]
        other = s.scalars(select(Route).where(Route.public_id == new_route(school))).one()
        assert access.relation(s, viewer, other) is None
