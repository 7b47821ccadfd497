"""The school's portfolio at a glance (the admin's figures page): grouped queries only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.portfolio import rules
from lti_tool.portfolio.models import Achievement, Consent, PortfolioSection
from lti_tool.portfolio.services import school_year


@dataclass(frozen=True)
class SchoolFigures:
    students: int
    with_confirmed: int
    confirmed: int
    unconfirmed: int
    rejected: int
    published: int
    by_section: list[tuple[str, int]]
    by_level: dict[str, int]
    by_year: dict[int, dict[str, int]]


def school_figures(session: Session, org_id: int) -> SchoolFigures:
    """The school's portfolio at a glance: coverage (pupils with a confirmed achievement),
    moderation states, confirmed by section, level and school year. Grouped queries only."""
    from lti_tool.people.queries import member_ids

    students = member_ids(org_id, ["student"])
    n_students = int(session.scalar(select(func.count()).select_from(students.subquery())) or 0)
    in_school = Achievement.owner_id.in_(students)
    states = dict(session.execute(select(Achievement.status, func.count()).where(
        Achievement.organisation_id == org_id, in_school).group_by(Achievement.status)).all())
    confirmed = (Achievement.organisation_id == org_id) & in_school & (
        Achievement.status == rules.CONFIRMED)
    covered = int(session.scalar(select(func.count(func.distinct(Achievement.owner_id))).where(
        confirmed)) or 0)
    by_section = [(str(t), int(n)) for t, n in session.execute(select(
        PortfolioSection.title, func.count()).select_from(Achievement).join(
        PortfolioSection, PortfolioSection.id == Achievement.section_id).where(confirmed)
        .group_by(PortfolioSection.title, PortfolioSection.position)
        .order_by(PortfolioSection.position))]
    by_level = {str(k): int(v) for k, v in session.execute(select(
        Achievement.level, func.count()).where(confirmed).group_by(Achievement.level))}
    by_year: dict[int, dict[str, int]] = {}
    for day, title in session.execute(select(Achievement.achieved_on, PortfolioSection.title)
                                      .select_from(Achievement).join(PortfolioSection,
                                            PortfolioSection.id == Achievement.section_id)
                                      .where(confirmed)):
        year = by_year.setdefault(school_year(day), {})
        year[title] = year.get(title, 0) + 1
    published = int(session.scalar(select(func.count(func.distinct(Consent.achievement_id)))
                                   .where(Consent.organisation_id == org_id,
                                          Consent.revoked_at.is_(None))) or 0)
    return SchoolFigures(n_students, covered, int(states.get(rules.CONFIRMED, 0)),
                         int(states.get(rules.UNCONFIRMED, 0)),
                         int(states.get(rules.REJECTED, 0)), published, by_section, by_level,
                         dict(sorted(by_year.items())))
