"""The route page and the class XLSX show plan against actual by the school's periods, with
lessons missed from the journal's attendance (real LTI launches, SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from lxml import html
from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.core.viewer import Viewer
from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.pathways import services
from lti_tool.pathways.models import SchoolOffer, TutorAssignment
from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, LEARNER
from tests.e2e.test_pathways_pages import launch, page, person, post
from tests.integration.test_pathways_routes import plan_data


def seed_journal(tool: Any, pupil: int) -> None:
    with tool.db.session() as s:
        for n, (subject, value, day) in enumerate([("Алгебра", 3, date(2025, 10, 6)),
                                                   ("Алгебра", 5, date(2025, 11, 17)),
                                                   ("Физика", 4, date(2025, 11, 18))]):
            a = Assignment(organisation_id=tool.org_id, source="t", namespace="t",
                           external_id=str(n), subject=subject, due=day)
            s.add(a)
            s.flush()
            s.add(Mark(assignment_id=a.id, student_id=pupil, value=value, date=day))
        for n, (day, subject, code) in enumerate([(date(2025, 10, 7), "Алгебра", "Н"),
                                                  (date(2025, 11, 19), "Физика", "Б"),
                                                  (date(2025, 11, 19), "Физика", "ОП")]):
            s.add(Attendance(organisation_id=tool.org_id, source="t", namespace="t",
                             student_id=pupil, date=day, lesson=n + 1, subject=subject,
                             code=code))


def test_route_page_and_xlsx_by_period(tool: Any, platform: Any) -> None:
    student = launch(platform, tool, "pupil-t", [LEARNER])
    admin = launch(platform, tool, "admin-t", [ADMIN, INSTRUCTOR])
    teacher = launch(platform, tool, "teacher-t", [INSTRUCTOR])
    pupil = person(tool, "pupil-t")
    with tool.db.session() as s:
        viewer = Viewer(pupil, tool.org_id, frozenset({"student"}), None, 0)
        rid = services.start_route(s, viewer, date(2025, 9, 1), plan_data() | {
            "targets": {"math": 4.5}}).public_id
        s.add(TutorAssignment(organisation_id=tool.org_id, tutor_id=person(tool, "teacher-t"),
                              student_id=pupil))
    seed_journal(tool, pupil)

    shown = page(tool, student, f"/app/routes/{rid}")
    doc = html.fromstring(shown.text)
    chart = doc.xpath('//*[@data-testid="term-chart"]')[0]
    heads = [t.text_content() for t in chart.xpath('.//text[@font-size="12"]')]
    # полугодия by default: the route began 1.09.2025; a period not begun has no column
    begun = [h for h in heads if "полугодие" in h]
    assert begun[:2] == ["1 полугодие, 10 кл.", "2 полугодие, 10 кл."]
    assert len(begun) == (3 if date.today() < date(2027, 1, 1) else 4)
    assert "Пропущено уроков за маршрут (журнал посещаемости): 2." in shown.text

    saved = post(tool, admin, "/app/routes/offer/settings", {
        "week_days": "6", "term_scheme": "quarters", "mark_margin": "0.5",
        "absence_limit": "0"})
    assert "Настройки сохранены" in saved.text
    wrong = post(tool, admin, "/app/routes/offer/settings", {
        "week_days": "6", "term_scheme": "trimesters", "mark_margin": "0.5",
        "absence_limit": "0"})
    assert "Периоды:" in wrong.text
    refused = post(tool, teacher, "/app/routes/offer/settings", {
        "week_days": "6", "term_scheme": "halves", "mark_margin": "0.5", "absence_limit": "9"})
    assert refused.status_code == 403
    with tool.db.session() as s:
        held = s.scalars(select(SchoolOffer).where(SchoolOffer.organisation_id == tool.org_id)
                         ).one()
        assert (held.term_scheme, held.absence_limit) == ("quarters", 0)

    quarters = page(tool, student, f"/app/routes/{rid}").text
    assert "1 четверть, 10 кл." in quarters and "2 четверть, 10 кл." in quarters
    assert "Физика: пропусков 1 за период «2 четверть, 10 кл.», порог школы 0." in quarters

    book = load_workbook(io.BytesIO(page(tool, teacher, "/app/routes/class.xlsx").content))
    rows = list(book["Успеваемость по периодам"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Ученик", "Период")
    math = {(r[1], r[4]): r for r in rows[1:]}
    assert math[("1 четверть, 10 кл.", "математика")][5:] == (4.5, 3.0, 1, 1)
    assert math[("2 четверть, 10 кл.", "физика")][5:] == (None, 4.0, 1, 1)
