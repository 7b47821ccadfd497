"""A network course's marks in the route's plan-against-actual (issue 12 ↔ issue 9), on SQLite
and PostgreSQL with real LTI launches: the host's journal counts for an enrolled student in
the course's subject and dates (averages, absence alerts, the period chart, the class XLSX),
never for a refused or withdrawn one, never another subject or outside the course's dates;
another school's people do not see the route; the host read costs the same few queries for
one student or a class."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import requests
from openpyxl import load_workbook
from sqlalchemy import event, select

from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.pathways import progress
from lti_tool.pathways.models import Route
from tests.exchange.test_requests_http import _decide
from tests.exchange.test_route_network import PHYSICS, _route, _save

#: from 1 October: a mark of 20 September at the host is before the course
COURSE = {**PHYSICS, "starts_on": "2026-10-01"}
HOST_NS = "https://sgo.example/1002"


def _host_journal(net: Any, student_id: int, tag: str) -> None:
    """The host's journal for the network student, as a sync would write it."""
    other = net.tool.other_org_id
    with net.tool.db.session() as s:
        cells = [("Физика", 4, 1.0, date(2026, 10, 6)), ("Физика", 3, 2.0, date(2026, 10, 13)),
                 ("Физика", 2, 1.0, date(2026, 9, 20)),  # before the course's first day
                 ("Химия", 2, 1.0, date(2026, 10, 7))]  # another subject at the host
        for n, (subject, value, weight, day) in enumerate(cells):
            a = Assignment(organisation_id=other, source="netschool", namespace=HOST_NS,
                           external_id=f"{tag}-{n}", subject=subject, title=f"Работа {n}",
                           type_name="Ответ на уроке", weight=weight, due=day)
            s.add(a)
            s.flush()
            s.add(Mark(assignment_id=a.id, student_id=student_id, value=value, date=day))
        missed = [("Физика", "Н", date(2026, 10, day)) for day in range(5, 16)]  # 11
        missed += [("Физика", "ОП", date(2026, 10, 20)),  # late: at the lesson
                   ("Физика", "Н", date(2026, 9, 21)),  # before the course
                   ("Химия", "Н", date(2026, 10, 21))]
        for lesson, (subject, code, day) in enumerate(missed):
            s.add(Attendance(organisation_id=other, source="netschool", namespace=HOST_NS,
                             student_id=student_id, date=day, lesson=lesson % 8 + 1,
                             subject=subject, code=code))
        s.commit()


def _student_id(net: Any, rid: str) -> int:
    with net.tool.db.session() as s:
        return s.scalars(select(Route.student_id).where(Route.public_id == rid)).one()


def _planned(net: Any, token: str, course: str) -> tuple[str, int, str]:
    """A route with the network physics and the request sent; (route, student, request)."""
    rid, built = _route(net, token)
    page = _save(net, token, rid, built, [course])
    asked = _save(net, token, rid, page, [course], then=f"request:{course}")
    assert "заявка отправлена" in asked.text, asked.text[:2000]
    sid = _student_id(net, rid)
    (req,) = [r for r in net.requests() if r.student_id == sid]
    return rid, sid, req.public_id


def _targets(net: Any, rid: str) -> None:
    with net.tool.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == rid)).one()
        route.data = {**route.data, "targets": {**route.data["targets"], "physics": 4.5}}
        s.commit()


