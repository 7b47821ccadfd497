"""``make demo``: the network course exchange (issue 12) between the demo schools of the
network seeded by :mod:`lti_tool.sandbox.demo_network`.

Gymnasium № 1 teaches physics to two pupils of school № 37 (their marks kept in the
gymnasium's journal by the network teacher), a month's package already confirmed and last
month's sent and waiting for school № 37 to confirm; school № 37 hosts a mathematics course
with a gymnasium pupil enrolled (last month's package prepared, not sent yet) and another
pupil's request waiting for school № 37's approval; a chemistry course at the lyceum has a
fresh request. Built through the exchange's own services, as coordinators would. Idempotent.

School № 37 placed the physics course in its own demo LMS course (algebra-10a): the
gymnasium's first-quarter report cards, recorded at school № 37, are queued for that
gradebook by AGS; the demo's job worker delivers them within a minute of the start.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.base import Chunk, JournalBatch
from lti_tool.exchange import cards, gradebook, package_files, rules, services, transfer
from lti_tool.exchange.collecting import teacher_origin
from lti_tool.exchange.models import NetworkCourse, ReportCard, TimetableSlot, TransferPackage
from lti_tool.journal.services import Origin, apply_batches
from lti_tool.people import services as people
from lti_tool.people.models import Organisation, Person
from schemas.marks import ParsedMark
from schemas.records import AssignmentRecord, AttendanceRecord, MarkRecord

MARKS = (5, 4, 5, 3, 4, 5, 4, 4)
#: the physics course's public id: the demo LMS places it in school № 37's algebra-10a
PHYSICS_ID = "demo-physics-gym1"
HOME_COURSE, HOME_DEPLOYMENT = "algebra-10a", "demo-school-37"
QUARTER = "1-я четверть"


def _org(session: Session, slug: str) -> Organisation | None:
    return people.organisation_by_slug(session, slug)


def _person(session: Session, issuer: str, lms_id: str, org_id: int, name: str,
            roles: tuple[str, ...]) -> Person:
    person = people.person_by_identity(session, "lti", issuer, lms_id)
    if person is None:  # not launched nor rostered yet: the LMS identity they will come with
        person = people.upsert_person(session, source="lti", namespace=issuer,
                                      external_id=lms_id, display_name=name,
                                      organisation_id=org_id)
    people.ensure_roles(session, person, org_id, roles)
    return person


def _months_back(day: date, n: int) -> str:
    year, month = day.year, day.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def _lessons(course: NetworkCourse, until: date) -> list[date]:
    days = {int(s["weekday"]) for s in course.schedule}
    out, day = [], course.starts_on
    while day <= min(until, course.ends_on):
        if day.isoweekday() in days:
            out.append(day)
        day += timedelta(days=1)
    return out


def _journal(session: Session, course: NetworkCourse, students: list[Person],
             until: date) -> None:
    """The network teacher's journal at the host: a mark most lessons, an absence or two."""
    origin = Origin(course.host_org_id, *teacher_origin(course.public_id))
    lessons = _lessons(course, until)
    assignments, marks, absences = [], [], []
    for n, day in enumerate(lessons):
        in_month = sum(d.month == day.month and d < day for d in lessons)
        key = f"{course.public_id}-{day.isoformat()}"
        assignments.append(AssignmentRecord(
            source_id=key, class_id="", subject=course.subject,
            title="Контрольная работа" if n % 6 == 5 else "Работа на уроке",
            type_name="Контрольная работа" if n % 6 == 5 else "Ответ на уроке",
            weight=2.0 if n % 6 == 5 else 1.0, due=day))
        for i, student in enumerate(students):
            if in_month == 1 + i % 3:  # one missed lesson a month each
                absences.append(AttendanceRecord(student_id=str(student.id), class_id="",
                                                 date=day, lesson=7, subject=course.subject,
                                                 code="Н"))
            elif (n + i) % 5 != 3:
                marks.append(MarkRecord(assignment_id=key, student_id=str(student.id),
                                        mark=ParsedMark(MARKS[(n + 3 * i) % len(MARKS)]),
                                        date=day))
    if not lessons:
        return
    batch = JournalBatch(chunk=Chunk(key=f"demo-{course.public_id}", start=lessons[0],
                                     end=lessons[-1]), assignments=assignments, marks=marks,
                         attendance=absences, includes_attendance=True)
    apply_batches(session, origin, [batch], {str(s.id): s.id for s in students}, {},
                  Counter(), lambda *_: None)


