"""Portfolio figures across a region's schools and the teachers who can mentor (seed 002:
«органы управления образованием смогут проводить сравнительный анализ образовательных
организаций, адресно определять учителей, способных оказать методическую поддержку»).

De-identified: pupils appear only as counts per school, never by name, and a school with
fewer than :data:`MIN_PUPILS` pupils shows no pupil figures at all (a count of one or two
would point at a child). Teachers are named only in the mentors list, which is about their
professional, confirmed achievements. Grouped queries only; the caller checks access
(``access.region_schools`` / the school admin's own organisation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from lti_tool.people import queries as people_q
from lti_tool.people import services as people
from lti_tool.portfolio import rules
from lti_tool.portfolio.models import Achievement, PortfolioSection

MIN_PUPILS = 5
HIGH = ("regional", "federal", "international")
PLACED = ("prizewinner", "winner")
TOPIC_TITLES = {k: t for k, t, _ in rules.TEACHER_SECTIONS if k in rules.MENTOR_TOPICS}


@dataclass(frozen=True)
class SchoolRow:
    organisation_id: int
    name: str
    pupils: int
    #: Pupil figures are withheld (None) for a school with fewer than MIN_PUPILS pupils.
    covered: int | None
    confirmed: int | None
    high: int | None
    high_placed: int | None
    teachers: int
    teachers_with_confirmed: int
    mentors: int

    @property
    def coverage(self) -> int | None:
        if self.covered is None or not self.pupils:
            return None
        return round(100 * self.covered / self.pupils)


@dataclass(frozen=True)
class Mentor:
    name: str
    school: str
    topic: str
    topic_title: str
    #: Confirmed achievements in the topic within the rule's years; the best of them.
    count: int
    best_level: str
    best_result: str
    school_id: int
    #: The teacher's public id (to count a teacher once across topics; never shown).
    person_key: str


def _by_role(role: str, org_ids: set[int]) -> Any:
    """The achievement's owner holds ``role`` in the school it belongs to (people's own
    predicate, embedded so each aggregate stays one statement)."""
    return and_(people_q.holds_role(Achievement.owner_id, Achievement.organisation_id, role),
                Achievement.organisation_id.in_(org_ids))


def _count_people(session: Session, role: str, org_ids: set[int]) -> dict[int, int]:
    return people_q.member_counts(session, org_ids, role)


def school_rows(session: Session, org_ids: set[int], today: date | None = None
                ) -> list[SchoolRow]:
    """One row per school, by name: pupils' coverage and confirmed achievements (with how
    many at regional level or above, and placed there), teachers with a confirmed
    achievement and how many qualify as mentors."""
    if not org_ids:
        return []
    pupils, teachers = (_count_people(session, "student", org_ids),
                        _count_people(session, "teacher", org_ids))
    confirmed = Achievement.status == rules.CONFIRMED
    high = Achievement.level.in_(HIGH)
    pupil_rows = {int(r[0]): r[1:] for r in session.execute(
        select(Achievement.organisation_id, func.count(func.distinct(Achievement.owner_id)),
               func.count(), func.sum(case((high, 1), else_=0)),
               func.sum(case((high & Achievement.result.in_(PLACED), 1), else_=0)))
        .where(_by_role("student", org_ids), confirmed)
        .group_by(Achievement.organisation_id))}
    teacher_rows = {int(o): int(n) for o, n in session.execute(
        select(Achievement.organisation_id, func.count(func.distinct(Achievement.owner_id)))
        .where(_by_role("teacher", org_ids), confirmed)
        .group_by(Achievement.organisation_id))}
    per_school: dict[int, set[str]] = defaultdict(set)
    for m in mentors(session, org_ids, today=today):
        per_school[m.school_id].add(m.person_key)
    names = people.organisation_names(session, org_ids)
    out = []
    for org in org_ids:
        n = pupils.get(org, 0)
        covered, count, hi, placed = pupil_rows.get(org, (0, 0, 0, 0))
        shown = n >= MIN_PUPILS
        out.append(SchoolRow(
            org, str(names.get(org, "")), n, int(covered) if shown else None,
            int(count) if shown else None, int(hi or 0) if shown else None,
            int(placed or 0) if shown else None, teachers.get(org, 0),
            teacher_rows.get(org, 0), len(per_school.get(org, ()))))
    return sorted(out, key=lambda r: r.name)


def mentors(session: Session, org_ids: set[int], *, topic: str | None = None,
            today: date | None = None) -> list[Mentor]:
    """Teachers of these schools who qualify in a topic by :func:`rules.can_mentor`, from
    their confirmed achievements; one row per teacher and topic, strongest first."""
    if not org_ids:
        return []
    day = today or date.today()
    since = date(day.year - rules.MENTOR_YEARS, 1, 1)
    topics = (topic,) if topic else rules.MENTOR_TOPICS
    rows = session.execute(
        select(Achievement.owner_id, Achievement.organisation_id, PortfolioSection.key,
               Achievement.level, Achievement.result, Achievement.achieved_on)
        .join(PortfolioSection, PortfolioSection.id == Achievement.section_id)
        .where(_by_role("teacher", org_ids), Achievement.status == rules.CONFIRMED,
               PortfolioSection.key.in_(topics), Achievement.achieved_on >= since)).all()
    who = people.public_names(session, {r[0] for r in rows})
    schools = people.organisation_names(session, {int(r[1]) for r in rows})
    grouped: dict[tuple[str, str, int, str, str], list[tuple[str, str, date]]] = \
        defaultdict(list)
    for owner, org, key, level, result, on in rows:
        pid, name = who[owner]
        grouped[(pid, name, int(org), str(schools[int(org)]), key)].append((level, result, on))
    rank = {lv: n for n, lv in enumerate(rules.LEVELS)}
    out = []
    for (pid, name, org, school, key), items in grouped.items():
        if not rules.can_mentor(items, day):
            continue
        best = max(items, key=lambda i: (rank[i[0]], rules.RESULTS.index(i[1])))
        out.append(Mentor(name, school, key, TOPIC_TITLES[key], len(items), best[0], best[1],
                          org, pid))
    return sorted(out, key=lambda m: (-rank[m.best_level], -rules.RESULTS.index(
        m.best_result), -m.count, m.name))


def to_xlsx(title: str, rows: list[SchoolRow], found: list[Mentor]) -> bytes:
    """The same two tables as the page, for a spreadsheet: «Школы» and «Наставники»."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Школы"
    sheet.append([title])
    sheet.append(["Школа", "Учеников", "С подтверждёнными достижениями, %",
                  "Подтверждённых достижений учеников", "Из них регионального уровня и выше",
                  "Из них призёр/победитель", "Учителей",
                  "Учителей с подтверждёнными достижениями", "Могут быть наставниками"])
    for r in rows:
        sheet.append([r.name, r.pupils, r.coverage, r.confirmed, r.high, r.high_placed,
                      r.teachers, r.teachers_with_confirmed, r.mentors])
    mentors_sheet = book.create_sheet("Наставники")
    mentors_sheet.append(["Учитель", "Школа", "Тема", "Достижений за 5 лет",
                          "Лучший уровень", "Лучший результат"])
    for m in found:
        mentors_sheet.append([m.name, m.school, m.topic_title, m.count,
                              rules.LEVEL_TITLES[m.best_level],
                              rules.RESULT_TITLES[m.best_result]])
    for ws in (sheet, mentors_sheet):
        header = 2 if ws is sheet else 1
        for cell in ws[header]:
            cell.font = Font(bold=True)
        for col in ws.columns:
            letter = col[0].column_letter
            ws.column_dimensions[letter].width = min(60, max(
                10, *(len(str(c.value or "")) + 2 for c in col[header - 1:])))
    sheet["A1"].font = Font(bold=True, size=13)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