def test_host_marks_count_only_for_the_enrolled_student(net: Any) -> None:
    course = net.add_course(**COURSE)
    home, host = net.token("admin", "school"), net.token("admin", "other")
    pupils = {}
    for n, fate in ((1, "enrolled"), (2, "refused"), (3, "withdrawn")):
        token = net.token("student", n=n)
        rid, sid, req = _planned(net, token, course)
        if fate == "withdrawn":
            assert net.post(f"/app/exchange/requests/{req}/withdraw", token).status_code == 303
        else:
            _decide(net, req, home)
            _decide(net, req, host, *(("refuse", "Группа набрана") if fate == "refused"
                                      else ()))
        _targets(net, rid)
        _host_journal(net, sid, f"s{n}")
        pupils[fate] = (token, rid)
    assert [r.state for r in net.requests()] == ["enrolled", "refused", "withdrawn"]

    token, rid = pupils["enrolled"]
    page = requests.get(net.tool.base + f"/app/routes/{rid}", params={"lt": token},
                        timeout=30).text
    # 4 (weight 1) and 3 (weight 2) in October; not 2 of 20 September, nor chemistry's 2
    assert "3.33" in page.split('data-testid="plan-chart"')[1].split("</svg>")[0]
    term = page.split('data-testid="term-chart"')[1].split("</svg>")[0]
    assert "3.3" in term and "Н: 11" in term
    (note,) = re.findall(r'data-testid="network-progress">(.*?)</ul>', page, re.S)
    assert ("Сетевой курс «Механика и олимпиадные задачи» (Гимназия № 1): из журнала "
            "школы-партнёра учтено отметок — 2, пропущено уроков — 11.") in note
    alerts = page.split('data-testid="alerts"')[1].split("</ul>")[0]
    assert "Физика: средний балл 3.33 ниже цели 4.5 больше чем на 0.5." in alerts
    assert "Физика: пропусков 11 за период" in alerts and "порог школы 10" in alerts

    for fate in ("refused", "withdrawn"):
        token, rid = pupils[fate]
        page = requests.get(net.tool.base + f"/app/routes/{rid}", params={"lt": token},
                            timeout=30).text
        assert 'data-testid="network-progress"' not in page, fate
        assert "3.33" not in page and "Н: 11" not in page and "пропусков 11" not in page

    # the tutor's (the home admin's) class sheet: one row per period and subject
    book = requests.get(net.tool.base + "/app/routes/class.xlsx", params={"lt": home},
                        timeout=30)
    rows = list(load_workbook(io.BytesIO(book.content))["Успеваемость по периодам"]
                .iter_rows(values_only=True))
    physics = [r for r in rows if r[4] == "физика"]
    assert [(r[5], r[6], r[7], r[8]) for r in physics] == [(4.5, 3.33, 2, 11),
                                                             (4.5, None, 0, 0),
                                                             (4.5, None, 0, 0)]


def test_other_schools_do_not_see_the_route_with_host_marks(net: Any) -> None:
    course = net.add_course(**COURSE)
    token = net.token("student")
    rid, sid, req = _planned(net, token, course)
    _decide(net, req, net.token("admin", "school"))
    _decide(net, req, net.token("admin", "other"))
    _host_journal(net, sid, "a")
    own = net.get(f"/app/routes/{rid}", token)
    assert own.status_code == 200 and 'data-testid="network-progress"' in own.text
    # the host teaches the course but is not the student's school: no route, no class row
    for role, school in (("admin", "other"), ("teacher", "other"), ("admin", "outside"),
                         ("teacher", "outside")):
        viewer = net.token(role, school)
        page = net.get(f"/app/routes/{rid}", viewer)
        assert page.status_code == 404 and "3.33" not in page.text, (role, school)
        listed = net.get("/app/routes/class", viewer)
        assert "Student 1 school" not in listed.text, (role, school)
    book = net.get("/app/routes/class.xlsx", net.token("admin", "other"))
    if book.status_code == 200:
        sheet = load_workbook(io.BytesIO(book.content))["Успеваемость по периодам"]
        assert all(r[0] != "Student 1 school" for r in sheet.iter_rows(values_only=True))


def test_host_journal_is_read_for_the_class_at_once(net: Any) -> None:
    """The progress of one student or three costs the same number of statements."""
    course = net.add_course(**{**COURSE, "capacity": "5"})
    home, host = net.token("admin", "school"), net.token("admin", "other")
    routes: dict[int, progress.Measured] = {}
    for n in (1, 2, 3):
        rid, sid, req = _planned(net, net.token("student", n=n), course)
        _decide(net, req, home)
        _decide(net, req, host)
        _host_journal(net, sid, f"q{n}")
        with net.tool.db.session() as s:
            route = s.scalars(select(Route).where(Route.public_id == rid)).one()
            routes[sid] = progress.Measured(route.start, route.data)

    def measured(ids: list[int]) -> tuple[int, dict[int, progress.Progress]]:
        seen: list[str] = []
        engine = net.tool.db.engine

        def count(*args: Any) -> None:
            if args[2].lstrip().upper().startswith("SELECT"):
                seen.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            with net.tool.db.session() as s:
                found = progress.for_students(s, net.tool.org_id, {i: routes[i] for i in ids},
                                              scheme="halves", margin=0.5, absence_limit=10,
                                              today=date(2026, 12, 6))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen), found

    ids = sorted(routes)
    measured(ids)  # a first connection's own statements are not the progress's
    one, alone = measured(ids[:1])
    three, together = measured(ids)
    # marks, absences; enrolments, host marks and their works, absences: as many for three
    # pupils as for one
    assert one == three == 6, (one, three)
    for sid in ids:
        (counted,) = together[sid].network
        assert (counted.course, counted.marks, counted.absences) == (course, 2, 11)
        (line,) = [ln for ln in together[sid].lines if ln.subject == "physics"]
        assert (line.average, line.marks, line.absences) == (3.33, 2, 11)
    assert alone[ids[0]].lines == together[ids[0]].lines
