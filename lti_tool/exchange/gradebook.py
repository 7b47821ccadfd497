"""Network courses' final marks into the home school's LMS gradebook (issue 12, issue 8).

When the home school takes a report card into its records (or the host corrects a recorded
card), the final mark is queued for the home school's LMS, if it has one for the course:

- **AGS** when a launch of the placed network course at the home school's *own* deployment
  carried the AGS claim (:func:`link_from_launch`): the mark goes into the landed score
  outbox (``lti_scores.services.enqueue_score``), delivered by its ``deliver_due`` job with
  retries, exactly once per version (the outbox's idempotency key and AGS timestamps);
- **Moodle Web Services** when the home school's coordinator named the course's activity in
  the school's Moodle sync connection (:func:`set_moodle`): delivered by
  :func:`deliver_moodle_due` (a job, the outbox's claim/backoff pattern) through
  ``adapters.moodle.push``.

:func:`lti_tool.exchange.rules.lms_channel` says which applies and why. A correction is the
next version with the new value. Nothing goes to a school outside the host's network.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapters.base import GradePush, RemoteError
from lti_tool.core.audit import audit
from lti_tool.core.outbox import Outbox
from lti_tool.db import Database, utcnow
from lti_tool.exchange import rules
from lti_tool.exchange.models import (
    CourseRequest,
    GradebookLink,
    MarkPush,
    NetworkCourse,
    ReportCard,
)
from lti_tool.exchange.partners import in_network
from lti_tool.lms_scores import services as lms_scores
from lti_tool.lti.claims import SCOPE_LINEITEM, SCOPE_SCORE
from lti_tool.people import services as people
from lti_tool.sync import services as sync

log = logging.getLogger("marshrut.exchange")
#: a claimed Moodle push whose worker died is taken again after this lease
SCORE_MAXIMUM = 5.0


@dataclass(frozen=True)
class PushView:
    """What the home coordinator sees for a card: the latest version's way to the LMS."""

    channel: str
    version: int
    mark: int
    state: str
    error: str
    attempts: int


def attended_courses(session: Session, org_id: int) -> list[NetworkCourse]:
    """Partners' courses this school's students are enrolled in: what the home school may
    place in its own LMS (its gradebook then takes the final marks, by AGS)."""
    return list(session.scalars(select(NetworkCourse).where(
        NetworkCourse.host_org_id != org_id, NetworkCourse.id.in_(
            select(CourseRequest.course_id).where(CourseRequest.home_org_id == org_id,
                                                  CourseRequest.state == rules.ENROLLED)))
        .order_by(NetworkCourse.title)))


def link_of(session: Session, course_id: int, home_org_id: int) -> GradebookLink | None:
    return session.scalars(select(GradebookLink).where(
        GradebookLink.course_id == course_id, GradebookLink.home_org_id == home_org_id)).first()


def link_from_launch(session: Session, course: NetworkCourse, org_id: int,
                     deployment_pk: int, services: dict[str, Any]) -> bool:
    """A launch of the placed course at ``org_id``'s own deployment with AGS (line items and
    scores): that school's LMS keeps the course's marks there. Only a partner of the host
    (never the host itself, never a school outside the network). True when stored anew."""
    from lti_tool.lti.connector import issuer_of

    ags = services.get("ags") if isinstance(services.get("ags"), dict) else None
    if ags is None or org_id == course.host_org_id:
        return False
    url, scope = str(ags.get("lineitems") or ""), list(ags.get("scope") or [])
    if not url or SCOPE_SCORE not in scope or SCOPE_LINEITEM not in scope:
        return False
    if not in_network(session, course.host_org_id, org_id):
        return False
    link = link_of(session, course.id, org_id)
    if link is not None and (link.deployment_pk, link.lineitems_url, link.scope) == (
            deployment_pk, url, scope):
        return False  # every launch carries it: write only what changed
    if link is None:
        link = GradebookLink(course_id=course.id, home_org_id=org_id)
        session.add(link)
    link.deployment_pk, link.lineitems_url, link.scope = deployment_pk, url, scope
    link.issuer, link.updated_at = issuer_of(session, deployment_pk), utcnow()
    session.flush()
    _queue_recorded(session, course, org_id, None)
    return True


def after_launch(session: Session, course: NetworkCourse, org_id: int, deployment_pk: int,
                 services: dict[str, Any], person_id: int) -> bool:
    """A launch of the placed course: learn the gradebook (:func:`link_from_launch`) and
    send the launching student's marks that waited for their LMS id. True when it wrote."""
    linked = link_from_launch(session, course, org_id, deployment_pk, services)
    return requeue_unlinked(session, course, org_id, person_id) > 0 or linked


def moodle_connections(session: Session, org_id: int) -> list[tuple[str, str]]:
    """(public id, title) of the school's Moodle sync connections: where a mark may go."""
    return [(c.public_id, c.title or c.settings.get("base_url", ""))
            for c in sync.connections(session, org_id, "moodle") if c.enabled]


