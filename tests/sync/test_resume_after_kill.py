"""A sync process killed with SIGKILL mid-run: the next run marks it interrupted, keeps its
window, skips the chunks it had committed, and ends with exactly the remote's data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from lti_tool.journal.models import Mark
from lti_tool.sync.models import SyncRun


def _cli(env, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    environ = {**os.environ, "MARSHRUT_DATABASE_URL": env.url,
               "MARSHRUT_SECRET_KEY": env.secret_key, "MARSHRUT_INSTANCE_PATH": str(tmp_path),
               "MARSHRUT_ALLOW_PRIVATE_URLS": "1"}  # the sandbox is on loopback
    return subprocess.Popen([sys.executable, "-m", "lti_tool.cli", "sync", *args],
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _run_row(env) -> SyncRun | None:
    with env.db.session() as s:
        return s.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()


def test_killed_sync_resumes_without_duplicates_or_gaps(remote, env, tmp_path):
    remote.state.faults.update({"delay": 0.08})  # slow enough to kill it mid-run
    proc = _cli(env, tmp_path, "netschool", "--org", "school")
    deadline = time.monotonic() + 60
    killed_at = None
    while time.monotonic() < deadline and proc.poll() is None:
        run = _run_row(env)
        if run is not None and 0 < run.chunks_done < run.chunks_total:
            proc.send_signal(signal.SIGKILL)
            killed_at = run.chunks_done
            break
        time.sleep(0.05)
    proc.wait(10)
    assert killed_at is not None, "the sync finished before it could be killed: " + (
        proc.stderr.read() if proc.stderr else "")
    first = _run_row(env)
    assert first.status == "running"  # nobody could mark it: the process is gone
    with env.db.session() as s:
        partial = s.scalar(select(func.count(Mark.id)))
    remote.state.reset_faults()

    again = _cli(env, tmp_path, "netschool", "--org", "school")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "done" in out
    with env.db.session() as s:
        old = s.get(SyncRun, first.id)
        new = s.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert old.status == "interrupted"
        assert new.resumed_from_id == old.id
        assert (new.window_start, new.window_end) == (old.window_start, old.window_end)
        assert new.counts["chunks.resumed"] >= killed_at  # what was committed is not redone
        total = s.scalar(select(func.count(Mark.id)))
    assert total >= partial
    truth = remote.truth(old.window_start, old.window_end)
    held = env.held()
    assert held == truth
    assert total == len(truth[0])  # one row per remote mark: no duplicates, nothing missing