def _enrol(session: Session, course: NetworkCourse, student: Person, home: Organisation,
           home_admin: int, host_admin: int, steps: tuple[str, ...] = ("home", "host")) -> None:
    req = services.request_course(session, course, student.id, home.id,
                                  "Хочу заниматься на углублённом уровне")
    for side in steps:
        services.decide(session, req, course, side, "approve",
                        home_admin if side == "home" else host_admin)


def seed_demo_exchange(session: Session, issuer: str, today: date | None = None) -> None:
    school, gym, lyceum = (_org(session, s) for s in (
        "school-37-kostroma", "gymnasium-1", "lyceum-34"))
    if school is None or gym is None or lyceum is None:
        return  # the demo network is not there (an older demo database)
    if session.scalars(select(NetworkCourse.id).where(
            NetworkCourse.host_org_id == gym.id)).first() is not None:
        return
    day = today or date.today()
    year = day.year if day.month >= 8 else day.year - 1
    start, end = date(year, 9, 1), date(year + 1, 5, 25)
    smirnova = _person(session, issuer, "a-smirnova", school.id, "Ольга Викторовна Смирнова",
                       ("admin", "teacher"))
    orlov = _person(session, issuer, "t-orlov", gym.id, "Сергей Андреевич Орлов",
                    ("teacher", "admin"))
    ivanova = _person(session, issuer, "t-ivanova", school.id, "Мария Петровна Иванова",
                      ("teacher",))
    volkova = _person(session, "demo-network", "volkova", lyceum.id,
                      "Елена Николаевна Волкова", ("admin",))
    pupils = {lms: _person(session, issuer, lms, org.id, name, ("student",)) for lms, org, name in (
        ("s-petrov", school, "Алексей Петров"), ("s-kuznetsova", school, "Дарья Кузнецова"),
        ("s-sokolov", school, "Илья Соколов"), ("s-popova", gym, "Анна Попова"),
        ("s-lebedev", gym, "Никита Лебедев"))}
    common: dict[str, Any] = dict(grades="10-11", starts_on=start, ends_on=end, published=True)
    group = people.upsert_class(session, gym.id, source="exchange", namespace="demo",
                                external_id="physics-network", label="Физика (сеть)",
                                title="Физика, сетевая группа 10–11 классов")
    physics = services.create_course(session, gym.id, dict(
        common, host_class_id=group.id, title="Физика: механика и олимпиадные задачи",
        subject="Физика",
        level="advanced", hours=68, format="on_site", place="Гимназия № 1, каб. 305",
        capacity=12, schedule=[{"weekday": 2, "start": "15:00", "end": "16:30"},
                               {"weekday": 4, "start": "15:00", "end": "15:45"}],
        teacher_name="Орлов Сергей Андреевич", teacher_id=orlov.id,
        prerequisites="Физика 9 класса на «4» и «5».",
        description="Углублённый курс для профильных групп школ сети: решение задач, "
        "лабораторные работы в лаборатории гимназии, подготовка к олимпиадам."), orlov.id)
    physics.public_id = PHYSICS_ID
    chemistry = services.create_course(session, lyceum.id, dict(
        common, title="Химия в медицине", subject="Химия", level="advanced", hours=34,
        format="distance", capacity=15,
        schedule=[{"weekday": 4, "start": "16:00", "end": "17:30"}],
        teacher_name="Волкова Елена Николаевна",
        description="Дистанционный курс с онлайн-консультациями раз в неделю."), volkova.id)
    maths = services.create_course(session, school.id, dict(
        common, title="Математический анализ для профильных групп", subject="Алгебра и начала "
        "математического анализа", level="advanced", hours=68, format="on_site",
        place="Школа № 37, каб. 21", capacity=10,
        schedule=[{"weekday": 1, "start": "15:00", "end": "16:30"}],
        teacher_name="Иванова Мария Петровна", teacher_id=ivanova.id), smirnova.id)
    session.add(TimetableSlot(organisation_id=school.id, student_id=pupils["s-sokolov"].id,
                              weekday=2, start="15:00", end="15:45", subject="Физкультура"))
    for lms in ("s-petrov", "s-kuznetsova"):
        _enrol(session, physics, pupils[lms], school, smirnova.id, orlov.id)
    _enrol(session, chemistry, pupils["s-sokolov"], school, smirnova.id, volkova.id, ())
    _enrol(session, maths, pupils["s-lebedev"], gym, orlov.id, smirnova.id)
    _enrol(session, maths, pupils["s-popova"], gym, orlov.id, smirnova.id, ("home",))
    session.flush()
    _journal(session, physics, [pupils["s-petrov"], pupils["s-kuznetsova"]], day)
    _journal(session, maths, [pupils["s-lebedev"]], day)
    session.commit()
    _packages(session, gym.id, school.id, day, orlov.id, smirnova.id)
    _final_marks(session, physics, school.id, issuer, day, orlov.id, smirnova.id)


