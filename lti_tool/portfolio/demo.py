"""Demo portfolios for ``make demo``: the algebra teacher curates 10 А, her pupils have
achievements in every state (unconfirmed, confirmed, rejected with a reason, corrected by
the curator, published with a parent's consent) over three school years, and the teacher
has a Вебфолио with professional development in all three hour bands. Idempotent."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from lti_tool.people import queries as people_q
from lti_tool.people.services import Person
from lti_tool.portfolio import rules, services
from lti_tool.portfolio.models import Achievement
from lti_tool.portfolio.storage import EvidenceStore

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
       b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def png() -> bytes:
    """A 1×1 PNG (a «photo» of a diploma) made here, so the demo ships no binary."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    ihdr = (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\x1f\x6f\xeb")) + chunk(b"IEND", b""))


# (section, title, level, result, years ago, days into the year, state, reason / edit)
PUPILS: dict[str, list[tuple[str, str, str, str, int, int, str, str]]] = {
    "s-petrov": [
        ("study", "Призёр регионального этапа ВсОШ по математике", "regional", "prizewinner",
         0, 80, "published", ""),
        ("study", "Победитель школьного этапа олимпиады по физике", "school", "winner",
         1, 50, "published", ""),
        ("project", "Проект «Умная теплица» на научно-практической конференции", "municipal",
         "participant", 1, 200, "confirmed", ""),
        ("sport", "2 место в городском первенстве по лыжным гонкам", "municipal",
         "prizewinner", 0, 110, "unconfirmed", ""),
        ("culture", "Диплом конкурса чтецов", "school", "winner", 0, 60, "rejected",
         "На скане не видно фамилии: приложите диплом целиком."),
        ("social", "Волонтёр акции «Чистый берег»", "municipal", "participant", 2, 250,
         "confirmed", ""),
    ],
    "s-kuznetsova": [
        ("study", "Победитель муниципального этапа ВсОШ по литературе", "municipal",
         "winner", 0, 75, "published", ""),
        ("culture", "Лауреат фестиваля «Костромская весна»", "regional", "prizewinner",
         1, 230, "published", ""),
        ("extracurricular", "Курс «Основы журналистики» (36 ч)", "school", "participant",
         0, 90, "unconfirmed", ""),
        ("project", "Исследование «Говоры Костромской области»", "regional", "participant",
         1, 150, "edited", "Исследование «Говоры Костромского края»"),
    ],
    "s-sokolov": [
        ("sport", "ГТО: золотой знак отличия", "federal", "winner", 0, 40, "unconfirmed", ""),
        ("study", "Участник олимпиады «Высшая проба» по информатике", "federal",
         "participant", 1, 170, "confirmed", ""),
        ("other", "Сертификат «Цифровая грамотность»", "school", "participant", 0, 30,
         "rejected", "Это не достижение, а участие в уроке: добавьте его в «Внеурочную»."),
    ],
}
TEACHER: list[tuple[str, str, str, str, int, int, int | None]] = [
    ("development", "Вебинар «Функциональная грамотность на уроках алгебры»", "federal",
     "participant", 0, 20, 2),
    ("development", "КПК «Реализация требований обновлённых ФГОС СОО»", "regional",
     "participant", 1, 60, 72),
    ("development", "Переподготовка «Менеджмент в образовании»", "regional", "participant",
     2, 120, 300),
    ("awards", "Почётная грамота Министерства просвещения РФ", "federal", "winner", 1, 240,
     None),
    ("publications", "Статья «Задачи с параметром в 10 классе» в журнале «Математика в "
     "школе»", "federal", "participant", 0, 70, None),
    # A regional prize in a topic: the region's mentors list names her (rules.can_mentor).
    ("contests", "Призёр регионального этапа конкурса «Учитель года России»", "regional",
     "prizewinner", 2, 200, None),
]


def _day(years_ago: int, into: int, today: date) -> date:
    start = date(services.school_year(today) - years_ago, 9, 1)
    return min(start + timedelta(days=into), today - timedelta(days=1))


def _person(session: Any, issuer: str, sub: str) -> Person | None:
    from lti_tool.people.services import person_by_identity

    return person_by_identity(session, "lti", issuer, sub)


