"""Term and year report cards («табели») of network students (seed 004 §4.10): made from the
host's journal, signed off by the host, delivered to the home school, and the final marks
written into the home school's records — through ``lti_tool.journal.services`` like any
source, so the home school's pages and exports show them with the rest of its journal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.base import Chunk, JournalBatch
from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.exchange import gradebook, notices, rules
from lti_tool.exchange.collecting import course_marks, network_students
from lti_tool.exchange.models import NetworkCourse, ReportCard
from lti_tool.journal import period as journal
from lti_tool.journal.services import Origin, apply_batches
from lti_tool.people import queries as people_q
from lti_tool.people.services import organisation_slugs
from schemas.marks import ParsedMark
from schemas.records import FinalMarkRecord


@dataclass(frozen=True)
class CardRow:
    card: ReportCard
    student: str
    course: NetworkCourse
    host: str
    home: str


def generate(session: Session, course: NetworkCourse, term_id: str, start: date, end: date,
             actor_id: int | None) -> int:
    """Draft cards for every enrolled student: the weighted average of the period's marks
    (rounded half up), absences counted. A card already signed is left as it is."""
    made = 0
    students = [(s, h) for c, s, h in network_students(session, course.host_org_id)
                if c.id == course.id]
    ids = [s for s, _ in students]
    marks = course_marks(session, course, ids, start, end)
    absences = journal.absences_between(session, course.host_org_id, ids, start, end,
                                        [course.subject])
    held = {c.student_id: c for c in session.scalars(select(ReportCard).where(
        ReportCard.course_id == course.id, ReportCard.term_id == term_id))}
    for student_id, home_id in students:
        own = [m for m in marks if m.student_id == student_id and m.text.isdigit()]
        value = rules.final_mark([int(m.text) for m in own], [m.weight or 1.0 for m in own])
        missed = sum(a.student_id == student_id for a in absences)
        card = held.get(student_id)
        if card is None:
            card = ReportCard(course_id=course.id, student_id=student_id, home_org_id=home_id,
                              term_id=term_id)
            session.add(card)
        elif card.state != rules.CARD_DRAFT:
            continue
        card.mark, card.absences = value, missed
        made += 1
    session.flush()
    audit(session, actor_id, course.host_org_id, "exchange.cards.generate", "exchange_course",
          course.public_id, term=term_id, cards=made)
    return made


def card_by_public_id(session: Session, public_id: str) -> ReportCard | None:
    return session.scalars(select(ReportCard).where(ReportCard.public_id == public_id)).first()


def set_mark(card: ReportCard, mark: int | None) -> None:
    """The host may correct a draft's proposed mark before signing."""
    if card.state != rules.CARD_DRAFT:
        raise rules.RuleError("card_step", state=card.state, to="draft")
    card.mark = mark


def sign_and_deliver(session: Session, course: NetworkCourse, term_id: str,
                     actor_id: int) -> int:
    """The host signs the term's drafts off; signed cards are delivered to the home schools
    at once (they appear there; nothing else travels)."""
    cards = list(session.scalars(select(ReportCard).where(
        ReportCard.course_id == course.id, ReportCard.term_id == term_id,
        ReportCard.state == rules.CARD_DRAFT)))
    now = utcnow()
    for card in cards:
        card.state = rules.card_step(card.state, rules.CARD_SIGNED)
        card.signed_by, card.signed_at = actor_id, now
        card.state = rules.card_step(card.state, rules.CARD_DELIVERED)
        card.delivered_at = now
    audit(session, actor_id, course.host_org_id, "exchange.cards.sign", "exchange_course",
          course.public_id, term=term_id, cards=len(cards))
    notices.cards_delivered(session, course, term_id, {c.home_org_id for c in cards})
    return len(cards)


