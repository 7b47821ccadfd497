"""Migration e7c1a9f3b5d2 names the host class of existing courses only where the host's
journal is unambiguous, and clears a class that belongs to another school."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select

from lti_tool.db import Database
from lti_tool.exchange import rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse
from lti_tool.journal.models import Assignment, Mark
from lti_tool.migrate import alembic_config, upgrade
from lti_tool.people.models import ClassGroup, Organisation, Person

BEFORE = "a1d7f3c5e9b2"


def test_existing_courses_get_their_class_when_the_journal_is_unambiguous(
        database_url: str) -> None:
    command.downgrade(alembic_config(database_url), BEFORE)
    db = Database(database_url)
    with db.session() as s:
        host, home = Organisation(slug="gym", name="Гимназия"), Organisation(slug="s", name="Ш")
        s.add_all([host, home])
        s.flush()
        k1, k2 = (ClassGroup(organisation_id=host.id, title=t, external_id=t)
                  for t in ("10А", "10Б"))
        foreign = ClassGroup(organisation_id=home.id, title="9В", external_id="9В")
        s.add_all([k1, k2, foreign])
        s.flush()
        courses = {name: NetworkCourse(
            host_org_id=host.id, title=name, subject=subject, schedule=[],
            starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 25), host_class_id=klass)
            for name, subject, klass in (("one", "Физика", None), ("two", "Химия", None),
                                         ("foreign", "Биология", foreign.id),
                                         ("empty", "География", None))}
        s.add_all(courses.values())
        pupil = Person(display_name="Петров Пётр")
        s.add(pupil)
        s.flush()
        for course in courses.values():
            s.add(CourseRequest(course_id=course.id, student_id=pupil.id, home_org_id=home.id,
                                state=rules.ENROLLED))
        for n, (subject, klass, origin) in enumerate((
                ("Физика", k1.id, ("netschool", "ns")), ("Физика", k1.id, ("netschool", "ns")),
                ("Физика", None, ("exchange", f"journal:{courses['one'].public_id}")),
                ("Химия", k1.id, ("netschool", "ns")), ("Химия", k2.id, ("netschool", "ns")))):
            work = Assignment(organisation_id=host.id, source=origin[0], namespace=origin[1],
                              external_id=f"w{n}", subject=subject, class_id=klass,
                              due=date(2026, 10, 1 + n))
            s.add(work)
            s.flush()
            s.add(Mark(assignment_id=work.id, student_id=pupil.id, value=5,
                       date=date(2026, 10, 1 + n)))
        s.commit()
        expected = {"one": k1.id, "two": None, "foreign": None, "empty": None}
    db.engine.dispose()

    upgrade(database_url)

    db = Database(database_url)
    with db.session() as s:
        found = dict(s.execute(select(NetworkCourse.title, NetworkCourse.host_class_id)).all())
    db.engine.dispose()
    assert found == expected
