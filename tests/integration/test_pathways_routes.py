"""Routes on SQLite and PostgreSQL: every allowed and forbidden move, who may see what (each
refusal leaves the route as it was), the optimistic lock, versions, and the XLSX offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from lti_tool.core.viewer import Viewer
from lti_tool.db import Database
from lti_tool.pathways import lifecycle, offer, services
from lti_tool.pathways.examples import worked_plan
from lti_tool.pathways.lifecycle import Refused
from lti_tool.pathways.models import OfferCourse, Route, RouteVersion, TutorAssignment
from lti_tool.pathways.services import Conflict, Forbidden
from lti_tool.people.models import (
    ClassEnrolment,
    ClassGroup,
    Guardianship,
    Membership,
    Organisation,
    Person,
)


def plan_data(profile: str = "technology") -> dict[str, Any]:
    plan = worked_plan(profile)
    return {**services.empty_data(profile), "items": [
        {"course": i.course, "level": i.level, "hours10": i.hours10, "hours11": i.hours11,
         "kind": i.kind} for i in plan.items]}


@dataclass
class School:
    db: Database
    org: int
    other_org: int
    ids: dict[str, int]
    cls: int

    def viewer(self, who: str, *roles: str, org: int | None = None) -> Viewer:
        return Viewer(self.ids[who], org or self.org, frozenset(roles), None, 0)


@pytest.fixture
def school(database_url: str) -> School:
    db = Database(database_url)
    with db.session() as s:
        org, other = Organisation(slug="a", name="A"), Organisation(slug="b", name="B")
        names = ["student", "student2", "parent", "parent2", "tutor", "teacher", "stranger",
                 "admin", "admin_b"]
        people = {n: Person(display_name=n) for n in names}
        s.add_all([org, other, *people.values()])
        s.flush()
        cls, cls2 = (ClassGroup(organisation_id=org.id, title="10 А", external_id="10a"),
                     ClassGroup(organisation_id=org.id, title="10 Б", external_id="10b"))
        s.add_all([cls, cls2])
        s.flush()
        s.add_all([
            Membership(person_id=people["admin_b"].id, organisation_id=other.id, role="admin"),
            Membership(person_id=people["student"].id, organisation_id=org.id, role="student"),
            ClassEnrolment(class_id=cls.id, person_id=people["student"].id, role="student"),
            ClassEnrolment(class_id=cls2.id, person_id=people["student2"].id, role="student"),
            ClassEnrolment(class_id=cls.id, person_id=people["teacher"].id, role="teacher"),
            ClassEnrolment(class_id=cls2.id, person_id=people["stranger"].id, role="teacher"),
            Guardianship(parent_id=people["parent"].id, child_id=people["student"].id),
            Guardianship(parent_id=people["parent2"].id, child_id=people["student2"].id),
            TutorAssignment(organisation_id=org.id, tutor_id=people["tutor"].id,
                            class_id=cls.id)])
        ids = {n: p.id for n, p in people.items()}
        return School(db, org.id, other.id, ids, cls.id)


def roles(school: School) -> dict[str, Viewer]:
    return {"student": school.viewer("student", "student"),
            "parent": school.viewer("parent", "parent"),
            "tutor": school.viewer("tutor", "teacher"),
            "teacher": school.viewer("teacher", "teacher"),
            "admin": school.viewer("admin", "admin"),
            "student2": school.viewer("student2", "student"),
            "parent2": school.viewer("parent2", "parent"),
            "stranger": school.viewer("stranger", "teacher"),
            "admin_b": school.viewer("admin_b", "admin", org=school.other_org)}


def new_route(school: School, data: dict[str, Any] | None = None) -> str:
    with school.db.session() as s:
        route = services.start_route(s, roles(school)["student"], date(2025, 9, 1),
                                     data or plan_data())
        return route.public_id


def do(school: School, who: str, public_id: str, action: str, **kw: Any) -> Route:
    with school.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == public_id)).one()
        expected = kw.pop("expected", route.version)
        services.act(s, roles(school)[who], route, action, expected, **kw)
        s.flush()
        s.expunge(route)
        return route


def snapshot(school: School, public_id: str) -> tuple[Any, ...]:
    with school.db.session() as s:
        r = s.scalars(select(Route).where(Route.public_id == public_id)).one()
        count = s.scalar(select(func.count()).select_from(RouteVersion).where(
            RouteVersion.route_id == r.id))
        return (r.state, r.version, r.data, r.in_force, r.agreed_at, r.recommendation, count)


def test_the_whole_lifecycle_with_a_return_and_a_change_while_active(school: School) -> None:
    rid = new_route(school)
    assert do(school, "student", rid, "submit").state == lifecycle.SUBMITTED
    assert do(school, "tutor", rid, "take").state == lifecycle.IN_REVIEW
    returned = do(school, "tutor", rid, "return", comment="Добавьте информатику углублённо")
    assert returned.state == lifecycle.DRAFT
    assert returned.recommendation == "Добавьте информатику углублённо"
    do(school, "student", rid, "edit", data=plan_data("technology"))
    do(school, "student", rid, "submit")
    do(school, "parent", rid, "agree")
    do(school, "tutor", rid, "take")
    approved = do(school, "tutor", rid, "approve")
    assert approved.state == lifecycle.APPROVED and approved.in_force == approved.data
    assert do(school, "tutor", rid, "activate").state == lifecycle.ACTIVE
    # A change of an active route: reviewed again while the approved plan stays in force.
    changed = do(school, "student", rid, "edit", data=plan_data("science"))
    assert changed.state == lifecycle.DRAFT and changed.in_force["profile"] == "technology"
    do(school, "student", rid, "submit")
    do(school, "tutor", rid, "agree", paper_date=date(2025, 10, 1))
    do(school, "tutor", rid, "take")
    back = do(school, "tutor", rid, "approve")
    assert back.state == lifecycle.ACTIVE and back.in_force["profile"] == "science"
    assert back.agreement == "paper" and back.paper_date == date(2025, 10, 1)
    assert do(school, "admin", rid, "complete").state == lifecycle.COMPLETED
    with school.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == rid)).one()
        history = services.versions(s, route)
        assert [v.action for v in history][:4] == ["create", "submit", "take", "return"]
        assert len(history) == 16 and history[-1].state == lifecycle.COMPLETED
        assert services.compare(history[0].data, history[-1].data)[0].course == "Профиль"


FORBIDDEN_MOVES = [
    # (who, action, how far the route got first)
    ("student", "approve", "in_review"), ("student", "take", "submitted"),
    ("parent", "submit", "draft"), ("parent", "edit", "draft"), ("parent", "approve", "in_review"),
    ("tutor", "edit", "draft"), ("tutor", "submit", "draft"), ("tutor", "approve", "submitted"),
    ("tutor", "activate", "in_review"), ("tutor", "complete", "approved"),
    ("student", "submit", "submitted"), ("tutor", "approve", "in_review_unagreed"),
    ("teacher", "edit", "draft"), ("teacher", "approve", "in_review"),
    ("student2", "edit", "draft"), ("parent2", "agree", "submitted"),
    ("stranger", "take", "submitted"), ("admin_b", "approve", "in_review"),
    ("tutor", "agree", "submitted"),  # a paper agreement needs its date
]


def advance(school: School, rid: str, stage: str) -> None:
    steps = {"draft": [], "submitted": [("student", "submit")],
             "in_review_unagreed": [("student", "submit"), ("tutor", "take")],
             "in_review": [("student", "submit"), ("parent", "agree"), ("tutor", "take")],
             "approved": [("student", "submit"), ("parent", "agree"), ("tutor", "take"),
                          ("tutor", "approve")]}[stage]
    for who, action in steps:
        do(school, who, rid, action)


@pytest.mark.parametrize(("who", "action", "stage"), FORBIDDEN_MOVES)
def test_forbidden_moves_are_refused_and_change_nothing(school: School, who: str, action: str,
                                                        stage: str) -> None:
    rid = new_route(school)
    advance(school, rid, stage)
    before = snapshot(school, rid)
    with pytest.raises((Refused, Forbidden)):
        do(school, who, rid, action, data=plan_data("science"))
    assert snapshot(school, rid) == before


def test_a_failing_plan_cannot_be_submitted(school: School) -> None:
    data = plan_data()
    data["items"] = [i for i in data["items"] if i["course"] != "Физика"]
    rid = new_route(school, data)
    before = snapshot(school, rid)
    with pytest.raises(Refused, match="не проходит проверку"):
        do(school, "student", rid, "submit")
    assert snapshot(school, rid) == before


@pytest.mark.parametrize(("who", "sees"), [
    ("student", True), ("parent", True), ("tutor", True), ("teacher", True), ("admin", True),
    ("student2", False), ("parent2", False), ("stranger", False), ("admin_b", False)])
def test_who_sees_a_route(school: School, who: str, sees: bool) -> None:
    rid = new_route(school)
    with school.db.session() as s:
        if sees:
            services.route_for(s, roles(school)[who], rid)
        else:
            with pytest.raises(Forbidden):
                services.route_for(s, roles(school)[who], rid)
    with school.db.session() as s, pytest.raises(Forbidden):
        services.route_for(s, roles(school)[who], "no-such-route")


def test_stale_version_is_a_conflict_and_changes_nothing(school: School) -> None:
    rid = new_route(school)
    first = snapshot(school, rid)
    do(school, "student", rid, "edit", data=plan_data("science"))
    after_first = snapshot(school, rid)
    with pytest.raises(Conflict, match="уже изменён"):
        do(school, "student", rid, "edit", data=plan_data("agro"), expected=first[1])
    assert snapshot(school, rid) == after_first


def test_concurrent_writers_cannot_both_win(school: School) -> None:
    rid = new_route(school)
    s1, s2 = school.db.sessionmaker(), school.db.sessionmaker()
    try:
        r1 = s1.scalars(select(Route).where(Route.public_id == rid)).one()
        r2 = s2.scalars(select(Route).where(Route.public_id == rid)).one()
        services.act(s1, roles(school)["student"], r1, "edit", r1.version,
                     data=plan_data("science"))
        s1.commit()
        with pytest.raises(StaleDataError):
            services.act(s2, roles(school)["student"], r2, "edit", r2.version,
                         data=plan_data("agro"))
        s2.rollback()
    finally:
        s1.close()
        s2.close()
    assert snapshot(school, rid)[2]["profile"] == "science"


def test_offer_import_is_all_or_nothing(school: School) -> None:
    good = offer.workbook(offer.default_rows(), week_days=5,
                          questions=["Чем хочешь заниматься после школы?", "Любимые предметы"])
    imported = offer.parse(good)
    assert not imported.errors and imported.week_days == 5
    assert [q["label"] for q in imported.questions][1] == "Любимые предметы"
    with school.db.session() as s:
        offer.save(s, school.org, imported)
    with school.db.session() as s:
        count = len(offer.courses(s, school.org))
        from lti_tool.pathways.forms import questions
        assert questions(s, school.org)[0]["label"] == "Чем хочешь заниматься после школы?"
    bad = offer.workbook([("Физика", "", "средний", "предмет", 2, 2, "", ""),
                          ("Химия", "", "базовый", "предмет", "два", 1, "", ""),
                          ("Черчение", "", "базовый", "курс по выбору", 1, 1, "космический", ""),
                          ("Алгебра", "алхимия", "базовый", "предмет", 2, 2, "", "")])
    result = offer.parse(bad)
    assert result.errors == [
        "Лист «Курсы», строка 2, столбец C (Уровень): «средний» — допустимо: базовый, "
        "углублённый.",
        "Лист «Курсы», строка 3, столбец E (Часов в неделю, 10 кл.): «два» — нужно число часов "
        "от 0 до 12.",
        "Лист «Курсы», строка 4, столбец G (Профили): «космический» — нет такого профиля; "
        "допустимо: естественно-научный, гуманитарный, социально-экономический, "
        "технологический, универсальный, агротехнологический.",
        result.errors[3]]
    assert result.errors[3].startswith("Лист «Курсы», строка 5, столбец B (Предмет ФГОС)")
    with pytest.raises(ValueError):
        with school.db.session() as s:
            offer.save(s, school.org, result)
    with school.db.session() as s:
        assert len(offer.courses(s, school.org)) == count
        assert s.scalar(select(func.count()).select_from(OfferCourse)) == count
    assert offer.parse(b"not a workbook").errors == ["Файл не читается как книга Excel (XLSX)."]


def test_progress_rows_fold_courses_and_raise_alerts(school: School) -> None:
    from lti_tool.journal.models import Assignment, Mark
    from lti_tool.pathways import progress
    from lti_tool.pathways.models import ProgressRow

    data = plan_data() | {"targets": {"math": 4.5, "physics": 4.0},
                          "events": [{"date": "2025-10-01", "title": "Олимпиада",
                                      "done": False}]}
    rid = new_route(school, data)
    with school.db.session() as s:
        for n, (subject, weight, value) in enumerate([
                ("Алгебра", 1.0, 3), ("Геометрия", 2.0, 4), ("Вероятность и статистика", 1.0, 4),
                ("Физика", 1.0, 5)]):
            a = Assignment(organisation_id=school.org, source="t", namespace="t",
                           external_id=str(n), subject=subject, weight=weight,
                           due=date(2025, 10, 1))
            s.add(a)
            s.flush()
            s.add(Mark(assignment_id=a.id, student_id=school.ids["student"], value=value,
                       date=date(2025, 10, 1)))
    advance(school, rid, "approved")
    with school.db.session() as s:
        row = s.scalars(select(ProgressRow).where(
            ProgressRow.student_id == school.ids["student"])).one()
        # математика = (3·1 + 4·2 + 4·1) / 4 = 3.75: 0.75 below 4.5 → an alert; physics is fine
        assert any(a.startswith("Математика: средний балл 3.75 ниже цели 4.5") for a in row.alerts)
        assert not any(a.startswith("Физика") for a in row.alerts)
        assert any("Олимпиада" in a for a in row.alerts)
        held = progress.stored(s, school.org, [school.ids["student"]])
        assert held[school.ids["student"]]["alerts"] == row.alerts


def test_the_periodic_job_measures_every_school(school: School) -> None:
    from lti_tool.pathways.jobs import refresh_all
    from lti_tool.pathways.models import ProgressRow

    new_route(school)
    assert refresh_all(school.db) == 1
    with school.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ProgressRow)) == 1


def test_an_event_done_keeps_the_state_and_the_plan(school: School) -> None:
    rid = new_route(school, plan_data() | {"events": [{"date": "2025-10-01", "title": "Олимпиада",
                                                        "done": False}]})
    advance(school, rid, "approved")
    before = snapshot(school, rid)
    with pytest.raises(Refused):
        do(school, "parent", rid, "event", event=0)
    with pytest.raises(Refused):
        do(school, "student", rid, "event", event=5)
    assert snapshot(school, rid) == before
    done = do(school, "student", rid, "event", event=0)
    assert done.state == "approved" and done.data["events"][0]["done"]
    assert done.in_force["events"][0]["done"] and done.in_force["items"] == before[3]["items"]