def record(session: Session, home_org_id: int, card_ids: list[int], actor_id: int) -> int:
    """The home school takes delivered cards into its records: a final mark per student,
    subject and term, in the journal under the source «exchange» and the host's name space.
    Recording again writes nothing new (the journal's diff)."""
    cards = list(session.scalars(select(ReportCard).where(
        ReportCard.id.in_(card_ids), ReportCard.home_org_id == home_org_id,
        ReportCard.state == rules.CARD_DELIVERED)))
    by_host: dict[int, list[tuple[ReportCard, NetworkCourse]]] = {}
    for card in cards:
        course = session.get(NetworkCourse, card.course_id)
        assert course is not None
        by_host.setdefault(course.host_org_id, []).append((card, course))
    counts = _write_journal(session, home_org_id, by_host)
    now = utcnow()
    for card in cards:
        card.state = rules.card_step(card.state, rules.CARD_RECORDED)
        card.recorded_at = now
    audit(session, actor_id, home_org_id, "exchange.cards.record", "exchange_report_card",
          ",".join(c.public_id for c in cards)[:80], cards=len(cards), **dict(counts))
    gradebook.queue(session, cards, actor_id)
    return len(cards)


def _write_journal(session: Session, home_org_id: int,
                   by_host: dict[int, list[tuple[ReportCard, NetworkCourse]]]) -> Counter[str]:
    """The final marks into the home school's journal, per host's name space."""
    counts: Counter[str] = Counter()
    for host_id, items in by_host.items():
        slug = organisation_slugs(session, [host_id])[host_id]
        records = [FinalMarkRecord(student_id=str(card.student_id), subject=course.subject,
                                   term_id=card.term_id, mark=ParsedMark(value=card.mark))
                   for card, course in items if card.mark is not None]
        batch = JournalBatch(chunk=Chunk(key=f"exchange-cards-{slug}",
                                         start=date.min, end=date.min),
                             final_marks=records)
        people = {str(card.student_id): card.student_id for card, _ in items}
        apply_batches(session, Origin(home_org_id, "exchange", f"exchange:{slug}"),
                      [batch], people, {}, counts, _reject)
    return counts


def correct(session: Session, card: ReportCard, course: NetworkCourse, mark: int,
            actor_id: int) -> bool:
    """The host corrects a card's final mark. A draft just changes; a signed-off card keeps
    its state with the new mark; a card the home school has recorded gets the new mark in
    its journal and in its LMS gradebook (the next version). False when nothing changed."""
    if card.mark == mark:
        return False
    old, card.mark = card.mark, mark
    audit(session, actor_id, course.host_org_id, "exchange.cards.correct",
          "exchange_report_card", card.public_id, old=old, new=mark)
    if card.state == rules.CARD_RECORDED:
        _write_journal(session, card.home_org_id, {course.host_org_id: [(card, course)]})
        gradebook.queue(session, [card], actor_id)
    session.flush()
    return True


def _reject(kind: str, source: str, reason: str, params: dict[str, Any]) -> None:
    raise rules.RuleError("card_step", reason=reason)


def cards_for(session: Session, org_id: int, student_id: int | None = None) -> list[CardRow]:
    """Cards a school sees: of its courses (host) and of its students (home)."""
    home, host = people_q.organisation_names_table(), people_q.organisation_names_table()
    pupil = people_q.person_names_table()
    query = (select(ReportCard, pupil.c.display_name, NetworkCourse, host.c.name, home.c.name)
             .join(pupil, pupil.c.id == ReportCard.student_id)
             .join(NetworkCourse, NetworkCourse.id == ReportCard.course_id)
             .join(home, home.c.id == ReportCard.home_org_id)
             .join(host, host.c.id == NetworkCourse.host_org_id))
    if student_id is not None:
        query = query.where(ReportCard.student_id == student_id,
                            ReportCard.home_org_id == org_id,
                            ReportCard.state.in_((rules.CARD_DELIVERED, rules.CARD_RECORDED)))
    else:
        query = query.where((NetworkCourse.host_org_id == org_id) | (
            (ReportCard.home_org_id == org_id)
            & ReportCard.state.in_((rules.CARD_DELIVERED, rules.CARD_RECORDED))))
    rows = session.execute(query.order_by(ReportCard.term_id, NetworkCourse.title,
                                          pupil.c.display_name))
    return [CardRow(*r) for r in rows]
