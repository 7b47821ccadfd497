"""The job queue: Huey on SQLite by default (one machine), on Redis when MARSHRUT_REDIS_URL
is set (a region: many consumers). Tasks are registered per app so they run with its
settings; ``marshrut worker`` runs a consumer, ``marshrut serve`` an embedded one."""

from __future__ import annotations

import fcntl
import logging
import signal
import threading
from pathlib import Path
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
            self.huey = _sqlite_huey(settings.instance_path / "jobs.sqlite")
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
        self.deliver_package: Any = None
        self.deliver_waiting_packages: Any = None
        self.prepare_last_month: Any = None

        from lti_tool.exchange.jobs import register as register_exchange
        from lti_tool.network.jobs import register as register_network
        from lti_tool.notifications.jobs import register as register_notifications
        from lti_tool.pathways.jobs import register as register_pathways
        from lti_tool.sync.jobs import register

        register(self)
        register_exchange(self)
        register_network(self)
        register_pathways(self)
        register_notifications(self)

    def _deliver(self) -> dict[str, int]:
        from lti_tool.db import get_db
        from lti_tool.gradebook.services import deliver_due

        with self.app.app_context():
            counts = deliver_due(get_db(), self.app.config["SECRET_KEY"], allow_private=(
                self.app.config["MARSHRUT"].allow_private_urls))
        if any(counts.values()):
            log.info("outbox delivery", extra=counts)
        return counts

    def run_consumer(self, workers: int = 2, grace: float = 10.0) -> None:
        """Consume jobs until SIGTERM or SIGINT, then stop gracefully: the jobs in hand get
        ``grace`` seconds to finish. One still running after that is cut off: a sync resumes
        from its last checkpoint on the next run, and the score outbox keeps what it has
        not sent, so nothing is lost (Huey alone treats SIGTERM as an immediate stop)."""
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread",
                                             periodic=True, shutdown_timeout=grace)
        stop = threading.Event()
        consumer.start()
        # After start(): Huey sets its own handlers there (SIGTERM = stop at once).
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        log.info("job consumer started", extra={"workers": workers})
        while not stop.wait(1.0):
            pass
        log.info("job consumer stopping")
        consumer.stop(graceful=True)  # waits at most ``grace`` s, then interrupts


def _sqlite_huey(path: Path) -> Huey:
    """Create the queue's tables one process at a time (a file lock): the web workers and
    the consumer start together, and Huey's schema set-up takes an exclusive lock that a
    concurrent one may fail to get («database is locked»)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return SqliteHuey("marshrut", filename=str(path), timeout=30)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def init_app(app: Flask) -> None:
    app.extensions["marshrut.jobs"] = Jobs(app, app.config["MARSHRUT"])


def jobs() -> Jobs:
    return current_app.extensions["marshrut.jobs"]  # type: ignore[no-any-return]
