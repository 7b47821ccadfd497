"""A run's message is stored as a code with parameters and rendered in the reader's
language (issue 7: it was stored already rendered in Russian, so the English UI could not
translate it). A run written before keeps its text and is still shown."""

from __future__ import annotations

from collections import Counter

import requests
from sqlalchemy import select

from adapters.netschool.sandbox import DEMO_PASSWORD
from lti_tool.sync import runs, services
from lti_tool.sync.engine import SyncOptions
from lti_tool.sync.messages import msg
from lti_tool.sync.models import SourceConnection, SyncRun
from schemas.record_schemas import load
from schemas.records import PersonRecord, RecordRejected
from tests.sync.conftest import SCHOOL, SINCE, TODAY, Remote
from tests.sync.launches import launch_token


def _report(tool, lt: str, public_id: str, lang: str) -> str:
    resp = requests.get(f"{tool.base}/app/admin/sync/runs/{public_id}",
                        params={"lt": lt, "lang": lang}, timeout=30)
    assert resp.status_code == 200
    return resp.text


def test_the_same_run_report_reads_in_russian_and_in_english(platform, tool, remote: Remote):
    key = tool.app.config["SECRET_KEY"]
    with tool.db.session() as s:
        conn_id = services.create_connection(s, tool.org_id, dict(
            kind="netschool", title="Сетевой город", base_url=remote.base, school=SCHOOL,
            login="zavuch1001", password=DEMO_PASSWORD), key, None).id
    remote.state.faults.update({"fail_next": 10_000, "paths": ["student/diary$"]})
    result = services.sync_now(tool.db, conn_id, key, SyncOptions(
        since=SINCE, today=TODAY, attempts=2, backoff_initial=0.01, backoff_max=0.02),
        timeout=(2, 5))
    assert result.status == "failed"
    with tool.db.session() as s:
        run = s.scalars(select(SyncRun).where(SyncRun.connection_id == conn_id)).one()
        assert run.message == "" and run.message_data is not None  # a code, not a text
        assert run.message_data["code"] == "run.source_down"
        public_id = run.public_id
        runs.record_coded_rejection(s, run, "MarkRecord", "diary:10077",
                                    msg("reject.unknown_student", id="10077"), Counter())
        try:  # a schema's verdict, reached in a job (no reader): kept as msgids, not text
            load(PersonRecord, dict(source_id="501", role="student", last_name="Ж" * 101,
                                    first_name="Анна"), "roster:501")
        except RecordRejected as exc:
            runs.record_rejections(s, run, [exc], Counter())
        else:
            raise AssertionError("a 101-letter surname was accepted")

    lt = launch_token(platform, tool, "admin")
    ru, en = _report(tool, lt, public_id, "ru"), _report(tool, lt, public_id, "en")
    assert "Источник недоступен, синхронизация остановлена: Сервер недоступен" in ru
    assert "The source is unavailable, the sync was stopped: The server is unavailable" in en
    assert "Источник недоступен" not in en and "Сервер недоступен" not in en
    assert "неизвестный ученик: 10077" in ru and "unknown student: 10077" in en
    assert "last_name: Длина должна быть от 1 до 100 символов." in ru
    assert "last_name: Length must be between 1 and 100 characters." in en


def test_a_run_stored_as_text_before_codes_is_still_shown(platform, tool):
    with tool.db.session() as s:
        conn = SourceConnection(organisation_id=tool.org_id, kind="oneroster", title="old",
                                settings={})
        s.add(conn)
        s.flush()
        run = SyncRun(connection_id=conn.id, status="failed",
                      message="Не получены 3 частей из 40: Сервер недоступен")
        s.add(run)
        s.flush()
        public_id = run.public_id
    lt = launch_token(platform, tool, "admin")
    for lang in ("ru", "en"):
        assert "Не получены 3 частей из 40: Сервер недоступен" in _report(
            tool, lt, public_id, lang)
