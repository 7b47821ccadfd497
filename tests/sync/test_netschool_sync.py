"""Sync from the Сетевой город sandbox over HTTP into SQLite and PostgreSQL: the journal
converges to exactly the remote's data, a repeat writes nothing, remote changes and
deletions arrive, faults end in a clean finish or a clean stop and a later run converges."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from adapters.netschool.sandbox import DEMO_PASSWORD
from lti_tool.journal.models import Mark
from lti_tool.people.models import ClassEnrolment, Guardianship, Person
from lti_tool.sync.engine import SyncOptions
from lti_tool.sync.models import SyncRejection, SyncRun
from tests.sync.conftest import SINCE, TODAY


def _summary(result) -> dict[str, int]:
    return {k.removeprefix("summary."): v for k, v in result.counts.items()
            if k.startswith("summary.")}


def _end():
    from datetime import timedelta

    return TODAY + timedelta(days=7)


def test_first_sync_brings_exactly_the_remote_journal(remote, env):
    result = env.sync()
    assert result.status == "done", result.message
    truth = remote.truth(SINCE, _end())
    assert truth[0], "the sandbox serves marks in this window"
    assert env.held() == truth
    s = _summary(result)
    assert s["created"] > len(truth[0]) and s["rejected"] == 0
    with env.db.session() as db:
        assert db.scalar(select(func.count(Person.id))) == 8  # the school's 8 students
        assert db.scalar(select(func.count(ClassEnrolment.id))) == 8
        run = db.get(SyncRun, result.run_id)
        assert run.chunks_done == run.chunks_total == 5 * 8  # five weeks, one chunk each


def test_a_repeat_with_no_remote_change_writes_nothing(remote, env):
    env.sync()
    before = env.held()
    again = env.sync()
    s = _summary(again)
    assert again.status == "done"
    assert (s["created"], s["updated"], s["deleted"]) == (0, 0, 0)
    assert s["unchanged"] >= len(before[0])
    assert env.held() == before


def test_remote_changes_and_deletions_arrive(remote, env):
    env.sync()
    marks = sorted(env.held()[0])
    (changed_a, changed_s, old), (gone_a, gone_s, _) = marks[0], marks[1]
    new = "2" if old != "2" else "5"
    remote.state.set_mark(int(changed_a), int(changed_s), {"mark": int(new), "dutyMark": False})
    remote.state.set_mark(int(gone_a), int(gone_s), None)
    result = env.sync()
    counts = result.counts
    assert counts["marks.updated"] == 1 and counts["marks.deleted"] == 1
    assert counts.get("marks.created", 0) == 0
    held = env.held()
    assert (changed_a, changed_s, new) in held[0]
    assert not any(m[:2] == (gone_a, gone_s) for m in held[0])
    assert held == remote.truth(SINCE, _end())


def test_flaky_server_still_converges(remote, env):
    remote.state.faults.update({"error_rate": 0.25, "malformed_rate": 0.1,
                                "paths": ["student/diary"]})
    result = env.sync(attempts=8)
    assert result.status == "done", result.message
    remote.state.reset_faults()
    assert env.held() == remote.truth(SINCE, _end())


def test_tokens_expiring_mid_run_are_renewed(remote, env):
    remote.state.faults.update({"token_lifetime": 0.3, "delay": 0.06})
    result = env.sync()
    assert result.status == "done", result.message
    assert remote.state.logins > 2  # it logged in again, and went on
    remote.state.reset_faults()
    assert env.held() == remote.truth(SINCE, _end())


def test_server_going_down_stops_cleanly_and_the_next_run_resumes(remote, env):
    remote.state.faults.update({"delay": 0.01})
    remote.state.faults.update({"fail_next": 10_000, "paths": ["student/diary$"]})
    failed = env.sync(attempts=2, max_failed_in_row=3)
    assert failed.status == "failed" and "недоступен" in failed.message
    with env.db.session() as s:
        assert s.scalar(select(func.count(Mark.id))) == 0  # nothing half-written
    remote.state.reset_faults()
    result = env.sync()
    assert result.status == "done", result.message
    with env.db.session() as s:
        run = s.get(SyncRun, result.run_id)
        assert run.resumed_from_id == failed.run_id
    assert env.held() == remote.truth(SINCE, _end())


def test_maintenance_mid_run_stops_with_a_clear_message(remote, env):
    remote.state.faults.update({"maintenance": True})
    remote.state.expire_tokens()
    result = env.sync(attempts=2)
    assert result.status == "failed"
    assert "обслуживании" in result.message
    remote.state.reset_faults()
    assert env.sync().status == "done"
    assert env.held() == remote.truth(SINCE, _end())


def test_wrong_password_fails_clearly_and_writes_nothing(remote, env, caplog):
    from lti_tool.crypto import encrypt
    from lti_tool.sync.models import SourceConnection

    with env.db.session() as s:
        s.get(SourceConnection, env.conn_id).secret = encrypt("неверный", env.secret_key)
    result = env.sync()
    assert result.status == "failed" and "Неверный логин или пароль" in result.message
    with env.db.session() as s:
        assert s.scalar(select(func.count(Person.id))) == 0


def test_the_password_never_reaches_the_logs_or_the_database(remote, env, caplog):
    caplog.set_level(logging.DEBUG)
    env.sync()
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert DEMO_PASSWORD not in logged
    with env.db.session() as s:
        from lti_tool.sync.models import SourceConnection

        conn = s.get(SourceConnection, env.conn_id)
        assert DEMO_PASSWORD not in repr(conn.settings) and DEMO_PASSWORD not in conn.secret


def test_malformed_remote_records_are_reported_and_the_rest_kept(remote, env):
    marks = sorted(remote.truth(SINCE, _end())[0])
    bad_a, bad_s, _ = marks[0]
    remote.state.set_mark(int(bad_a), int(bad_s), {"mark": 9, "dutyMark": False})
    result = env.sync()
    assert result.status == "done"
    assert _summary(result)["rejected"] == 1
    with env.db.session() as s:
        reason = s.scalars(select(SyncRejection.reason)).one()
        source = s.scalars(select(SyncRejection.source)).one()
    assert "9" in reason and f"student {bad_s}" in source
    held = env.held()[0]
    assert len(held) == len(marks) - 1


def test_parents_see_only_their_children_after_sync(remote, env):
    # A school account does not list parents; a family account brings the guardianship.
    from adapters.netschool.sandbox import DEMO_PASSWORD as PW
    from lti_tool.sync import services

    world = remote.state.world
    parent, kids = next((p, k) for p, k in world.children_of.items()
                        if world.people[p].school_id == 1001 and len(k) >= 1)
    with env.db.session() as s:
        conn = services.create_connection(s, env.org_id, dict(
            kind="netschool", base_url=remote.base, school="МБОУ СОШ №37",
            login=world.people[parent].login, password=PW), env.secret_key, None)
        family_conn = conn.id
    env.sync()
    result = services.sync_now(env.db, family_conn, env.secret_key,
                               SyncOptions(since=SINCE, today=TODAY), timeout=(2, 5))
    assert result.status == "done", result.message
    with env.db.session() as s:
        pairs = s.execute(select(Guardianship.parent_id, Guardianship.child_id)).all()
        assert len(pairs) == len(kids)
