"""The score outbox as queued jobs: send now (after a teacher's score) and every minute
(the retries). The outbox rows are the truth, so a lost job loses nothing."""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab

from lti_tool import jobs as queue

log = logging.getLogger("marshrut.jobs")


@queue.register
def _tasks(jobs: queue.Jobs) -> dict[str, Any]:
    app = jobs.app

    def _deliver() -> dict[str, int]:
        from lti_tool.db import get_db
        from lti_tool.lms_scores.services import deliver_due

        with app.app_context():
            counts = deliver_due(get_db(), app.config["SECRET_KEY"], allow_private=(
                app.config["MARSHRUT"].allow_private_urls))
        if any(counts.values()):
            log.info("outbox delivery", extra=counts)
        return counts

    @jobs.huey.task(retries=0)
    def deliver_outbox() -> dict[str, int]:
        return _deliver()

    @jobs.huey.periodic_task(crontab(minute="*"))
    def deliver_outbox_periodic() -> dict[str, int]:
        return _deliver()

    return {"deliver_outbox": deliver_outbox, "deliver_outbox_periodic": deliver_outbox_periodic}
