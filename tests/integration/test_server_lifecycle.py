"""``marshrut serve`` and ``marshrut demo`` as a person runs them: real processes, started
and stopped many times in a row (issue 7: a boot race on the job queue's SQLite file, and
SIGTERM / Ctrl+C ignored while the embedded consumer ran)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_server_left_behind() -> Iterator[None]:
    """A failed test must not leave its server running (each keeps a job consumer polling):
    whatever a test started is killed with its whole process group."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(10)


def _start(args: list[str], instance: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = instance / "server.log"
    env = {**os.environ, "MARSHRUT_INSTANCE_PATH": str(instance),
           "MARSHRUT_BASE_URL": f"http://127.0.0.1:{port}"}
    env.pop("MARSHRUT_DATABASE_URL", None)
    env.pop("MARSHRUT_REDIS_URL", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from lti_tool.cli import main; main()", *args,
             "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group, as a terminal's job is
    _STARTED.append(proc)
    return proc, log


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, log: Path, path: str = "/healthz"
                  ) -> requests.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            resp = requests.get(f"http://127.0.0.1:{port}{path}", timeout=15)
            if resp.status_code == 200:
                return resp
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or a slow first answer (a loaded machine): deadline decides
        time.sleep(0.2)
    raise AssertionError("server did not answer:\n" + log.read_text(errors="replace"))


def _wait_for(log: Path, text: str) -> None:
    deadline = time.monotonic() + 30
    while text not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes], how: str, log: Path) -> float:
    started = time.monotonic()
    if how == "ctrl-c":  # a terminal sends SIGINT to the whole foreground group
        os.killpg(proc.pid, signal.SIGINT)
    else:  # systemd / docker stop: SIGTERM to the main process
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"{how} did not stop the server:\n"
                             + log.read_text(errors="replace")) from None
    took = time.monotonic() - started
    time.sleep(0.3)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # nothing of the group is left: workers, consumer
    return took


def test_serve_starts_and_stops_every_time(tmp_path):
    subprocess.run([sys.executable, "-c", "from lti_tool.cli import main; main()", "db",
                    "upgrade"], env={**os.environ, "MARSHRUT_INSTANCE_PATH": str(tmp_path)},
                   check=True, capture_output=True)
    for attempt in range(8):
        port = _free_port()
        proc, log = _start(["serve"], tmp_path, port)
        resp = _wait_healthy(proc, port, log, "/healthz?lt=SECRET-LAUNCH-TOKEN")
        assert resp.json()["status"] == "ok"
        _wait_for(log, "job consumer started")
        took = _stop(proc, "ctrl-c" if attempt % 2 else "sigterm", log)
        assert took < 20, took
        text = log.read_text(errors="replace")
        assert "database is locked" not in text and "Worker failed to boot" not in text
        assert "job consumer stopping" in text  # the consumer was told, not killed
        assert "GET /healthz" in text and "SECRET-LAUNCH-TOKEN" not in text  # no query logged


def test_demo_answers_at_the_root_and_stops_on_ctrl_c(tmp_path):
    port = _free_port()
    proc, log = _start(["demo"], tmp_path, port)
    _wait_healthy(proc, port, log)
    root = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
    assert root.status_code == 200 and "Открыть демо-LMS" in root.text
    assert 'href="/demo/"' in root.text
    _stop(proc, "ctrl-c", log)
    text = log.read_text(errors="replace")
    # The last thing printed before the server's own log: where to go and with whom.
    assert f"http://127.0.0.1:{port}/demo/" in text and "Маршрут2026" in text
    assert "t-ivanova" in text and "Ctrl+C" in text
    assert (tmp_path / "marshrut.sqlite").stat().st_mode & 0o077 == 0  # not world-readable
