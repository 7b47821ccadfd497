"""One delivery loop for the tool's outboxes: scores for the LMS's gradebook
(``lms_scores``) and network final marks pushed to Moodle (``exchange.gradebook``).

A row is due when it is pending — or left «sending» by a worker that died, once its lease
is over — and its next attempt is now or past. Each due row is claimed in its own short
transaction by a conditional UPDATE that takes the lease and counts the try, so two workers
never send the same row. A remote failure keeps the row with its error, to be tried again
after a wait that doubles with the tries (:mod:`lti_tool.core.retry`); after the last try
it is «failed» and stays for a person to look at and send again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.core.retry import LEASE, MAX_ATTEMPTS, backoff
from lti_tool.db import Database, utcnow

log = logging.getLogger("marshrut.outbox")

#: Send one claimed row; raise one of the outbox's ``errors`` when it did not arrive.
Send = Callable[[Session, Any], None]


@dataclass(frozen=True)
class Outbox:
    """A table of things to deliver: a state column (pending → sending → sent | failed),
    ``attempts``, ``next_attempt_at``, ``last_error`` and ``sent_at``."""

    model: Any  # the mapped class
    state: str  # the name of its state column
    errors: tuple[type[Exception], ...]  # a failed try; anything else is a bug and raises
    max_attempts: int = MAX_ATTEMPTS
    only: tuple[Any, ...] = ()  # conditions narrowing the table (a channel)
    name: str = "outbox"  # in the log

    def _column(self) -> Any:
        return getattr(self.model, self.state)

    def due(self, session: Session, limit: int) -> list[int]:
        return list(session.scalars(select(self.model.id).where(
            self._column().in_(("pending", "sending")), self.model.next_attempt_at <= utcnow(),
            *self.only).order_by(self.model.id).limit(limit)))

    def claim(self, session: Session, row_id: int) -> bool:
        """Take the row's lease and count the try (committed); False when another worker
        has it or it is no longer due."""
        now = utcnow()
        result = session.execute(update(self.model).where(
            self.model.id == row_id, self.model.next_attempt_at <= now,
            self._column().in_(("pending", "sending")), *self.only).values(
            {self.state: "sending", "attempts": self.model.attempts + 1,
             "next_attempt_at": now + LEASE}))
        session.commit()
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def deliver(self, db: Database, send: Send, limit: int = 100) -> dict[str, int]:
        """Try every due row once; counts of ``sent``, ``retry`` and ``failed``."""
        counts = {"sent": 0, "retry": 0, "failed": 0}
        with db.session() as session:
            ids = self.due(session, limit)
        for row_id in ids:
            with db.session() as session:
                if not self.claim(session, row_id):
                    continue
                row = session.get_one(self.model, row_id)
                try:
                    send(session, row)
                except self.errors as exc:
                    row.last_error = str(exc)[:2000]
                    if row.attempts >= self.max_attempts:
                        setattr(row, self.state, "failed")
                        counts["failed"] += 1
                    else:
                        setattr(row, self.state, "pending")
                        row.next_attempt_at = utcnow() + backoff(row.attempts)
                        counts["retry"] += 1
                    log.warning("delivery failed", extra={
                        "outbox": self.name, "row_id": row_id, "attempts": row.attempts})
                else:
                    setattr(row, self.state, "sent")
                    row.sent_at, row.last_error = utcnow(), ""
                    counts["sent"] += 1
        return counts
