"""The tutor page through real LTI launches (SQLite and PostgreSQL): the school admin makes a
teacher the tutor of one student, the teacher then sees that student's route in the class
view; a teacher, a student and another school's admin are refused and nothing changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import html
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.core.viewer import Viewer
from lti_tool.pathways import services
from lti_tool.pathways.models import TutorAssignment
from lti_tool.people.models import Person
from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, LEARNER
from tests.e2e.test_pathways_pages import launch, page, person, post


def held(tool: Any) -> tuple[Any, ...]:
    with tool.db.session() as s:
        return (sorted(s.execute(select(TutorAssignment.tutor_id, TutorAssignment.student_id,
                                        TutorAssignment.class_id)).all(), key=str),
                s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action.like("tutor.%"))))


def public(tool: Any, sub: str) -> str:
    with tool.db.session() as s:
        return s.get(Person, person(tool, sub)).public_id


def test_admin_assigns_a_tutor_to_one_student(tool: Any, platform: Any) -> None:
    admin = launch(platform, tool, "admin-a", [ADMIN, INSTRUCTOR])
    teacher = launch(platform, tool, "teacher-x", [INSTRUCTOR], course="physics-10b")
    student = launch(platform, tool, "pupil-x", [LEARNER])
    other_admin = launch(platform, tool, "admin-b", [ADMIN, INSTRUCTOR], dep="dep-other")
    with tool.db.session() as s:
        services.start_route(s, Viewer(person(tool, "pupil-x"), tool.org_id,
                                       frozenset({"student"}), None, 0), date(2025, 9, 1))
    form = {"tutor": public(tool, "teacher-x"), "student": public(tool, "pupil-x")}
    assert "Pupil-X" not in page(tool, teacher, "/app/routes/class").text

    assert 'data-testid="tutors-link"' in page(tool, admin, "/app/routes/offer").text
    shown = page(tool, admin, "/app/routes/tutors")
    doc = html.fromstring(shown.text)
    options = doc.xpath('//form[@data-testid="assign-student"]//select[@name="student"]'
                        '/option/@value')
    assert form["student"] in options
    assert form["tutor"] in doc.xpath('//form[@data-testid="assign-student"]'
                                      '//select[@name="tutor"]/option/@value')

    before = held(tool)
    for lt in (teacher, student):
        refused = post(tool, lt, "/app/routes/tutors/student", form)
        assert refused.status_code == 403 and held(tool) == before
        assert page(tool, lt, "/app/routes/tutors").status_code == 403
    foreign = post(tool, other_admin, "/app/routes/tutors/student", form)
    assert "Тьютор: выберите учителя или тьютора этой школы." in foreign.text
    assert held(tool) == before
    empty = post(tool, admin, "/app/routes/tutors/student", {"tutor": form["tutor"]})
    assert "Ученик: Обязательное поле" in empty.text and held(tool) == before

    done = post(tool, admin, "/app/routes/tutors/student", form)
    assert "Тьютор ученика назначен." in done.text
    assert 'data-testid="tutor-changes"' in done.text and "Admin-A" in done.text
    assert "Pupil-X" in page(tool, teacher, "/app/routes/class").text

    with tool.db.session() as s:
        aid = s.scalars(select(TutorAssignment.id).where(
            TutorAssignment.student_id == person(tool, "pupil-x"))).one()
    before = held(tool)
    for lt, status in ((other_admin, 404), (teacher, 403)):
        gone = post(tool, lt, f"/app/routes/tutors/{aid}/remove", {})
        assert gone.status_code == status and held(tool) == before
    removed = post(tool, admin, f"/app/routes/tutors/{aid}/remove", {})
    assert "больше не тьютор" in removed.text
    assert "Pupil-X" not in page(tool, teacher, "/app/routes/class").text
    with tool.db.session() as s:
        actions = [(e.action, e.actor_id) for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action.like("tutor.%")).order_by(AuditEntry.id))]
    assert actions == [("tutor.assign", person(tool, "admin-a")),
                       ("tutor.unassign", person(tool, "admin-a"))]
