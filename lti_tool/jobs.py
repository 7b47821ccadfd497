"""The job queue: Huey on SQLite by default (one machine), on Redis when MARSHRUT_REDIS_URL
is set (a region: many consumers). Tasks are registered per app so they run with its
settings; ``marshrut worker`` runs a consumer, ``marshrut serve`` an embedded one."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab

from lti_tool.config import Settings

log = logging.getLogger("marshrut.jobs")


class Jobs:
    def __init__(self, app: Flask, settings: Settings) -> None:
        self.huey: Huey
        if settings.redis_url:
            self.huey = RedisHuey("marshrut", url=settings.redis_url)
        else:
            self.huey = SqliteHuey(
                "marshrut", filename=str(settings.instance_path / "jobs.sqlite"))
        self.app = app

        @self.huey.task(retries=0)
        def deliver_outbox() -> dict[str, int]:
            return self._deliver()

        @self.huey.periodic_task(crontab(minute="*"))
        def deliver_outbox_periodic() -> dict[str, int]:
            return self._deliver()

        self.deliver_outbox = deliver_outbox
        self.sync_connection: Any = None
        self.sync_scheduled: Any = None

        from lti_tool.sync.jobs import register

        register(self)

    def _deliver(self) -> dict[str, int]:
        from lti_tool.db import get_db
        from lti_tool.gradebook.services import deliver_due

        with self.app.app_context():
            counts = deliver_due(get_db(), self.app.config["SECRET_KEY"])
        if any(counts.values()):
            log.info("outbox delivery", extra=counts)
        return counts

    def start_embedded_consumer(self, workers: int = 2) -> Any:
        """Worker threads inside the web process: enough for a single-machine school."""
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread",
                                             periodic=True, check_worker_health=False)
        consumer.start()
        return consumer


def init_app(app: Flask) -> None:
    app.extensions["marshrut.jobs"] = Jobs(app, app.config["MARSHRUT"])


def jobs() -> Jobs:
    return current_app.extensions["marshrut.jobs"]  # type: ignore[no-any-return]