def _packages(session: Session, gym_id: int, school_id: int, day: date, orlov_id: int,
              smirnova_id: int) -> None:
    """Two months ago: sent and confirmed; last month: sent, awaiting confirmation; school
    № 37's own last month for the gymnasium: prepared, not sent."""
    older, last = _months_back(day, 2), _months_back(day, 1)
    made: list[tuple[int, str]] = []
    for period, confirm in ((older, True), (last, False)):
        try:
            pkg = transfer.prepare(session, gym_id, school_id, period, orlov_id)
        except rules.RuleError:  # the course had not started then (a September demo)
            continue
        session.commit()
        made.append((pkg.id, "confirm" if confirm else ""))
    try:
        transfer.prepare(session, school_id, gym_id, last, smirnova_id)
        session.commit()
    except rules.RuleError:
        session.rollback()
    for package_id, then in made:
        pkg = session.get_one(TransferPackage, package_id)
        for step in (rules.QUEUED, rules.SENDING, rules.SENT):  # what the delivery job does
            pkg.state = rules.package_step(pkg.state, step)
        package_files.keep(session, pkg)
        pkg.attempts, pkg.sent_at = 1, transfer.utcnow()
        if then:
            transfer.confirm(session, pkg, smirnova_id)
    session.commit()


def _final_marks(session: Session, physics: NetworkCourse, school_id: int, issuer: str,
                 day: date, orlov_id: int, smirnova_id: int) -> None:
    """The first quarter's cards, signed by the gymnasium and recorded at school № 37, whose
    LMS course holds the physics course (as a launch from there would have told us)."""
    from lti_tool.lti.registry import find_platform
    from lti_tool.sandbox.views import AGS_SCOPES

    year = day.year if day.month >= 8 else day.year - 1
    start, end = date(year, 9, 1), date(year, 10, 31)
    if day <= end:
        return  # the quarter is not over yet (an autumn demo)
    platform = find_platform(session, issuer)
    deployments = [d for c in platform.clients for d in c.deployments
                   if d.deployment_id == HOME_DEPLOYMENT] if platform is not None else []
    if deployments:
        gradebook.link_from_launch(session, physics, school_id, deployments[0].id, {"ags": {
            "scope": list(AGS_SCOPES), "lineitems": f"{issuer}/courses/{HOME_COURSE}/lineitems"}})
    cards.generate(session, physics, QUARTER, start, end, orlov_id)
    cards.sign_and_deliver(session, physics, QUARTER, orlov_id)
    ids = list(session.scalars(select(ReportCard.id).where(ReportCard.course_id == physics.id)))
    cards.record(session, school_id, ids, smirnova_id)
    session.commit()