def seed_portfolios(session: Any, store: EvidenceStore, *, org_id: int, issuer: str,
                    class_id: int, curator_sub: str, admin_sub: str,
                    today: date | None = None) -> int:
    """Returns how many achievements were added (0 when the school already has some)."""
    today = today or date.today()
    if session.scalars(select(Achievement.id).where(
            Achievement.organisation_id == org_id)).first() is not None:
        return 0
    curator, admin = _person(session, issuer, curator_sub), _person(session, issuer, admin_sub)
    if curator is None or admin is None:
        return 0
    services.assign_curator(session, actor_id=admin.id, org_id=org_id, tutor_id=curator.id,
                            class_id=class_id)
    added = 0
    for sub, rows in PUPILS.items():
        pupil = _person(session, issuer, sub)
        if pupil is None:
            continue
        parent = _parent_of(session, pupil, org_id)
        for n, (section, title, level, result, ago, into, state, extra) in enumerate(rows):
            files = [services.NewFile("диплом.pdf" if n % 2 == 0 else "фото.png",
                                      PDF if n % 2 == 0 else png())]
            item = services.add_achievement(
                session, store, actor_id=pupil.id, org_id=org_id, owner=pupil,
                kind=rules.STUDENT, files=files, data={
                    "section": section, "title": title, "level": level, "result": result,
                    "achieved_on": _day(ago, into, today), "description": ""})
            added += 1
            if state in ("confirmed", "published", "edited"):
                if state == "edited":
                    data = {"section": section, "title": extra, "level": level,
                            "result": result, "achieved_on": item.achieved_on,
                            "description": "Название уточнено по диплому."}
                    services.moderate(session, actor_id=curator.id, item=item, action="edit",
                                      data=data)
                services.moderate(session, actor_id=curator.id, item=item, action="confirm")
            if state == "rejected":
                services.moderate(session, actor_id=curator.id, item=item, action="reject",
                                  reason=extra)
            if state == "published":
                services.grant_consent(session, parent_id=parent.id, item=item)
    for section, title, level, result, ago, into, hours in TEACHER:
        item = services.add_achievement(
            session, store, actor_id=curator.id, org_id=org_id, owner=curator,
            kind=rules.TEACHER, files=[services.NewFile("сертификат.pdf", PDF)], data={
                "section": section, "title": title, "level": level, "result": result,
                "achieved_on": _day(ago, into, today), "description": "", "hours": hours})
        services.moderate(session, actor_id=admin.id, item=item, action="confirm")
        services.set_published(session, actor_id=curator.id, item=item, on=True)
        added += 1
    _seed_uud(session, org_id, issuer, curator, admin)
    session.flush()
    return added


def _seed_uud(session: Any, org_id: int, issuer: str, curator: Person, admin: Person) -> None:
    """УУД for 10 А's named pupils: external results and the curator's expert rating
    (Петров's «Работа с информацией» far apart, so a gap is flagged)."""
    from lti_tool.portfolio import uud

    framework = uud.items(session, org_id)
    for n, sub in enumerate(PUPILS):
        pupil = _person(session, issuer, sub)
        if pupil is None:
            continue
        for k, item in enumerate(framework[:5]):
            score = 5.0 if (n, k) == (0, 2) else float(3 + (n + k) % 3)
            uud.add_external(session, org_id=org_id, student_id=pupil.id, item_id=item.id,
                             source=("monitoring", "vpr", "olympiad")[k % 3], score=score,
                             actor_id=admin.id)
        uud.request_expert(session, org_id=org_id, student=pupil, actor_id=curator.id)
        session.flush()
        for ask, _ in uud.open_asks(session, org_id, curator.id):
            if ask.student_id == pupil.id:
                uud.answer(session, ask, {
                    i.id: 2.0 if (n, i.position) == (0, 2) else float(2 + (n + i.position) % 3)
                    for i in framework})


def _parent_of(session: Any, pupil: Person, org_id: int) -> Person:
    """The pupil's parent from the roster, or a demo one («законный представитель»)."""
    found = people_q.first_guardian(session, pupil.id)
    if found is not None:
        return found
    return people_q.add_parent(session, org_id, pupil.id,
                               f"Законный представитель: {pupil.display_name}")
