"""The network's daily job: the annual cycle's reminders (``cycle/reminders.py``) and the
council's quarter reminder (``council/reminders.py``)."""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab

from lti_tool import jobs as queue

log = logging.getLogger("marshrut.network")


def _mailer(settings: Any) -> Any:
    """The notifications feature's mailer, when SMTP is configured."""
    from lti_tool.notifications import mail

    if not mail.configured(settings):
        return None
    return lambda to, subject, body: mail.send(settings, to, subject, body)


@queue.register
def _tasks(jobs: queue.Jobs) -> dict[str, Any]:
    app = jobs.app

    @jobs.huey.periodic_task(crontab(hour="6", minute="30"))
    def network_cycle_reminders() -> dict[str, int]:
        from lti_tool.db import get_db
        from lti_tool.network.council import reminders as council_reminders
        from lti_tool.network.cycle.reminders import send_due

        with app.app_context(), get_db().session() as session:
            mailer = _mailer(app.config["MARSHRUT"])
            counts = send_due(session, mailer)
            quarter = council_reminders.send_due(session, mailer)
            counts.update(council_due=quarter["due"], council_mailed=quarter["mailed"])
        if counts["due"]:
            log.info("network cycle reminders", extra=counts)
        return counts

    return {"network_cycle_reminders": network_cycle_reminders}
