"""A teacher signed in without the LMS has no launch to name a class: their page lists the
classes they teach (and only those), each opening its class page; another class of the same
school stays closed. SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import select

from lti_tool.accounts.models import LocalAccount
from lti_tool.people.models import ClassEnrolment, ClassGroup, Person
from tests.accounts.conftest import local_session
from tests.sync.launches import launch_token


def test_a_signed_in_teacher_reaches_their_classes_by_their_page(platform, tool):
    teacher = local_session(tool, launch_token(platform, tool, "admin"), "t@school.ru",
                            "teacher")
    with tool.db.session() as s:
        me = s.scalars(select(LocalAccount.person_id)).one()
        ours, theirs, elsewhere = (
            ClassGroup(organisation_id=org, title=title, external_id=title)
            for org, title in ((tool.org_id, "Физика, 9 Б"), (tool.org_id, "Химия, 9 В"),
                               (tool.other_org_id, "Физика, 9 А")))
        s.add_all([ours, theirs, elsewhere])
        s.flush()
        pupil = Person(display_name="Смирнова Ольга")
        s.add(pupil)
        s.flush()
        s.add_all([ClassEnrolment(class_id=c.id, person_id=me, role="teacher")
                   for c in (ours, elsewhere)]  # another school's enrolment: not shown
                  + [ClassEnrolment(class_id=ours.id, person_id=pupil.id, role="student")])
        own, other, away = ours.public_id, theirs.public_id, elsewhere.public_id
    home = teacher.get(tool.base + "/app/", timeout=30)
    assert home.status_code == 200 and 'data-testid="my-classes"' in home.text
    links = re.findall(r'href="/app/class/([^"?]+)"', home.text)
    assert links == [own]
    page = teacher.get(tool.base + f"/app/class/{own}", timeout=30)
    assert page.status_code == 200 and "Смирнова Ольга" in page.text
    assert teacher.get(tool.base + f"/app/class/{other}", timeout=30).status_code == 403
    assert teacher.get(tool.base + f"/app/class/{away}", timeout=30).status_code == 404
