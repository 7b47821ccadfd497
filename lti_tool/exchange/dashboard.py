"""The coordinator's view of the exchange: who is enrolled where, what was sent and
confirmed for each month, what is overdue (seed 004: marks at least monthly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_tool.exchange import rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse, TransferPackage
from lti_tool.people import queries as people
from lti_tool.people.services import organisation_names


@dataclass(frozen=True)
class Enrolment:
    student: str
    course: NetworkCourse
    host: str
    home: str


@dataclass(frozen=True)
class Flow:
    """One direction (host → home) for one month: the latest package, if any."""

    host_org_id: int
    home_org_id: int
    host: str
    home: str
    period: str
    package: TransferPackage | None
    overdue: bool
    versions: int


def enrolments(session: Session, org_id: int) -> list[Enrolment]:
    """Enrolled network students this school sends (home) or teaches (host)."""
    home, host = people.organisation_names_table(), people.organisation_names_table()
    pupil = people.person_names_table()
    rows = session.execute(
        select(pupil.c.display_name, NetworkCourse, host.c.name, home.c.name)
        .select_from(pupil)
        .join(CourseRequest, CourseRequest.student_id == pupil.c.id)
        .join(NetworkCourse, NetworkCourse.id == CourseRequest.course_id)
        .join(home, home.c.id == CourseRequest.home_org_id)
        .join(host, host.c.id == NetworkCourse.host_org_id)
        .where(CourseRequest.state == rules.ENROLLED,
               or_(CourseRequest.home_org_id == org_id, NetworkCourse.host_org_id == org_id))
        .order_by(home.c.name, pupil.c.display_name))
    return [Enrolment(*r) for r in rows]


def months(today: date, count: int = 3) -> list[str]:
    """The last ``count`` finished months and the current one, newest first."""
    out, year, month = [], today.year, today.month
    for _ in range(count + 1):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def flows(session: Session, org_id: int, today: date, count: int = 3) -> list[Flow]:
    """Every host → home pair this school is part of, for recent months: sent? confirmed?
    overdue? A month counts only while a course of the pair runs in it."""
    pairs: dict[tuple[int, int], list[NetworkCourse]] = {}
    for course, home_id in session.execute(
            select(NetworkCourse, CourseRequest.home_org_id).join(
                CourseRequest, CourseRequest.course_id == NetworkCourse.id).where(
                CourseRequest.state == rules.ENROLLED,
                or_(CourseRequest.home_org_id == org_id,
                    NetworkCourse.host_org_id == org_id))):
        pairs.setdefault((course.host_org_id, home_id), []).append(course)
    if not pairs:
        return []
    names = organisation_names(session, {i for p in pairs for i in p})
    out = []
    for period in months(today, count):
        start, end = rules.month_bounds(period)
        for (host_id, home_id), courses in sorted(pairs.items()):
            if not any(c.starts_on <= end and c.ends_on >= start for c in courses):
                continue
            packages = list(session.scalars(select(TransferPackage).where(
                TransferPackage.host_org_id == host_id, TransferPackage.home_org_id == home_id,
                TransferPackage.period == period).order_by(TransferPackage.version.desc())))
            shown = next((p for p in packages if p.state != rules.SUPERSEDED), None)
            if org_id == home_id and org_id != host_id:  # the home school sees what arrived
                shown = next((p for p in packages if p.state in (rules.SENT, rules.CONFIRMED)),
                             None)
            out.append(Flow(host_id, home_id, names[host_id], names[home_id], period, shown,
                            rules.is_overdue(period, shown.state if shown else None, today)
                            and period != rules.period_of(today), len(packages)))
    return out
