"""AGS through the outbox: ``enqueue_score`` stores, ``deliver_due`` sends with retries.

The sending goes through the :class:`adapters.base.GradeSink` port (``adapters.lti_ags``),
as any gradebook a school writes to would (issue 8)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pylti1p3.exception import LtiServiceException
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from adapters.base import GradePush, RemoteError
from adapters.lti_ags import AgsSink, LineItemSpec
from lti_tool.core.audit import audit
from lti_tool.core.outbox import Outbox
from lti_tool.db import Database, utcnow
from lti_tool.lms_scores.models import OutboxScore
from lti_tool.lms_scores.rules import score_key
from lti_tool.lti.connector import connector_for_deployment

log = logging.getLogger("marshrut.gradebook")


@dataclass(frozen=True)
class ScoreRequest:
    user_sub: str
    score_given: float
    score_maximum: float
    label: str
    resource_id: str
    comment: str = ""


def enqueue_score(
    session: Session, *, deployment_pk: int, organisation_id: int, ags: dict[str, Any],
    score: ScoreRequest, actor_id: int | None, timestamp: datetime | None = None,
) -> OutboxScore:
    """Store the score; delivery happens in a job. Enqueuing the same score twice is a no-op."""
    stamp = (timestamp or utcnow()).isoformat()
    key = score_key(deployment_pk, score.resource_id, score.user_sub, stamp)
    existing = session.scalars(
        select(OutboxScore).where(OutboxScore.idempotency_key == key)).first()
    if existing:
        return existing
    row = OutboxScore(
        idempotency_key=key, deployment_pk=deployment_pk, organisation_id=organisation_id,
        lineitems_url=ags.get("lineitems", ""), lineitem_url=ags.get("lineitem"),
        lineitem={"label": score.label, "resourceId": score.resource_id,
                  "tag": score.resource_id, "scoreMaximum": score.score_maximum},
        user_sub=score.user_sub,
        score={"scoreGiven": score.score_given, "scoreMaximum": score.score_maximum,
               "timestamp": stamp, "comment": score.comment, "scope": ags.get("scope", [])},
        created_by=actor_id)
    session.add(row)
    session.flush()
    return row


# The first page after a student's launch asks this: built once, values bound per request.
_RECENT = select(OutboxScore).where(
    OutboxScore.organisation_id == bindparam("org_id"),
    OutboxScore.user_sub.in_(bindparam("subs", expanding=True)),
).order_by(OutboxScore.id.desc()).limit(50)


def recent_scores(session: Session, organisation_id: int, user_subs: list[str]
                  ) -> list[OutboxScore]:
    """The last 50 scores sent (or waiting) for these LMS users, newest first."""
    if not user_subs:
        return []
    return list(session.scalars(_RECENT, {"org_id": organisation_id, "subs": user_subs}))


def latest_scores(session: Session, organisation_id: int, user_subs: list[str]
                  ) -> dict[str, OutboxScore]:
    """Each LMS user's latest score (the class overview's column)."""
    if not user_subs:
        return {}
    return {row.user_sub: row for row in session.scalars(
        select(OutboxScore).where(OutboxScore.organisation_id == organisation_id,
                                  OutboxScore.user_sub.in_(user_subs))
        .order_by(OutboxScore.id))}


def sink_for(session: Session, row: OutboxScore, secret_key: str,
             allow_private: bool) -> tuple[AgsSink, GradePush]:
    """The LMS's gradebook behind the GradeSink port, and the row as a push to it."""
    service_data: dict[str, Any] = {"scope": row.score.get("scope", []),
                                    "lineitems": row.lineitems_url}
    if row.lineitem_url:
        service_data["lineitem"] = row.lineitem_url
    activity = row.lineitem_url or f"tag:{row.lineitem['tag']}"
    specs = {} if row.lineitem_url else {activity: LineItemSpec(
        label=row.lineitem["label"], resource_id=row.lineitem["resourceId"],
        tag=row.lineitem["tag"], score_maximum=row.lineitem["scoreMaximum"])}
    connector = connector_for_deployment(session, row.deployment_pk, secret_key,
                                         allow_private=allow_private)
    push = GradePush(activity_id=activity, student_id=row.user_sub,
                     grade=row.score["scoreGiven"], feedback=row.score.get("comment") or "",
                     maximum=row.score["scoreMaximum"], timestamp=row.score["timestamp"])
    return AgsSink(connector, service_data, specs=specs), push


def _send(session: Session, row: OutboxScore, secret_key: str, allow_private: bool) -> None:
    """Raises with the reason when the score did not reach the LMS."""
    sink, push = sink_for(session, row, secret_key, allow_private)
    with sink:
        [outcome] = sink.push_grades([push])
    if not outcome.ok:
        raise ValueError(outcome.message)


_OUTBOX = Outbox(OutboxScore, "status", (RemoteError, LtiServiceException, ValueError, KeyError),
                 name="scores")


def deliver_due(db: Database, secret_key: str, limit: int = 100, *,
                allow_private: bool = False) -> dict[str, int]:
    """Try every due score once (:class:`lti_tool.core.outbox.Outbox`: safe to run
    concurrently). ``allow_private`` (MARSHRUT_ALLOW_PRIVATE_URLS: tests, the demo) lets the
    LMS's service URLs be internal addresses; otherwise such a URL is refused like any
    remote error."""
    return _OUTBOX.deliver(db, lambda session, row: _send(session, row, secret_key,
                                                          allow_private), limit)


def retry_failed(session: Session, organisation_id: int, *, user_subs: list[str] | None,
                 actor_id: int | None) -> int:
    """Send failed scores again: due now, with a fresh count of tries. ``user_subs`` limits
    it to some students (a teacher's class); None is the whole organisation (operator)."""
    query = update(OutboxScore).where(OutboxScore.organisation_id == organisation_id,
                                      OutboxScore.status == "failed")
    if user_subs is not None:
        query = query.where(OutboxScore.user_sub.in_(user_subs))
    result = session.execute(query.values(status="pending", attempts=0,
                                          next_attempt_at=utcnow()))
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        audit(session, actor_id, organisation_id, "scores.retry", "ags_outbox", "*", count=count)
    return count


def states_of(session: Session, ids: list[int]) -> dict[int, tuple[str, str, int]]:
    """Outbox rows by id: (status, last error, attempts), for features that queued a score
    and show its way to the LMS (the exchange's final marks)."""
    if not ids:
        return {}
    return {row.id: (row.status, row.last_error, row.attempts) for row in session.execute(
        select(OutboxScore.id, OutboxScore.status, OutboxScore.last_error, OutboxScore.attempts)
        .where(OutboxScore.id.in_(ids)))}


def retry_rows(session: Session, organisation_id: int, ids: list[int], *,
               actor_id: int | None) -> int:
    """Send these failed scores of the organisation again (a feature's own «send again»:
    the exchange's final marks), as :func:`retry_failed` does for a class."""
    if not ids:
        return 0
    result = session.execute(update(OutboxScore).where(
        OutboxScore.organisation_id == organisation_id, OutboxScore.id.in_(ids),
        OutboxScore.status == "failed").values(status="pending", attempts=0,
                                               next_attempt_at=utcnow()))
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        audit(session, actor_id, organisation_id, "scores.retry", "ags_outbox", "*",
              count=count)
    return count
