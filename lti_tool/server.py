"""Gunicorn as a library (``marshrut serve``), with the job consumer in a process beside it.

The consumer used to run as threads in the gunicorn master. That had two faults: Huey's
consumer replaced gunicorn's signal handlers (SIGTERM and Ctrl+C were ignored), and the
master forked its web workers while the consumer's threads held SQLite locks (workers that
failed to boot on «database is locked», or hung). Now the consumer is a child process
(``marshrut worker``) started before gunicorn and stopped after it: each process keeps its
own signal handling, and the master never runs threads. A region runs
``marshrut serve --no-embedded-worker`` and separate ``marshrut worker``s.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

#: Gunicorn's default access log line without the query string (launch tokens may ride
#: there) and without the Referer (which may carry another site's query string).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
#: How long a stopping consumer may finish the jobs in hand (a sync that is cut short
#: resumes from its checkpoint on the next run; the outbox keeps unsent scores).
STOP_GRACE = 10.0


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from lti_tool.app import create_app

        return create_app()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the consumer gets SIGTERM if ``marshrut serve`` itself is killed."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_consumer() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from lti_tool.cli import main; main()", "worker"],
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)


def stop_consumer(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # graceful in ``marshrut worker`` (jobs.run_consumer)
    try:
        proc.wait(STOP_GRACE + 5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run(host: str, port: int, *, workers: int, threads: int, embedded_worker: bool,
        banner: str = "") -> None:
    """``banner`` is printed once the server listens, so it is the last thing people read."""
    consumer = start_consumer() if embedded_worker else None
    options: dict[str, Any] = {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "gthread", "accesslog": "-", "timeout": 60,
        "access_log_format": ACCESS_LOG_FORMAT, "graceful_timeout": int(STOP_GRACE),
        "forwarded_allow_ips": "127.0.0.1"}
    if banner:
        options["when_ready"] = lambda _server: print(banner, flush=True)
    try:
        _Server(options).run()
    finally:
        if consumer is not None:
            stop_consumer(consumer)
