"""Sync as queued jobs: «run now» from the admin page, and the schedule (every 5 minutes the
queue looks for connections whose interval has passed). Huey on SQLite or Redis alike."""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab

from lti_tool import jobs as queue

log = logging.getLogger("marshrut.sync")


@queue.register
def _tasks(jobs: queue.Jobs) -> dict[str, Any]:
    app = jobs.app

    def _sync(connection_id: int, trigger: str) -> dict[str, Any]:
        from lti_tool.db import get_db
        from lti_tool.sync.engine import SyncOptions
        from lti_tool.sync.runs import SyncRefused
        from lti_tool.sync.services import sync_now

        with app.app_context():
            try:
                result = sync_now(get_db(), connection_id, app.config["SECRET_KEY"],
                                  SyncOptions(trigger=trigger,
                                              redis_url=app.config["MARSHRUT"].redis_url),
                                  public_urls_only=not app.config["MARSHRUT"].allow_private_urls)
            except SyncRefused as exc:
                log.info("sync already running", extra={"run": str(exc)})
                return {"status": "refused", "run": str(exc)}
        return {"status": result.status, "run": result.public_id}

    @jobs.huey.task(retries=0)
    def sync_connection(connection_id: int, trigger: str = "admin") -> dict[str, Any]:
        return _sync(connection_id, trigger)

    @jobs.huey.periodic_task(crontab(minute="*/5"))
    def sync_scheduled() -> list[int]:
        from lti_tool.db import get_db
        from lti_tool.sync.services import due_for_schedule

        with app.app_context(), get_db().session() as session:
            due = due_for_schedule(session)
        for connection_id in due:
            sync_connection(connection_id, "schedule")
        return due

    return {"sync_connection": sync_connection, "sync_scheduled": sync_scheduled}
