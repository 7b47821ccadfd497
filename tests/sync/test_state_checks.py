"""Issue 8: run states, score states and source kinds are checked by the database, on SQLite
and PostgreSQL, and the migration goes both ways."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from lti_tool.db import Database
from lti_tool.migrate import alembic_config, upgrade
from lti_tool.people.models import Organisation
from lti_tool.sync.models import RUN_STATES, SOURCE_KINDS, SourceConnection, SyncRun

BEFORE = "b7d1f3a5c9e2"


def test_unknown_states_and_kinds_are_refused_by_the_database(database_url):
    command.downgrade(alembic_config(database_url), BEFORE)
    upgrade(database_url)  # down and up again: both directions run on this backend
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="s", name="Школа")
        s.add(org)
        s.flush()
        conns = [SourceConnection(organisation_id=org.id, kind=k, title=k) for k in SOURCE_KINDS]
        s.add_all(conns)
        s.flush()
        s.add_all([SyncRun(connection_id=conns[0].id, status=st) for st in RUN_STATES])
        s.commit()
        for check, sql in (
                ("ck_sync_connection_kind", "UPDATE sync_connection SET kind = 'excel'"),
                ("ck_sync_run_status", "UPDATE sync_run SET status = 'finished'"),
                ("ck_ags_outbox_score_status",
                 "INSERT INTO ags_outbox_score (idempotency_key, deployment_pk, "
                    "organisation_id, lineitems_url, lineitem, user_sub, score, status, "
                    "attempts, next_attempt_at, last_error, created_at) VALUES ('k', 1, 1, '', "
                    "'{}', 'u', '{}', 'lost', 0, '2026-01-01', '', '2026-01-01')")):
            with pytest.raises(IntegrityError, match=check):
                s.execute(text(sql))
                s.flush()
            s.rollback()
