"""A teacher's self-assessment: saved for this school year, the development plan from its
gaps, dynamics by year; the admin reads it, nobody else does or writes."""

from __future__ import annotations

from sqlalchemy import func, select

from lti_tool.portfolio import rules
from lti_tool.portfolio.models import SelfAssessment
from tests.portfolio.helpers import launch, person_id


def _count(tool) -> int:
    with tool.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(SelfAssessment)))


def test_self_assessment_plan_and_access(platform, tool):
    teacher = launch(platform, tool, "teacher", "t-ivanova")
    admin = launch(platform, tool, "admin", "a-smirnova")
    colleague = launch(platform, tool, "teacher", "t-orlov", course="geometry-10b")
    student = launch(platform, tool, "student", "s-petrov")
    other = launch(platform, tool, "admin", "a-other", deployment="dep-other",
                   course="physics-11b")
    pid = person_id(tool, "t-ivanova")[1]
    answers = {key: "3" for key, *_ in rules.SELF_ITEMS}
    answers.update(ict_teacher="0", results="1")
    assert student.post("/app/portfolio/self", answers).status_code == 403
    assert teacher.post("/app/portfolio/self", dict(answers, plan="x", ict_user="9")
                        ).status_code == 303
    assert _count(tool) == 0  # an out-of-scale answer saves nothing
    assert teacher.post("/app/portfolio/self", answers).status_code == 303
    page = teacher.get(f"/app/portfolio/self/{pid}").text
    plan = page.split('data-testid="plan"')[1].split("</ol>")[0]
    assert plan.index("Общепедагогическая ИКТ") < plan.index("Оценка предметных")
    assert "КПК по цифровой образовательной среде" in plan and "Самоконтроль" not in plan
    assert 'data-testid="dynamics"' in page
    assert admin.get(f"/app/portfolio/self/{pid}").status_code == 200
    before = _count(tool)
    assert colleague.get(f"/app/portfolio/self/{pid}").status_code == 403
    assert student.get(f"/app/portfolio/self/{pid}").status_code == 403
    assert other.get(f"/app/portfolio/self/{pid}").status_code == 404
    assert _count(tool) == before == 1
