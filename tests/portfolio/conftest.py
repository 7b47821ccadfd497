"""The shared portfolio world for the moving-school tests: a student and a teacher with
confirmed items, one of each shown outside the school (consented / published)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_tool.people.models import ClassGroup
from tests.portfolio.helpers import add, launch, make_parent, person_id


@pytest.fixture
def confirmed(platform, tool):
    student = launch(platform, tool, "student", "s-petrov", name="Алексей Петров")
    teacher = launch(platform, tool, "teacher", "t-ivanova", name="Мария Иванова")
    admin = launch(platform, tool, "admin", "a-smirnova", name="Ольга Смирнова")
    with tool.db.session() as s:
        klass = s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.external_id == "algebra-10a")).one()
    admin.post("/app/admin/portfolio/curators",
               {"tutor": person_id(tool, "t-ivanova")[1], "class": klass})
    parent = launch(platform, tool, "parent", "p-petrova", name="Елена Петрова")
    make_parent(tool, "p-petrova", "s-petrov")
    for n, title in enumerate(("Призёр регионального этапа ВсОШ по математике",
                               "Волонтёр года")):
        item = add(student, title)
        teacher.post(f"/app/portfolio/a/{item}/moderate", {"action": "confirm"})
        if n == 0:  # consented: its diploma travels; the other's stays at the school
            assert parent.post(f"/app/portfolio/a/{item}/consent",
                               {"on": "1"}).status_code == 303
    add(student, "Ещё не проверено")  # unconfirmed: never exported
    for n, (title, hours) in enumerate((("КПК «Обновлённые ФГОС СОО»", "72"),
                                        ("Вебинар по ИКТ", "4"))):
        item = add(teacher, title, section="development", hours=hours)
        admin.post(f"/app/portfolio/a/{item}/moderate", {"action": "confirm"})
        if n == 0:  # the teacher published it: its file travels
            teacher.post(f"/app/portfolio/a/{item}/consent", {"on": "1"})
    return student, teacher, admin
