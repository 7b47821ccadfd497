"""The network's daily job: the annual cycle's reminders (see ``cycle/reminders.py``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from huey import crontab

if TYPE_CHECKING:
    from lti_tool.jobs import Jobs

log = logging.getLogger("marshrut.network")


def _mailer(settings: Any) -> Any:
    """The notifications feature's mailer, when SMTP is configured."""
    from lti_tool.notifications import mail

    if not mail.configured(settings):
        return None
    return lambda to, subject, body: mail.send(settings, to, subject, body)


def register(jobs: Jobs) -> None:
    app = jobs.app

    @jobs.huey.periodic_task(crontab(hour="6", minute="30"))
    def network_cycle_reminders() -> dict[str, int]:
        from lti_tool.db import get_db
        from lti_tool.network.cycle.reminders import send_due

        with app.app_context(), get_db().session() as session:
            counts = send_due(session, _mailer(app.config["MARSHRUT"]))
        if counts["due"]:
            log.info("network cycle reminders", extra=counts)
        return counts

    jobs.network_cycle_reminders = network_cycle_reminders  # type: ignore[attr-defined]
