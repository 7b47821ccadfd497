"""The LMS's roster (NRPS members) goes through the same enrolment reconciliation as the
school systems' sync: a member who leaves the course is deactivated (not deleted, marks keep
their history) and comes back re-activated, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.db import Database
from lti_tool.people import services as people
from lti_tool.people.models import ClassEnrolment, Organisation, Person
from lti_tool.people.roster import apply_members

ISS = "https://lms.example"
STUDENT = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TEACHER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def _member(uid: str, role: str = STUDENT, status: str = "Active") -> dict[str, object]:
    return {"user_id": uid, "name": uid.title(), "roles": [role], "status": status}


def test_members_who_leave_are_deactivated_and_come_back(database_url: str) -> None:
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="s37", name="Школа № 37")
        s.add(org)
        s.flush()
        group = people.upsert_class(s, org.id, source="lti", namespace=ISS, external_id="c1",
                                    title="Алгебра, 10 А")
        first = apply_members(s, group, ISS, [_member("t1", TEACHER), _member("a"),
                                              _member("b"), _member("c", status="Inactive")])
        assert (first.fetched, first.added, first.deactivated) == (4, 3, 0)

        again = apply_members(s, group, ISS, [_member("t1", TEACHER), _member("a")])
        assert (again.added, again.deactivated) == (0, 1)
        rows = {(p.display_name, e.role): e.active for e, p in s.execute(
            select(ClassEnrolment, Person).join(
                Person, Person.id == ClassEnrolment.person_id)
            .where(ClassEnrolment.class_id == group.id))}
        assert rows == {("T1", "teacher"): True, ("A", "student"): True,
                        ("B", "student"): False}

        back = apply_members(s, group, ISS, [_member("t1", TEACHER), _member("a"),
                                             _member("b")])
        assert (back.added, back.deactivated) == (1, 0)
        assert s.scalars(select(ClassEnrolment.active).where(
            ClassEnrolment.class_id == group.id)).all() == [True, True, True]
    db.engine.dispose()
