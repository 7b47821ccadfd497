"""The network's daily job: the annual cycle's reminders (``cycle/reminders.py``), the
council's quarter reminder (``council/reminders.py``) and near events
(``events/reminders.py``). Each tells people through the notifications feature, whose own
job sends the e-mails per each person's preference."""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab

from lti_tool import jobs as queue

log = logging.getLogger("marshrut.network")


def run_reminders(session: Any) -> dict[str, int]:
    """All three, in the caller's transaction (committed by the caller)."""
    from lti_tool.network.council import reminders as council_reminders
    from lti_tool.network.cycle import reminders as cycle_reminders
    from lti_tool.network.events import reminders as event_reminders

    cycle = cycle_reminders.send_due(session)
    council = council_reminders.send_due(session)
    events = event_reminders.send_due(session)
    return {"due": cycle["due"], "notified": cycle["notified"], "council_due": council["due"],
            "council_notified": council["notified"], "events": events["events"],
            "event_notified": events["notified"]}


@queue.register
def _tasks(jobs: queue.Jobs) -> dict[str, Any]:
    app = jobs.app

    @jobs.huey.periodic_task(crontab(hour="6", minute="30"))
    def network_cycle_reminders() -> dict[str, int]:
        from lti_tool.db import get_db

        with app.app_context(), get_db().session() as session:
            counts = run_reminders(session)
            session.commit()
        if any(counts.values()):
            log.info("network reminders", extra=counts)
        return counts

    return {"network_cycle_reminders": network_cycle_reminders}
