"""Demo routes: the school's offer, a tutor, a parent and a route in every state for the
pupils of «Алгебра, 10 А», made through the same services a click makes (so each route has
its real history), so ``make demo`` shows routes, charts and alerts from the first minute."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.core.viewer import Viewer
from lti_tool.pathways import offer, services, tutoring
from lti_tool.pathways.examples import worked_plan
from lti_tool.pathways.models import Route, TutorAssignment
from lti_tool.people import services as people
from lti_tool.people.models import ClassGroup, Guardianship
from lti_tool.sandbox.platform import PlatformState, ResourceLink, User

MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
PARENT = User("p-petrova", "Елена Петрова", [MENTOR])
COURSE, TUTOR, ADMIN = "algebra-10a", "t-ivanova", "a-smirnova"
#: pupil → (profile, how far the route got, targets above their marks → alerts)
STORY = [("technology", "active", False), ("science", "in_review", False),
         ("humanities", "returned", False), ("socioeconomic", "submitted", False),
         ("agro", "approved", False), ("universal", "completed", False),
         ("technology", "active", True), ("science", "draft_failing", False),
         ("socioeconomic", "active", True)]
RESOURCES = [
    {"subject": "математика", "title": "РЭШ: алгебра и начала анализа, 10 класс",
     "url": "https://resh.edu.ru/subject/51/10/", "purpose": "повторение тем перед контрольными"},
    {"subject": "физика", "title": "Библиотека ЦОК", "url": "https://lib.myschool.edu.ru/",
     "purpose": "задачи углублённого уровня"},
    {"subject": "информатика", "title": "ФГИС «Моя школа»", "url": "https://myschool.edu.ru/",
     "purpose": "тренажёры ЕГЭ"}]


def add_to_platform(state: PlatformState, base_url: str) -> None:
    """The parent in the demo LMS and the two placements (route builder, class routes)."""
    state.users[PARENT.id] = PARENT
    for course in state.courses.values():
        if course.id == COURSE and PARENT.id not in course.members:
            course.members.append(PARENT.id)
        for key, title in (("route_builder", "Маршрут: мой маршрут"),
                           ("route_dashboard", "Маршрут: маршруты класса")):
            link = ResourceLink(f"{key}-{course.id}", course.id, title,
                                base_url + "/lti/launch", {"target": key})
            state.links[link.id] = link


def plan_data(profile: str, start: date, **extra: Any) -> dict[str, Any]:
    plan = worked_plan(profile, start)
    data = services.empty_data(profile)
    data["items"] = [{"course": i.course, "level": i.level, "hours10": i.hours10,
                      "hours11": i.hours11, "kind": i.kind} for i in plan.items]
    return {**data, **extra}


def seed_pathways(session: Session, state: PlatformState, today: date | None = None) -> int:
    """Idempotent: nothing happens when the demo school already has routes. Returns routes."""
    today = today or date.today()
    course = state.courses.get(COURSE)
    if course is None:
        return 0
    group = session.scalars(select(ClassGroup).where(ClassGroup.external_id == COURSE,
                                                     ClassGroup.source == "lti")).first()
    if group is None:
        return 0
    org = group.organisation_id
    if session.scalars(select(Route.id).where(Route.organisation_id == org)).first():
        return 0

    def person(user: str) -> int | None:
        found = people.person_by_identity(session, "lti", state.issuer, user)
        return found.id if found else None

    tutor, admin, parent = person(TUTOR), person(ADMIN), person(PARENT.id)
    if tutor is None:
        return 0
    imported = offer.parse(offer.workbook(offer.default_rows()))
    settings = offer.save(session, org, imported)
    # This demo school follows routes by четверти (many follow senior grades by полугодия):
    # in December the route page already has two periods to compare.
    settings.term_scheme = "quarters"
    session.add(TutorAssignment(organisation_id=org, tutor_id=tutor, class_id=group.id))
    pupils = [p for p in (person(m) for m in course.members
                          if "Learner" in " ".join(state.users[m].roles)) if p]
    if parent is not None and pupils:
        session.add(Guardianship(parent_id=parent, child_id=pupils[0]))
    session.flush()
    start = date(today.year if today.month >= 8 else today.year - 1, 9, 1)
    tutor_v = Viewer(tutor, org, frozenset({"teacher"}), group.id, 0)
    made = 0
    for pupil, (profile, stage, behind) in zip(pupils, STORY, strict=False):
        student = Viewer(pupil, org, frozenset({"student"}), group.id, 0)
        parent_v = Viewer(parent or tutor, org, frozenset({"parent"}), None, 0)
        targets = {"math": 5.0 if behind else 4.0, "physics": 4.5 if behind else 4.0,
                   "russian": 4.0}
        events = [{"date": (start + timedelta(days=70)).isoformat(), "done": not behind,
                   "title": "Школьный этап олимпиады по математике"},
                  {"date": (start + timedelta(days=300)).isoformat(), "done": False,
                   "title": "Научно-практическая конференция «Шаг в будущее»"}]
        job = {"technology": "инженер", "science": "врач"}.get(profile, "экономист")
        answers = {"Цели на два года обучения": "Сдать ЕГЭ и поступить в вуз по профилю",
                   "Будущая профессия или направление": job}
        data = plan_data(profile, start, targets=targets, events=events, resources=RESOURCES,
                         answers=answers)
        if stage == "draft_failing":
            data["items"] = [i for i in data["items"] if i["course"] not in ("Химия",
                                                                               "Биология")]
        route = services.start_route(session, student, start, data)
        made += 1
        steps = {"draft_failing": [], "submitted": ["submit"],
                 "returned": ["submit", "take", "return"],
                 "in_review": ["submit", "agree", "take"],
                 "approved": ["submit", "agree", "take", "approve"],
                 "active": ["submit", "agree", "take", "approve", "activate"],
                 "completed": ["submit", "agree", "take", "approve", "activate", "complete"]
                 }[stage]
        for action in steps:
            who = {"submit": student, "agree": parent_v if route.student_id == (
                pupils[0] if parent else -1) else tutor_v}.get(action, tutor_v)
            extra: dict[str, Any] = {}
            if action == "agree" and who is tutor_v:
                extra["paper_date"] = start - timedelta(days=5)
            if action == "return":
                extra["comment"] = ("Для гуманитарного профиля добавьте курс «Риторика»; "
                                    "цель по литературе поставьте не ниже 4.")
            services.act(session, who, route, action, route.version, **extra)
    if admin is not None:
        audit(session, admin, org, "demo.pathways", "organisation", org, routes=made)
        _individual_tutor(session, admin, org, pupils)
    return made


def _individual_tutor(session: Session, admin: int, org: int, pupils: list[int]) -> None:
    """The deputy head (the demo admin, who also teaches) tutors the pupil whose draft fails
    the check, on top of the class tutor: the tutors page shows it with who assigned it."""
    index = next((i for i, story in enumerate(STORY) if story[1] == "draft_failing"), None)
    admin_p = people.person(session, admin)
    pupil = people.person(session, pupils[index]) if index is not None and index < len(
        pupils) else None
    if admin_p is None or pupil is None:
        return
    viewer = Viewer(admin, org, frozenset({"admin", "teacher"}), None, 0)
    try:
        tutoring.assign_to_student(session, viewer, {"tutor": admin_p.public_id,
                                                     "student": pupil.public_id})
    except tutoring.Invalid:  # a pupil not enrolled as a student: the class tutor is enough
        return


def seed_regional_edition(session: Session) -> bool:
    """One edition of the demo region (after the regional network exists): the national ФОП
    with a regional cap of 36 h a week at a six-day week. Demo data, said so in its source;
    every demo plan (34 h a week) still passes. Idempotent."""
    from lti_tool.pathways import regional
    from lti_tool.pathways.editions import FOP_2024
    from lti_tool.pathways.rules import params_of

    kiro = people.organisation_by_slug(session, "kiro-kostroma")
    authority = regional.authority_by_id(session, kiro.id) if kiro else None
    if authority is None or regional.of_authority(session, authority.organisation_id):
        return False
    params = {**params_of(FOP_2024), "max_week6": 36, "max_hours": 36 * 34 * 2}
    regional.add(session, authority, FOP_2024.key, {
        **{k: v if isinstance(v, list) else str(v) for k, v in params.items()},
        "title": "Костромская область: региональный учебный план СОО (демо)",
        "effective": "2025-09-01",
        "source_name": "Демонстрационные данные: распоряжение регионального органа "
                       "образования (пример, не настоящий документ)",
        "source_date": "2025-06-16", "source_url": "", "certainty": "assumed"}, None)
    return True


def seed_network_route(session: Session, issuer: str, today: date | None = None) -> bool:
    """After the exchange demo: s-petrov, enrolled in the gymnasium's physics course, changes
    his active route to include it (on top of physics at home: olympiad problems), and the
    change goes through review as any change of an active route — saved, submitted, agreed
    (by his mother in the tool), taken and approved by the class tutor. Idempotent; False
    when not done."""
    from lti_tool.pathways import network

    school = people.organisation_by_slug(session, "school-37-kostroma")
    pupil = people.person_by_identity(session, "lti", issuer, "s-petrov")
    tutor = people.person_by_identity(session, "lti", issuer, TUTOR)
    if school is None or pupil is None or tutor is None:
        return False
    route = session.scalars(select(Route).where(
        Route.organisation_id == school.id, Route.student_id == pupil.id).order_by(
        Route.id.desc())).first()
    if route is None or route.state != "active" or network.in_plan(route.data):
        return False
    physics = next((c for c in network.choices(session, route)
                    if c.course.subject == "Физика" and c.course.state == "enrolled"), None)
    group = session.scalars(select(ClassGroup).where(ClassGroup.external_id == COURSE,
                                                     ClassGroup.source == "lti")).first()
    if physics is None or group is None:
        return False
    data = {**route.data, "items": [*route.data["items"], network.item(physics)]}
    student = Viewer(pupil.id, school.id, frozenset({"student"}), group.id, 0)
    tutor_v = Viewer(tutor.id, school.id, frozenset({"teacher"}), group.id, 0)
    # his mother agrees in the tool (the demo parent is his); else the tutor enters paper
    agrees: tuple[Viewer, dict[str, Any]] = (tutor_v, {"paper_date": today or date.today()})
    mother = people.person_by_identity(session, "lti", issuer, PARENT.id)
    if mother is not None and session.scalars(select(Guardianship.id).where(
            Guardianship.parent_id == mother.id, Guardianship.child_id == pupil.id)).first():
        agrees = (Viewer(mother.id, school.id, frozenset({"parent"}), None, 0), {})
    for who, action, extra in (
            (student, "edit", {"data": data}), (student, "submit", {}),
            (agrees[0], "agree", agrees[1]), (tutor_v, "take", {}),
            (tutor_v, "approve", {"comment": "Сетевой курс гимназии по физике согласован."})):
        services.act(session, who, route, action, route.version, **extra)
    session.commit()
    return True
