"""The job queue: Huey on SQLite by default (one machine), on Redis when MARSHRUT_REDIS_URL
is set (a region: many consumers). Tasks are made per app so they run with its settings;
``marshrut worker`` runs a consumer, ``marshrut serve`` an embedded one.

Each feature registers its own tasks (``register(fn)`` at import, as Deep Linking targets
are registered); this module imports no feature. A task is then ``jobs().<name>``."""

from __future__ import annotations

import fcntl
import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

from lti_tool.config import Settings

log = logging.getLogger("marshrut.jobs")

#: Makes a feature's tasks on a queue: decorates with ``jobs.huey.task`` /
#: ``periodic_task`` and returns them by name.
Registrar = Callable[["Jobs"], dict[str, Any]]
_REGISTRARS: list[Registrar] = []


def register(registrar: Registrar) -> Registrar:
    """A feature's tasks, made for every app's queue (call at import of the feature's jobs)."""
    if registrar not in _REGISTRARS:
        _REGISTRARS.append(registrar)
    return registrar


class Jobs:
    def __init__(self, app: Flask, settings: Settings) -> None:
        self.huey: Huey
        if settings.redis_url:
            self.huey = RedisHuey("marshrut", url=settings.redis_url)
        else:
            self.huey = _sqlite_huey(settings.instance_path / "jobs.sqlite")
        self.app = app
        self.tasks: dict[str, Any] = {}
        for registrar in _REGISTRARS:
            self.tasks.update(registrar(self))

    def __getattr__(self, name: str) -> Any:
        """``jobs().deliver_outbox()``: a registered task by its name."""
        tasks = self.__dict__.get("tasks", {})
        if name in tasks:
            return tasks[name]
        raise AttributeError(name)

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
