"""The lesson technological-map builder: results and УУД only from the school's lists, the
map published into the teacher's Вебфолио as an unconfirmed item; students may not."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lti_tool.portfolio.models import Achievement, LessonMap
from tests.portfolio.helpers import launch


def test_build_and_publish_a_lesson_map(platform, tool):
    teacher = launch(platform, tool, "teacher", "t-ivanova")
    student = launch(platform, tool, "student", "s-petrov")
    assert teacher.get("/app/portfolio/lesson-map").status_code == 200
    form = {"subject": "Алгебра", "grade": "10 А", "topic": "Логарифмические уравнения",
            "lesson_type": "открытие нового знания", "goal": "Научиться решать уравнения",
            "results": ["Решать задачи базового уровня", "Выдуманный результат"],
            "uud": ["Работа с информацией", "Взлом"],
            "teacher-0": "Проблемная ситуация", "students-0": "Формулируют вопрос"}
    assert student.post("/app/portfolio/lesson-map", form).status_code == 403
    bad = teacher.post("/app/portfolio/lesson-map", dict(form, results=[], uud=[]))
    assert bad.status_code == 422 and "хотя бы один" in bad.text
    with tool.db.session() as s:
        assert s.scalar(select(func.count()).select_from(LessonMap)) == 0
    resp = teacher.post("/app/portfolio/lesson-map", form)
    assert resp.status_code == 303
    item = re.search(r"/a/([A-Za-z0-9_-]+)", resp.headers["Location"]).group(1)
    with tool.db.session() as s:
        row = s.scalars(select(LessonMap)).one()
        assert row.data["results"] == ["Решать задачи базового уровня"]
        assert row.data["uud"] == ["Работа с информацией"]
        ach = s.scalars(select(Achievement).where(Achievement.public_id == item)).one()
        assert ach.status == "unconfirmed" and ach.section.key == "methods"
        assert "Логарифмические уравнения" in ach.title
        assert "Мотивация: учитель — Проблемная ситуация" in ach.description
