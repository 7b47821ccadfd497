"""Gunicorn as a library (``marshrut serve``), with the job consumer in the master process.

The master only supervises workers, so its spare threads run the embedded Huey consumer;
a region runs ``marshrut serve --no-embedded-worker`` and separate ``marshrut worker``s.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any], embedded_worker: bool) -> None:
        self.options = options
        self.embedded_worker = embedded_worker
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if self.embedded_worker:
            self.cfg.set("when_ready", _start_consumer)
            self.cfg.set("on_exit", _stop_consumer)

    def load(self) -> Any:
        from lti_tool.app import create_app

        return create_app()


_consumers: list[Any] = []


def _start_consumer(_server: Any) -> None:
    from lti_tool.app import create_app
    from lti_tool.jobs import jobs

    app = create_app()
    with app.app_context():
        _consumers.append(jobs().start_embedded_consumer())


def _stop_consumer(_server: Any) -> None:
    # Huey's worker threads are not daemons: without this the master never exits.
    for consumer in _consumers:
        consumer.stop(graceful=False)


def run(host: str, port: int, *, workers: int, threads: int, embedded_worker: bool) -> None:
    _Server({"bind": f"{host}:{port}", "workers": workers, "threads": threads,
             "worker_class": "gthread", "accesslog": "-", "timeout": 60,
             "forwarded_allow_ips": "127.0.0.1"}, embedded_worker).run()
