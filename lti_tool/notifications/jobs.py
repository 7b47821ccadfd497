"""E-mail of notifications as jobs: instant ones every minute (failures retried there, up to
five attempts), digests once a day at 15:00 UTC (18:00 Moscow)."""

from __future__ import annotations

from typing import Any

from huey import crontab

from lti_tool import jobs as queue


@queue.register
def _tasks(jobs: queue.Jobs) -> dict[str, Any]:
    app = jobs.app

    def _run(digest: bool) -> dict[str, int]:
        from lti_tool.db import get_db
        from lti_tool.notifications.services import deliver

        with app.app_context():
            return deliver(app, get_db(), digest=digest)

    @jobs.huey.task(retries=0)
    def deliver_notifications() -> dict[str, int]:
        return _run(False)

    @jobs.huey.periodic_task(crontab(minute="*"))
    def deliver_notifications_periodic() -> dict[str, int]:
        return _run(False)

    @jobs.huey.periodic_task(crontab(hour="15", minute="0"))
    def notification_digests() -> dict[str, int]:
        return _run(True)

    return {"deliver_notifications": deliver_notifications,
            "notification_digests": notification_digests}
