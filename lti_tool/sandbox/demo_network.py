"""``make demo``: the demo school's network (issue 13) — the two demo schools and two partner
schools without an LMS, inside a regional network; a signed agreement, a coordination council
with a past meeting whose minutes are signed, and this school year's calendar with one task
overdue. Idempotent: a later start finds the network and leaves it as the user changed it.

Built only through the network's own services, as a coordinator would through the pages.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from fpdf import FPDF
from sqlalchemy.orm import Session

from lti_tool.network import agreements, documents
from lti_tool.network import services as network
from lti_tool.network.bank import services as bank
from lti_tool.network.council import services as council
from lti_tool.network.cycle import reminders as cycle_reminders
from lti_tool.network.cycle import rules as cycle_rules
from lti_tool.network.cycle import services as cycle
from lti_tool.network.events import portfolio_link
from lti_tool.network.events import services as events
from lti_tool.network.monitoring import rules as monitoring_rules
from lti_tool.network.monitoring import services as monitoring
from lti_tool.people import services as people
from lti_tool.people.models import Organisation, Person

SLUG = "kostroma-37"
PARTNERS = {"lyceum-34": "МБОУ «Лицей № 34», Кострома",
            "school-5-sudislavl": "МОУ СОШ № 5, п. Судиславль"}
HEADS = {"lyceum-34": ("volkova", "Елена Николаевна Волкова"),
         "school-5-sudislavl": ("zaitsev", "Павел Сергеевич Зайцев")}


def _org(session: Session, slug: str, name: str) -> Organisation:
    org = people.organisation_by_slug(session, slug)
    if org is None:
        org = Organisation(slug=slug, name=name)
        session.add(org)
        session.flush()
    return org


def _person(session: Session, issuer: str, lms_id: str, org_id: int, name: str,
            roles: tuple[str, ...]) -> Person:
    person = people.person_by_identity(session, "lti", issuer, lms_id)
    if person is None:  # not launched nor rostered yet: the LMS identity they will come with
        person = people.upsert_person(session, source="lti", namespace=issuer,
                                      external_id=lms_id, display_name=name,
                                      organisation_id=org_id)
    people.ensure_roles(session, person, org_id, roles)
    return person


def _agreement_pdf(instance_path: Path, network_id: int, title: str) -> dict[str, object]:
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from lti_tool.network.council.minutes_pdf import FONTS

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(pdf.epw, 7, title + "\n\nСкан подписанного документа (демо).")
    upload = FileStorage(BytesIO(bytes(pdf.output())), filename="soglashenie-2025.pdf")
    stored = documents.store(instance_path, network_id, upload)
    assert stored is not None
    return stored


def seed_demo_network(session: Session, issuer: str, instance_path: Path,
                      today: date | None = None) -> None:
    if network.network_by_slug(session, SLUG) is not None:
        return
    day = today or date.today()
    year = day.year if day.month >= 9 else day.year - 1  # the school year being taught
    founded = date(year - 1, 9, 1)
    school = _org(session, "school-37-kostroma", "Средняя школа № 37, Кострома")
    gymnasium = _org(session, "gymnasium-1", "Гимназия № 1")
    partners = {slug: _org(session, slug, name) for slug, name in PARTNERS.items()}
    institute = _org(session, "kiro-kostroma",
                     "Костромской областной институт развития образования")
    region = network.create_network(
        session, slug="kostroma-region", name="Региональная сеть Костромской области",
        coordinator_id=institute.id, region="Костромская область", joined_on=founded,
        description="Сеть сетей: муниципальные и школьные сети области (каскадная модель).")
    # A district network on its own: the regional admin (r-kuzmina) takes it into the
    # regional network on the regional network's page.
    network.create_network(
        session, slug="sudislavl-district", name="Сеть школ Судиславского района",
        coordinator_id=partners["school-5-sudislavl"].id, region="Костромская область",
        joined_on=founded, description="Муниципальная сеть сельских школ района: общие "
        "элективные курсы и дистанционные занятия.")
    net = network.create_network(
        session, slug=SLUG, name="Сеть школы № 37: индивидуальные маршруты 10–11 классов",
        coordinator_id=school.id, region="Костромская область", parent=region,
        joined_on=founded, description="Сетевое взаимодействие для ИОМ старшеклассников: "
        "профильные группы у партнёров, ежемесячная передача отметок, общий банк программ.",
        founders=[
            network.Founder(school.id, "Углублённая математика и информатика; ресурсный центр",
                            "Смирнова Ольга Викторовна", "smirnova@school37.example"),
            network.Founder(gymnasium.id, "Углублённая физика, лаборатория робототехники",
                            "Орлов Сергей Андреевич", "orlov@gym1.example"),
            network.Founder(partners["lyceum-34"].id, "Химия и биология (углублённый уровень)",
                            "Волкова Елена Николаевна", "volkova@lyceum34.example")])
    stored = _agreement_pdf(instance_path, net.id, "Соглашение о сетевом взаимодействии № 12/25")
    agreements.add_agreement(session, net, dict(
        number="12/25", title="Соглашение о сетевом взаимодействии и сотрудничестве",
        kind="agreement", subjects=["Математика (углублённый)", "Физика (углублённый)",
                                    "Химия (углублённый)"],
        signed_on=founded - timedelta(days=5), starts_on=founded,
        ends_on=date(year + 1, 6, 30)), [school.id, gymnasium.id, partners["lyceum-34"].id],
        None, stored)
    agreements.add_agreement(session, net, dict(
        number="3-СП", title="Договор о сетевой форме реализации программы «Робототехника»",
        kind="contract", subjects=["Робототехника (элективный курс)"],
        signed_on=founded, starts_on=founded, ends_on=day + timedelta(days=40)),
        [school.id, gymnasium.id], None)
    # The council: the coordinator's director chairs, a class teacher keeps the minutes.
    smirnova = _person(session, issuer, "a-smirnova", school.id, "Ольга Викторовна Смирнова",
                       ("admin", "teacher"))
    ivanova = _person(session, issuer, "t-ivanova", school.id, "Мария Петровна Иванова",
                      ("teacher",))
    orlov = _person(session, issuer, "t-orlov", gymnasium.id, "Сергей Андреевич Орлов",
                    ("teacher",))
    heads = {slug: _person(session, "demo-network", key, partners[slug].id, name, ("admin",))
             for slug, (key, name) in HEADS.items()}
    seats = [(smirnova, school.id, "director"), (ivanova, school.id, "class_teacher"),
             (orlov, gymnasium.id, "deputy"), (heads["lyceum-34"], partners["lyceum-34"].id,
                                               "director")]
    rows = {p.id: council.add_member(session, net, person_id=p.id, organisation_id=org,
                                     position=pos, since=founded, actor_id=None)
            for p, org, pos in seats}
    meeting = council.create_meeting(
        session, net, held_on=date(year, 6, 18), place="Средняя школа № 37, актовый зал",
        agenda=["Выборы председателя и секретаря совета",
                "Приём МОУ СОШ № 5 п. Судиславль в сеть",
                "Сетевые группы и сетевое расписание на новый учебный год"], actor_id=None)
    present = {rows[smirnova.id].id, rows[ivanova.id].id, rows[orlov.id].id}
    council.record_attendance(session, meeting, present, None)
    chair, secretary, deputy = rows[smirnova.id].id, rows[ivanova.id].id, rows[orlov.id].id
    unanimous = ((chair, "for"), (secretary, "for"), (deputy, "for"))
    for vote in (
        council.Vote("elect_chair", "Избрать председателем совета О. В. Смирнову.", unanimous,
                     subject_member_id=chair, agenda_position=1),
        council.Vote("elect_secretary", "Избрать секретарём совета М. П. Иванову.", unanimous,
                     subject_member_id=secretary, agenda_position=1),
        council.Vote("admit", "Принять МОУ СОШ № 5 п. Судиславль в сеть с правом участия "
                     "в сетевых группах по химии и биологии.",
                     ((chair, "for"), (secretary, "for"), (deputy, "abstain")),
                     subject_org_id=partners["school-5-sudislavl"].id, agenda_position=2),
        council.Vote("general", "Сформировать сетевые группы: математика (база — школа № 37), "
                     "физика (база — гимназия № 1); утвердить сетевое расписание.", unanimous,
                     agenda_position=3),
    ):
        council.record_decision(session, net, meeting, vote, None)
    council.sign(session, meeting, "chair", smirnova)
    council.sign(session, meeting, "secretary", ivanova)
    council.create_meeting(session, net, held_on=day + timedelta(days=10),
                           place="Гимназия № 1, видеоконференция для партнёров",
                           agenda=["Итоги передачи отметок за первую четверть",
                                   "Табели за первое полугодие"], actor_id=None)
    for title, kind, subject, level, summary, tags, public, status in (
        ("Программа элективного курса «Химия в задачах»", "programme", "Химия", "advanced",
         "Сетевая программа для 10–11 классов на базе лицея № 34, 34 часа.",
         ["сетевая программа", "ИОМ"], True, "recommended"),
        ("Урок-практикум «Электронные таблицы в физическом эксперименте»", "lesson",
         "Физика", "basic", "Разработка урока с цифровой лабораторией и ЭОР «Моя школа».",
         ["ЭОР", "цифровая лаборатория"], True, "reviewed"),
        ("Методические рекомендации по сопровождению ИОМ старшеклассника", "recommendation",
         "", "", "Роль тьютора, график встреч, согласование ИУП с родителями.",
         ["ИОМ", "тьютор"], False, "draft"),
    ):
        item = bank.add_item(session, net.id, dict(
            title=title, kind=kind, subject=subject, level=level, summary=summary, tags=tags,
            public=public, authors="Рабочая группа сети"), actor_id=None,
            author_org_id=school.id)
        item.status = status
    bank.register_author(session, net.id, person_id=orlov.id, organisation_id=gymnasium.id,
                         name=orlov.display_name, subjects="Физика, робототехника",
                         skills="Видеоуроки, интерактивные тесты в Moodle")
    from datetime import UTC, datetime, time

    def at(d: date, hour: int) -> datetime:  # Moscow is UTC+3 all year
        return datetime.combine(d, time(hour - 3), tzinfo=UTC)

    past_event = events.create_event(session, net, dict(
        kind="master_class", title="Цифровая лаборатория на уроке физики",
        description="Опыт гимназии № 1: датчики, обработка данных в электронных таблицах.",
        audience="Учителя физики и информатики", starts_at=at(day - timedelta(days=20), 15),
        hours=2, room_url="https://telemost.yandex.ru/j/demo-network", capacity=30),
        organiser_org_id=gymnasium.id, organiser_person_id=orlov.id)
    for p, org in ((ivanova, school.id), (heads["lyceum-34"], partners["lyceum-34"].id)):
        events.register(session, past_event, person_id=p.id, organisation_id=org,
                        display_name=p.display_name, timezone="Europe/Moscow",
                        now=past_event.starts_at - timedelta(days=3))
    certified = events.mark_attendance(session, past_event, {
        r.id for r in past_event.registrations if r.person_id == ivanova.id}, None)
    for reg in certified:  # the master class lands in Иванова's teacher portfolio
        portfolio_link.record(session, instance_path, past_event, reg, net.name, orlov.id)
    past_event.materials = "Презентация и шаблоны таблиц — в банке сети."
    events.create_event(session, net, dict(
        kind="webinar", title="ИОМ старшеклассника: как согласовать ИУП с родителями",
        description="Вебинар координационного совета для классных руководителей 10–11 классов.",
        audience="Классные руководители, тьюторы", starts_at=at(day + timedelta(days=6), 16),
        hours=2, room_url="https://sferum.ru/?call_link=demo", capacity=50),
        organiser_org_id=school.id, organiser_person_id=smirnova.id)
    m_year, m_term = monitoring.current_term(day)
    prev = (m_year, m_term - 1) if m_term > 1 else (m_year - 1, 4)
    for (y, t), figures in ((prev, ((46, 14, 6, 12, 640, 352), (38, 9, 5, 20, 510, 240),
                                    (52, 17, 4, 6, 700, 371), (21, 3, 1, 9, 260, 98))),
                            ((m_year, m_term), ((46, 16, 8, 15, 610, 348),
                                                (38, 11, 6, 22, 500, 262)))):
        for school_org, row in zip((school, gymnasium, partners["lyceum-34"],
                             partners["school-5-sudislavl"]), figures, strict=False):
            monitoring.save(session, net.id, school_org.id, y, t,
                            dict(zip(monitoring_rules.FIELDS, row, strict=True)), None)
    # This school year's calendar: what is past is done, except one transfer left overdue.
    for y in sorted({year, cycle_rules.school_year_of(day)}):
        cycle.generate_year(session, net, y, None)
    views = cycle.tasks_of(session, net.id, [year, year + 1], day)
    past = [v.task for v in views if v.task.due_on < day]
    for task in past[:-1]:
        cycle.set_done(session, task, True, None, task.due_on)
    if not past:  # early in the year: a custom task already late shows the alarm
        cycle.add_task(session, net, title="Сдать сведения о кадровых ресурсах для совета",
                       due_on=day - timedelta(days=3), owner_org_id=gymnasium.id,
                       owner_name="Орлов С. А.", owner_email="orlov@gym1.example",
                       remind_days=7, details="", actor_id=None)
    session.flush()
    # The daily job's reminders as of today: the overdue task's owners find it among their
    # notifications (the coordinator's director, a-smirnova, among them).
    cycle_reminders.send_due(session, day)