def set_moodle(session: Session, course: NetworkCourse, home_org_id: int, connection: str,
               activity: str, actor_id: int | None) -> GradebookLink:
    """The home coordinator names the Moodle activity (course module id) for the course's
    final marks; an empty activity removes it. Only the school's own Moodle connection."""
    conn = sync.connection_of(session, home_org_id, connection) if connection else None
    activity = activity.strip()
    if activity and (conn is None or conn.kind != "moodle" or not activity.isdigit()
                     or len(activity) > 18):
        raise rules.RuleError("moodle_link")
    link = link_of(session, course.id, home_org_id)
    if link is None:
        link = GradebookLink(course_id=course.id, home_org_id=home_org_id)
        session.add(link)
    link.connection_id = conn.id if conn is not None and activity else None
    link.activity_id, link.updated_at = activity, utcnow()
    session.flush()
    audit(session, actor_id, home_org_id, "exchange.gradebook.moodle", "exchange_course",
          course.public_id, activity=activity)
    _queue_recorded(session, course, home_org_id, actor_id)
    return link


def _queue_recorded(session: Session, course: NetworkCourse, home_org_id: int,
                    actor_id: int | None) -> None:
    """A gradebook linked after the cards were recorded: their marks follow now."""
    queue(session, list(session.scalars(select(ReportCard).where(
        ReportCard.course_id == course.id, ReportCard.home_org_id == home_org_id,
        ReportCard.state == rules.CARD_RECORDED))), actor_id)


def _channel(session: Session, link: GradebookLink | None) -> str | None:
    if link is None:
        return None
    has_ags = bool(link.deployment_pk and link.lineitems_url)
    conn = sync.connection_by_id(session, link.home_org_id, link.connection_id) \
        if link.connection_id else None
    has_moodle = bool(conn is not None and conn.enabled and conn.kind == "moodle"
                      and link.activity_id)
    return rules.lms_channel(has_ags, has_moodle)


def _latest(session: Session, card_id: int) -> MarkPush | None:
    return session.scalars(select(MarkPush).where(MarkPush.card_id == card_id)
                           .order_by(MarkPush.version.desc()).limit(1)).first()


def queue(session: Session, cards: list[ReportCard], actor_id: int | None) -> list[MarkPush]:
    """Queue each recorded card's final mark for its home school's LMS (see module doc).
    A card whose latest version already carries its mark is left alone: never twice."""
    made: list[MarkPush] = []
    for card in cards:
        course = session.get(NetworkCourse, card.course_id)
        if course is None or card.state != rules.CARD_RECORDED:
            continue
        if not in_network(session, course.host_org_id, card.home_org_id):
            continue  # the schools no longer share a network: nothing crosses
        link = link_of(session, course.id, card.home_org_id)
        channel = _channel(session, link)
        last = _latest(session, card.id)
        carried = (last.version, last.mark) if last else None
        if last is not None and last.last_error == rules.NO_LMS_ACCOUNT:
            carried = (last.version, -1)  # it never reached the LMS: the mark may go again
        version = rules.next_version(carried, card.mark)
        if channel is None or link is None or version is None or card.mark is None:
            continue
        session.execute(update(MarkPush).where(  # what has not gone yet will not go
            MarkPush.card_id == card.id, MarkPush.outbox_id.is_(None),
            MarkPush.state.in_((rules.PUSH_PENDING, rules.PUSH_FAILED)))
            .values(state=rules.PUSH_SUPERSEDED))
        push = MarkPush(card_id=card.id, home_org_id=card.home_org_id, version=version,
                        mark=card.mark, channel=channel, created_by=actor_id)
        session.add(push)
        if channel == rules.CHANNEL_AGS:
            _enqueue_ags(session, push, card, course, link, actor_id)
        session.flush()
        audit(session, actor_id, card.home_org_id, "exchange.gradebook.queue",
              "exchange_report_card", card.public_id, channel=channel, version=version,
              mark=card.mark)
        made.append(push)
    return made


def _enqueue_ags(session: Session, push: MarkPush, card: ReportCard, course: NetworkCourse,
                 link: GradebookLink, actor_id: int | None) -> None:
    sub = people.lms_subs(session, [card.student_id], link.issuer).get(card.student_id)
    if sub is None:  # never launched from that LMS: no id to write the score under
        push.state = rules.PUSH_FAILED
        push.last_error = rules.NO_LMS_ACCOUNT
        return
    assert link.deployment_pk is not None
    row = lms_scores.enqueue_score(
        session, deployment_pk=link.deployment_pk, organisation_id=card.home_org_id,
        ags={"lineitems": link.lineitems_url, "scope": link.scope}, actor_id=actor_id,
        score=lms_scores.ScoreRequest(
            user_sub=sub, score_given=float(push.mark), score_maximum=SCORE_MAXIMUM,
            label=f"{course.title}: {card.term_id}"[:200],
            resource_id=f"marshrut-network:{course.public_id}:{card.term_id}"[:200]))
    push.outbox_id, push.state = row.id, rules.PUSH_OUTBOX


