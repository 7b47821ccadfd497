"""Politeness over HTTP (issue 7): two schools on one regional Сетевой город server got
2 × 4 requests in flight. The sandbox counts the requests it is answering at once; its peak
must stay within one connection's bound, for every request a sync makes (log-in, the
school's year, diaries, log-out), in one process and across worker processes on Redis."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from adapters.netschool.sandbox import DEMO_PASSWORD
from lti_tool.db import Database
from lti_tool.people.models import Organisation
from lti_tool.sync import services
from lti_tool.sync.engine import RunResult, SyncOptions
from tests.sync.conftest import FAST, SINCE, TODAY, Remote

SCHOOLS = (("МБОУ СОШ №37", "zavuch1001"), ("МБОУ Лицей №1", "zavuch1002"))


def _connect(db: Database, slug: str, base: str, school: str, login: str) -> int:
    with db.session() as s:
        org = Organisation(slug=slug, name=school)
        s.add(org)
        s.flush()
        return services.create_connection(s, org.id, dict(
            kind="netschool", title=school, base_url=base, school=school, login=login,
            password=DEMO_PASSWORD), "key", None).id


def test_two_schools_on_one_server_share_one_bound(remote: Remote, database_url: str):
    db = Database(database_url)
    conns = [_connect(db, f"s{i}", remote.base, school, login)
             for i, (school, login) in enumerate(SCHOOLS)]
    remote.state.faults.update({"delay": 0.05})  # requests overlap
    results: list[RunResult] = []

    def run(conn_id: int) -> None:
        results.append(services.sync_now(db, conn_id, "key", SyncOptions(
            since=SINCE, today=TODAY, concurrency=4, **FAST), timeout=(2, 5)))

    threads = [threading.Thread(target=run, args=(c,)) for c in conns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status for r in results] == ["done", "done"], [r.message for r in results]
    assert remote.state.requests  # both really talked to the server
    assert 1 <= remote.state.peak_in_flight <= 4
    db.engine.dispose()


def test_worker_processes_share_the_bound_through_redis(remote: Remote, redis_url: str,
                                                        sqlite_template: Path, tmp_path: Path):
    remote.state.faults.update({"delay": 0.05})
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    children = []
    for i, (school, login) in enumerate(SCHOOLS):
        target = tmp_path / f"worker{i}.sqlite"  # each worker its own database: only the
        shutil.copy(sqlite_template, target)     # remote server is shared
        children.append(subprocess.Popen(
            [sys.executable, "-m", "tests.sync.politeness_child", f"sqlite:///{target}",
             remote.base, school, login, redis_url],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outputs = [c.communicate(timeout=300)[0] for c in children]
    assert [c.returncode for c in children] == [0, 0], outputs
    assert 1 <= remote.state.peak_in_flight <= 4
