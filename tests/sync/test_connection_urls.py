"""A sync server URL typed in the web form may not point at the tool's own network (SSRF):
the form is refused with the reason on the field and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, redirect
from marshmallow import ValidationError
from sqlalchemy import func, select

from lti_tool.db import Database
from lti_tool.people.models import Organisation
from lti_tool.sync import services
from lti_tool.sync.models import SourceConnection
from tests.servers import serve

FORM = dict(kind="netschool", title="Сетевой город", school="МБОУ СОШ № 37", login="zavuch",
            password="Секрет-123")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "https://localhost",
                                 "http://10.1.2.3", "http://169.254.169.254",
                                 "http://[::1]:5000", "https://admin@sgo.example.ru"])
def test_internal_server_urls_are_refused(database_url, url):
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="school", name="Школа")
        s.add(org)
        s.flush()
        with pytest.raises(ValidationError) as err:
            services.create_connection(s, org.id, {**FORM, "base_url": url}, "k", None,
                                       public_urls_only=True)
        assert "base_url" in err.value.messages
        assert "не принимается" in str(err.value.messages["base_url"])
        s.rollback()
    with db.session() as s:
        assert s.scalar(select(func.count(SourceConnection.id))) == 0


# --- at fetch time: the adapters' own sessions follow the same rule ---------------------------

CONNECT = {"netschool": FORM, "moodle": dict(kind="moodle", title="Moodle", token="ws-token")}


@pytest.fixture
def servers() -> Iterator[dict[str, Any]]:
    """``inner`` stands for an internal service (counts every request it gets); ``outer``
    answers everything with a redirect to it."""
    hits: dict[str, Any] = {"inner": 0, "outer": 0}
    inner, outer = Flask("inner"), Flask("outer")

    @inner.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @inner.route("/<path:path>", methods=["GET", "POST"])
    def secret(path: str) -> Any:
        hits["inner"] += 1
        return {"secret": "metadata"}

    @outer.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @outer.route("/<path:path>", methods=["GET", "POST"])
    def bounce(path: str) -> Any:
        hits["outer"] += 1
        return redirect(hits["inner_base"] + "/latest/meta-data", 307)

    with serve(lambda base: inner) as (inner_base, _), serve(lambda base: outer) as (ob, _):
        hits.update(inner_base=inner_base, outer_base=ob)
        yield hits


def _stored(db: Database, kind: str, url: str) -> SourceConnection:
    """Stored by the operator's CLI (no check then), or before the name was re-bound."""
    with db.session() as s:
        org = Organisation(slug="school", name="Школа")
        s.add(org)
        s.flush()
        conn = services.create_connection(s, org.id, {**CONNECT[kind], "base_url": url},
                                          "k", None)
        s.expunge(conn)
    return conn


@pytest.mark.parametrize("kind", ["netschool", "moodle"])
def test_a_stored_internal_url_is_not_fetched_when_syncing(database_url, servers, kind):
    db = Database(database_url)
    url = servers["inner_base"].replace("127.0.0.1", "localhost")
    conn = _stored(db, kind, url)
    ok, message = services.test_connection(conn, "k", public_urls_only=True, timeout=5)
    assert not ok and message
    result = services.sync_now(db, conn.id, "k", public_urls_only=True, timeout=5)
    assert result.status != "ok"
    assert servers["inner"] == 0  # nothing ever reached the internal service
    db.engine.dispose()


@pytest.mark.parametrize("kind", ["netschool", "moodle"])
def test_a_sync_server_redirect_is_not_followed(database_url, servers, kind):
    """Even where private addresses are allowed (tests, the demo), a server cannot send
    the tool on to another address."""
    db = Database(database_url)
    conn = _stored(db, kind, servers["outer_base"])
    ok, _message = services.test_connection(conn, "k", timeout=5)
    assert not ok
    assert servers["outer"] >= 1 and servers["inner"] == 0
    db.engine.dispose()
