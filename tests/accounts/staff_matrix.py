"""The engine of the staff access matrices with sign-in sessions (no LMS): each case is one
route of access_catalogue with the actors allowed; every other actor of the same network or
school is refused (403, or the case's own code), the actor of another organisation gets 404,
a POST without the session's CSRF token gets 403 — and no row of any table changes."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import url_for
from sqlalchemy import select

from lti_tool.db import Base

# Rows that a refused request may touch by design: the session's last_seen.
NOT_WATCHED = frozenset({"account_session"})


@dataclass
class Case:
    endpoint: str
    method: str  # "GET" or "POST"
    args: dict[str, Any]
    allowed: set[str]  # GET: these get 200; POST: not refused (not sent in the refusals)
    refused: int = 403  # for the other actors of the organisation/network
    codes: dict[str, int] = field(default_factory=dict)  # per actor, where it differs
    data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] | None = None

    def expected(self, name: str, outsiders: Collection[str]) -> int:
        """The refusal this actor gets: another organisation never learns the object exists
        (404), unless the route refuses by role before it looks the object up (``codes``)."""
        return self.codes.get(name, 404 if name in outsiders else self.refused)

    def url(self, app: Any) -> str:
        with app.test_request_context():
            return str(url_for(self.endpoint, **self.args))


def every_row(tool: Any) -> dict[str, list[str]]:
    """Every table's rows (as text), to assert that refused requests changed nothing."""
    out: dict[str, list[str]] = {}
    with tool.db.session() as s:
        for table in Base.metadata.sorted_tables:
            if table.name not in NOT_WATCHED:
                out[table.name] = sorted(str(tuple(r)) for r in s.execute(select(table)))
    return out


def check(tool: Any, actors: dict[str, requests.Session], cases: list[Case], *,
          outsiders: Collection[str], forger: str, endpoints: frozenset[str]) -> None:
    """GET: the allowed actors 200, the others ``case.refused``, the outsiders 404.
    POST: without CSRF (``forger``, an allowed actor) 403; every actor not allowed 403/404
    with a valid token; and every table is unchanged afterwards."""
    assert {c.endpoint for c in cases} == set(endpoints), sorted(
        set(endpoints) ^ {c.endpoint for c in cases})
    base = tool.base
    for case in (c for c in cases if c.method == "GET"):
        url = case.url(tool.app)
        for name, client in actors.items():
            got = client.get(base + url, allow_redirects=False, timeout=30)
            want = 200 if name in case.allowed else case.expected(name, outsiders)
            assert got.status_code == want, (case.endpoint, name, got.status_code, want)
    tokens = {name: _csrf(client, base) for name, client in actors.items()}
    before = every_row(tool)
    for case in (c for c in cases if c.method == "POST"):
        url = case.url(tool.app)
        forged = actors[forger].post(base + url, data=case.data, files=case.files,
                                     allow_redirects=False, timeout=30)
        assert forged.status_code == 403, (case.endpoint, "no CSRF", forged.status_code)
        for name, client in actors.items():
            if name in case.allowed:
                continue
            want = case.expected(name, outsiders)
            got = client.post(base + url, data={**case.data, "csrf_token": tokens[name]},
                              files=case.files, allow_redirects=False, timeout=30)
            assert got.status_code == want, (case.endpoint, name, got.status_code, want)
    after = every_row(tool)
    changed = [t for t in before if before[t] != after[t]]
    assert not changed, f"refused requests changed {changed}"


def _csrf(client: requests.Session, base: str) -> str:
    from tests.accounts.conftest import csrf_for

    return csrf_for(client, base)