def requeue_unlinked(session: Session, course: NetworkCourse, org_id: int,
                     person_id: int) -> int:
    """A student's first launch from the home LMS gives the id its gradebook knows them by:
    their marks that could not go for want of it are queued again."""
    cards = [c for c in session.scalars(select(ReportCard).where(
        ReportCard.course_id == course.id, ReportCard.home_org_id == org_id,
        ReportCard.student_id == person_id, ReportCard.state == rules.CARD_RECORDED))
        if (last := _latest(session, c.id)) is not None
        and last.last_error == rules.NO_LMS_ACCOUNT]
    return len(queue(session, cards, None)) if cards else 0


def resend(session: Session, home_org_id: int, card_ids: list[int], actor_id: int) -> int:
    """The home coordinator sends failed marks again (after the automatic tries ran out):
    due now with a fresh count, Moodle here, AGS in the score outbox."""
    latest = {c: p for c in card_ids if (p := _latest(session, c)) is not None
              and p.home_org_id == home_org_id}
    moodle = [p.id for p in latest.values() if p.channel == rules.CHANNEL_MOODLE
              and p.state == rules.PUSH_FAILED]
    if moodle:
        session.execute(update(MarkPush).where(MarkPush.id.in_(moodle)).values(
            state=rules.PUSH_PENDING, attempts=0, next_attempt_at=utcnow()))
    count = len(moodle) + lms_scores.retry_rows(
        session, home_org_id, [p.outbox_id for p in latest.values() if p.outbox_id],
        actor_id=actor_id)
    if count:
        audit(session, actor_id, home_org_id, "exchange.gradebook.resend",
              "exchange_report_card", "*", count=count)
    return count


def _send_moodle(session: Session, push: MarkPush, secret_key: str, allow_private: bool
                 ) -> None:
    """Raises with the reason when the mark did not reach Moodle."""
    card = session.get_one(ReportCard, push.card_id)
    link = link_of(session, card.course_id, push.home_org_id)
    conn = sync.connection_by_id(session, push.home_org_id, link.connection_id) \
        if link is not None and link.connection_id else None
    if link is None or conn is None or not conn.enabled or not link.activity_id:
        raise ValueError("moodle_gone")
    with sync.open_source(conn, secret_key, public_urls_only=not allow_private) as source:
        user = sync.remote_ids(session, conn, source, [card.student_id]).get(card.student_id)
        if user is None:
            raise ValueError("no_moodle_account")
        [outcome] = source.push_grades([GradePush(link.activity_id, user, float(push.mark))])
    if not outcome.ok:
        raise ValueError(outcome.message)


_MOODLE = Outbox(MarkPush, "state", (RemoteError, ValueError, KeyError),
                 only=(MarkPush.channel == rules.CHANNEL_MOODLE,), name="moodle_final_marks")


def deliver_moodle_due(db: Database, secret_key: str, limit: int = 100, *,
                       allow_private: bool = False) -> dict[str, int]:
    """Try every due Moodle push once (:class:`lti_tool.core.outbox.Outbox`: claimed first,
    so concurrent runs send it once; a failure waits, doubling; after the last try it is
    ``failed``)."""
    return _MOODLE.deliver(db, lambda session, push: _send_moodle(session, push, secret_key,
                                                                  allow_private), limit)


def views_for(session: Session, home_org_id: int, card_ids: list[int]) -> dict[int, PushView]:
    """The latest version per card of this home school, its state read where it lives (the
    score outbox for AGS, this table for Moodle)."""
    if not card_ids:
        return {}
    latest: dict[int, MarkPush] = {}
    for push in session.scalars(select(MarkPush).where(
            MarkPush.home_org_id == home_org_id, MarkPush.card_id.in_(card_ids))
            .order_by(MarkPush.version)):
        latest[push.card_id] = push
    outbox = lms_scores.states_of(session, [p.outbox_id for p in latest.values()
                                            if p.outbox_id is not None])
    out = {}
    for card_id, push in latest.items():
        state, error, attempts = push.state, push.last_error, push.attempts
        if push.outbox_id is not None and push.outbox_id in outbox:
            state, error, attempts = outbox[push.outbox_id]
        out[card_id] = PushView(push.channel, push.version, push.mark, state, error, attempts)
    return out


def channels_for(session: Session, home_org_id: int, course_ids: list[int]
                 ) -> dict[int, str | None]:
    """Per course, which way this home school's final marks would go (None: no LMS)."""
    return {cid: _channel(session, link_of(session, cid, home_org_id)) for cid in course_ids}
