"""The monthly transfer as jobs. On the 1st, last month's packages are prepared for the
hosts to check. «Send» on the coordinator's page queues a package and a job delivers it; a
failed attempt raises so Huey retries it (doubling delays), and every 5 minutes the queue
picks up packages still queued or stuck mid-send (a lost job, a worker that died), so a
package is never lost; the atomic claim in :func:`lti_tool.exchange.transfer.claim` means
it is never sent twice."""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab

from lti_tool import jobs as queue
from lti_tool.core.retry import backoff
from lti_tool.exchange import rules

log = logging.getLogger("marshrut.exchange")
RETRIES = 6
DELIVER = "marshrut.exchange.deliver"


class DeliveryFailed(Exception):
    """The attempt failed and the package is waiting again: Huey retries the task."""


@queue.register
def _tasks(jobs: queue.Jobs) -> dict[str, Any]:
    app = jobs.app

    @jobs.huey.task(retries=RETRIES, retry_delay=int(backoff(1).total_seconds()))
    def deliver_package(package_id: int) -> str:
        from lti_tool.db import get_db
        from lti_tool.exchange.transfer import inbox, send

        with app.app_context():
            # the delivery port: the in-tool inbox unless the app was given another
            state = send(get_db(), package_id, app.extensions.get(DELIVER, inbox))
        if state == rules.QUEUED:
            raise DeliveryFailed(package_id)
        return state

    @jobs.huey.periodic_task(crontab(minute="*/5"))
    def deliver_waiting_packages() -> list[int]:
        from lti_tool.db import get_db
        from lti_tool.exchange.transfer import due_for_sending

        with app.app_context():
            due = list(due_for_sending(get_db()))
        for package_id in due:
            deliver_package(package_id)
        return due

    @jobs.huey.periodic_task(crontab(day="1", hour="3", minute="0"))
    def prepare_last_month() -> list[int]:
        """On the 1st: last month's packages for every host → home pair, ready for the
        hosts to check and send (nothing is sent unasked)."""
        from datetime import date, timedelta

        from lti_tool.db import get_db
        from lti_tool.exchange.transfer import prepare_month

        last = date.today().replace(day=1) - timedelta(days=1)
        with app.app_context():
            return prepare_month(get_db(), rules.period_of(last))

    def _push_marks() -> dict[str, int]:
        from lti_tool.db import get_db
        from lti_tool.exchange.gradebook import deliver_moodle_due

        with app.app_context():
            counts = deliver_moodle_due(get_db(), app.config["SECRET_KEY"], allow_private=(
                app.config["MARSHRUT"].allow_private_urls))
        if any(counts.values()):
            log.info("final marks to Moodle", extra=counts)
        return counts

    @jobs.huey.task(retries=0)
    def deliver_mark_pushes() -> dict[str, int]:
        """Final marks into home schools' Moodle gradebooks (AGS ones go by the outbox)."""
        return _push_marks()

    @jobs.huey.periodic_task(crontab(minute="*"))
    def deliver_mark_pushes_periodic() -> dict[str, int]:
        return _push_marks()

    return {"deliver_package": deliver_package, "prepare_last_month": prepare_last_month,
            "deliver_waiting_packages": deliver_waiting_packages,
            "deliver_mark_pushes": deliver_mark_pushes,
            "deliver_mark_pushes_periodic": deliver_mark_pushes_periodic}
