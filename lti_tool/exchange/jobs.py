"""Package delivery as jobs: «send» from the coordinator's page queues one; a failed attempt
raises so Huey retries it (doubling delays); every 5 minutes the queue also picks up packages
still waiting (a lost job, a worker that died mid-send), so a package is never lost, and the
atomic claim in :func:`lti_tool.exchange.transfer.claim` means it is never sent twice."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from huey import crontab

from lti_tool.exchange import rules

if TYPE_CHECKING:
    from lti_tool.jobs import Jobs

log = logging.getLogger("marshrut.exchange")
RETRIES = 6
DELIVER = "marshrut.exchange.deliver"


class DeliveryFailed(Exception):
    """The attempt failed and the package is waiting again: Huey retries the task."""


def register(jobs: Jobs) -> None:
    app = jobs.app

    @jobs.huey.task(retries=RETRIES, retry_delay=int(rules.retry_delay(1)))
    def deliver_package(package_id: int) -> str:
        from lti_tool.db import get_db
        from lti_tool.exchange.transfer import inbox, send

        with app.app_context():
            # the delivery port: the in-tool inbox unless the app was given another
            state = send(get_db(), package_id, app.extensions.get(DELIVER, inbox))
        if state == rules.PREPARED:
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

    jobs.deliver_package = deliver_package
    jobs.deliver_waiting_packages = deliver_waiting_packages
