"""Other features' family pages with a sign-in session (no LMS), the same Viewer as a launch:
the child starts a route and adds an achievement with their own Сетевой город account; their
parent opens the route and gives consent; a parent of another family and a parent of
another school are refused, and nothing changes. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.pathways.models import Route
from lti_tool.portfolio.models import Achievement, Consent
from tests.accounts.conftest import SignIn, csrf_for
from tests.portfolio.helpers import PDF
from tests.sync.launches import launch_token


def _family(signin: SignIn) -> tuple[str, str, str, str]:
    """A parent of school 1001, their child, a parent of another family there, and a parent
    at the other school (1002): logins."""
    world = signin.state.world
    by_login = {p.login: p for p in world.people.values()}
    parents = signin.accounts[1001]["parents"]
    parent = parents[0]
    children = set(world.children_of[by_login[parent].id])
    stranger = next(p for p in parents[1:]
                    if not children & set(world.children_of[by_login[p].id]))
    child = world.people[sorted(children)[0]].login
    return parent, child, stranger, signin.parent(1002)


def _signed(signin: SignIn, login: str, school: str = "school") -> requests.Session:
    client = requests.Session()
    assert signin.sign_in(client, login, school=school).status_code == 303
    return client


def _count(tool: Any, *models: Any) -> tuple[int, ...]:
    with tool.db.session() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0) for m in models)


def test_a_parent_opens_their_childs_route_and_no_one_elses(signin: SignIn):
    tool, base = signin.tool, signin.tool.base
    parent, child, stranger, elsewhere = _family(signin)
    kid = _signed(signin, child)
    started = kid.post(base + "/app/routes/start", data={
        "start": "2026-09-01", "csrf_token": csrf_for(kid, base)}, allow_redirects=False,
        timeout=30)
    assert started.status_code == 303, started.text[:500]
    with tool.db.session() as s:
        route = s.scalars(select(Route)).one()
        rid, state, version = route.public_id, route.state, route.version
    mum = _signed(signin, parent)
    page = mum.get(base + f"/app/routes/{rid}", timeout=30)
    assert page.status_code == 200
    assert signin.children_of(parent)[0] in mum.get(base + "/app/routes/", timeout=30).text
    # Another family at the same school, and a parent of the other school: no such route.
    others = [_signed(signin, stranger), _signed(signin, elsewhere, "other")]
    before = _count(tool, Route, AuditEntry)  # after the sign-ins (each is audited)
    for other in others:
        assert other.get(base + f"/app/routes/{rid}", timeout=30).status_code == 404
        act = other.post(base + f"/app/routes/{rid}/act", data={
            "action": "agree", "version": str(version), "csrf_token": csrf_for(other, base)},
            allow_redirects=False, timeout=30)
        assert act.status_code == 404
        assert rid not in other.get(base + "/app/routes/", timeout=30).text
    # The parent themself cannot start a route (only a student starts their own).
    refused = mum.post(base + "/app/routes/start", data={
        "start": "2026-09-01", "csrf_token": csrf_for(mum, base)}, allow_redirects=False,
        timeout=30)
    assert refused.status_code == 403
    assert _count(tool, Route, AuditEntry) == before
    with tool.db.session() as s:
        assert (s.scalars(select(Route.state)).one(), s.scalars(select(Route.version)).one()
                ) == (state, version)


def test_a_parent_gives_consent_for_their_childs_achievement_only(platform, signin: SignIn):
    tool, base = signin.tool, signin.tool.base
    parent, child, stranger, elsewhere = _family(signin)
    kid = _signed(signin, child)
    added = kid.post(base + "/app/portfolio/new", data={
        "section": "study", "title": "Призёр олимпиады по математике", "level": "regional",
        "result": "prizewinner", "achieved_on": "2026-10-15", "csrf_token": csrf_for(kid, base)},
        files=[("files", ("диплом.pdf", PDF, "application/pdf"))], allow_redirects=False,
        timeout=30)
    assert added.status_code == 303, added.text[:800]
    item = added.headers["Location"].split("/app/portfolio/a/")[1].split("?")[0]
    # The school's admin (through the LMS) confirms it: consent is for confirmed items.
    admin = launch_token(platform, tool, "admin")
    confirmed = requests.post(base + f"/app/portfolio/a/{item}/moderate", data={
        "lt": admin, "action": "confirm"}, allow_redirects=False, timeout=30)
    assert confirmed.status_code == 303
    others = [(_signed(signin, stranger), 403), (_signed(signin, elsewhere, "other"), 404)]
    mum = _signed(signin, parent)
    before = _count(tool, Consent, AuditEntry)  # after the sign-ins (each is audited)
    for other, status in others:
        assert other.get(base + f"/app/portfolio/a/{item}", timeout=30).status_code == status
        post = other.post(base + f"/app/portfolio/a/{item}/consent", data={
            "on": "1", "csrf_token": csrf_for(other, base)}, allow_redirects=False, timeout=30)
        assert post.status_code == status
    # Without the session's CSRF token the parent's own consent is refused too.
    forged = mum.post(base + f"/app/portfolio/a/{item}/consent", data={"on": "1"},
                      allow_redirects=False, timeout=30)
    assert forged.status_code == 403
    assert _count(tool, Consent, AuditEntry) == before
    page = mum.get(base + f"/app/portfolio/a/{item}", timeout=30)
    assert page.status_code == 200 and "/consent" in page.text
    given = mum.post(base + f"/app/portfolio/a/{item}/consent", data={
        "on": "1", "csrf_token": csrf_for(mum, base)}, allow_redirects=False, timeout=30)
    assert given.status_code == 303
    with tool.db.session() as s:
        consent = s.scalars(select(Consent)).one()
        owner = s.scalars(select(Achievement.owner_id)).one()
        assert consent.child_id == owner and consent.revoked_at is None
