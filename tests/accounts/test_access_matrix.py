"""Issue 10: the launch access tests repeated for signed-in (cookie) sessions, route by route.

Every route whose URL names an object must be known to access_catalogue (a new one fails
test_every_route_is_known). The family and class routes are then checked live with
Сетевой город sign-ins: the owner or their parent (or the school's admin) gets 200, another
family of the same school 403/404, a parent of the other school 404; every POST is refused
without the session's CSRF token and for the outsiders, and no table row changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from flask import url_for
from sqlalchemy import select

from lti_tool.app import create_app
from lti_tool.core.audit import AuditEntry
from lti_tool.pathways.models import Route
from lti_tool.people.models import ClassEnrolment, ClassGroup, Person
from lti_tool.portfolio.models import Achievement, Consent, Evidence, ModerationEvent
from tests.accounts import access_catalogue as cat
from tests.accounts.conftest import SignIn, csrf_for, local_session
from tests.accounts.test_signin_family_pages import _family, _signed
from tests.conftest import make_settings
from tests.portfolio.helpers import PDF
from tests.sync.launches import launch_token

ROOT = Path(__file__).resolve().parents[2]
WATCHED = (Route, Achievement, Consent, Evidence, ModerationEvent, ClassEnrolment, AuditEntry)


def _object_rules(app: Any) -> dict[str, set[str]]:
    """endpoint → methods, for every route with a URL parameter."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.arguments:
            found.setdefault(rule.endpoint, set()).update(
                (rule.methods or set()) - {"HEAD", "OPTIONS"})
    return found


def test_every_route_is_known(tmp_path):
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path}/a.db", "http://t"))
    known = cat.ALL_LIVE | set(cat.ELSEWHERE) | set(cat.PUBLIC)
    rules = _object_rules(app)
    unknown = sorted(set(rules) - known)
    assert not unknown, (
        f"routes with no access test: {unknown} — add them to tests/accounts/"
        "access_catalogue.py (LIVE with a case in test_access_matrix.py, ELSEWHERE with the "
        "test file that refuses other schools/relations, or PUBLIC with the reason)")
    assert not sorted(known - set(rules)), "the catalogue names routes that no longer exist"
    assert not cat.ALL_LIVE & (set(cat.ELSEWHERE) | set(cat.PUBLIC))
    assert sum(map(len, cat.LIVE_SETS)) == len(cat.ALL_LIVE), "a route in two LIVE sets"
    for endpoint, path in cat.ELSEWHERE.items():
        assert (ROOT / path).exists(), (endpoint, path)


def _snapshot(tool: Any) -> dict[str, list[tuple[Any, ...]]]:
    with tool.db.session() as s:
        return {m.__tablename__: sorted(
            (tuple(str(getattr(row, c.key)) for c in m.__table__.columns)
             for row in s.scalars(select(m))), key=str) for m in WATCHED}


def _objects(signin: SignIn, platform: Any, kid: requests.Session) -> dict[str, str]:
    """The child starts a route and adds an achievement with evidence; the admin confirms."""
    tool, base = signin.tool, signin.tool.base
    assert kid.post(base + "/app/routes/start", data={
        "start": "2026-09-01", "csrf_token": csrf_for(kid, base)}, allow_redirects=False,
        timeout=30).status_code == 303
    added = kid.post(base + "/app/portfolio/new", data={
        "section": "study", "title": "Призёр олимпиады по физике", "level": "regional",
        "result": "prizewinner", "achieved_on": "2026-10-15", "csrf_token": csrf_for(kid, base)},
        files=[("files", ("диплом.pdf", PDF, "application/pdf"))], allow_redirects=False,
        timeout=30)
    assert added.status_code == 303, added.text[:500]
    item = added.headers["Location"].split("/app/portfolio/a/")[1].split("?")[0]
    admin = launch_token(platform, tool, "admin")
    assert requests.post(base + f"/app/portfolio/a/{item}/moderate", data={
        "lt": admin, "action": "confirm"}, allow_redirects=False, timeout=30).status_code == 303
    with tool.db.session() as s:
        route = s.scalars(select(Route)).one()
        owner = s.get(Person, route.student_id)
        assert owner is not None
        klass = s.scalars(select(ClassGroup).join(
            ClassEnrolment, ClassEnrolment.class_id == ClassGroup.id).where(
            ClassEnrolment.person_id == owner.id)).first()
        assert klass is not None
        return {"rid": route.public_id, "item_id": item, "person_id": owner.public_id,
                "class_id": klass.public_id, "admin": admin,
                "file_id": s.scalars(select(Evidence.public_id)).one()}


def _urls(app: Any, ids: dict[str, str]) -> dict[tuple[str, str], str]:
    """(endpoint, method) → URL, for every LIVE route, with the objects' ids."""
    urls = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in cat.LIVE:
                args = {a: ids[a] for a in rule.arguments}
                for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                    urls[(rule.endpoint, method)] = url_for(rule.endpoint, **args)
    assert {e for e, _ in urls} == cat.LIVE
    return urls


FAMILY = {"kid", "mum", "admin"}
# Who gets 200 for a page: the child (kid), their parent (mum), the school's admin (launch).
ALLOWED: dict[str, set[str]] = {
    **{e: FAMILY for e in (
        "pathways.show", "pathways.versions", "pathways_api.get_route", "portfolio.item",
        "portfolio.evidence", "portfolio.export", "portfolio.pdf", "portfolio.person",
        "portfolio.uud_student", "portfolio.class_page")},
    "pathways.edit": {"kid"},  # the draft is edited by its student only
    "portfolio.edit": set(),  # a confirmed item is not edited any more
    "portfolio.self_assessment": {"admin"},
    "people.class_overview": {"admin"}, "api_v1.roster": {"admin"},
}
# A parent of a pupil of the class sees the class portfolio page (published items only).
BY_RELATION = {"portfolio.class_page"}
# Admin-only actions refuse a non-admin by role before looking the object up.
ROLE_FIRST = {"portfolio_admin.adult"}
MOVE = {"action": "agree", "version": 1, "comment": "", "paper_date": None}


def _related(signin: SignIn, parent: str, class_id: str) -> bool:
    """Has the parent (a sandbox login) a child among the class's pupils (by name)?"""
    with signin.tool.db.session() as s:
        names = set(s.scalars(select(Person.display_name).join(
            ClassEnrolment, ClassEnrolment.person_id == Person.id).join(
            ClassGroup, ClassGroup.id == ClassEnrolment.class_id).where(
            ClassGroup.public_id == class_id)))
    return bool(names & set(signin.children_of(parent)))


def test_signed_in_access_matrix(platform, signin: SignIn):
    tool, base = signin.tool, signin.tool.base
    parent, child, stranger, elsewhere = _family(signin)
    kid = _signed(signin, child)
    ids = _objects(signin, platform, kid)
    actors = {"kid": kid, "mum": _signed(signin, parent), "stranger": _signed(signin, stranger),
              "elsewhere": _signed(signin, elsewhere, "other")}
    urls = _urls(tool.app, ids)
    assert set(ALLOWED) | {e for e, m in urls if m == "POST"} >= cat.LIVE
    for (endpoint, method), url in sorted(urls.items()):
        if method != "GET":
            continue
        allowed = set(ALLOWED[endpoint])
        if endpoint in BY_RELATION and _related(signin, stranger, ids["class_id"]):
            allowed.add("stranger")
        got = {name: client.get(base + url, allow_redirects=False, timeout=30).status_code
               for name, client in actors.items()}
        got["admin"] = requests.get(base + url, params={"lt": ids["admin"]},
                                    allow_redirects=False, timeout=30).status_code
        for name, status in got.items():
            if name in allowed:
                assert status == 200, (endpoint, name, status)
            elif name == "elsewhere":
                assert status == 404, (endpoint, name, status)
            else:
                assert status in (403, 404), (endpoint, name, status)
    before = _snapshot(tool)
    for (endpoint, method), url in sorted(urls.items()):
        if method != "POST":
            continue
        api = url.startswith("/api/")
        forged = kid.post(base + url, data=None if api else {"on": "1"},
                          json=MOVE if api else None, allow_redirects=False, timeout=30)
        assert forged.status_code == 403, (endpoint, "no CSRF", forged.status_code)
        for name in ("stranger", "elsewhere"):
            client = actors[name]
            token = csrf_for(client, base)
            status = client.post(
                base + url, data=None if api else {"on": "1", "csrf_token": token},
                json=MOVE if api else None, headers={"X-CSRF-Token": token} if api else None,
                allow_redirects=False, timeout=30).status_code
            if name == "elsewhere" and endpoint not in ROLE_FIRST:
                assert status == 404, (endpoint, name, status)
            else:
                assert status in (403, 404), (endpoint, name, status)
    assert _snapshot(tool) == before



def test_pages_without_an_object_by_role(signin: SignIn):
    """Every GET page/API call with no object in the URL: staff pages refuse a pupil and a
    parent; their own pages open. A new page must be listed in access_catalogue.PAGES."""
    parent, child, _, _ = _family(signin)
    actors = (_signed(signin, child), _signed(signin, parent))
    rules = [r for r in signin.tool.app.url_map.iter_rules()
             if not r.arguments and "GET" in (r.methods or ())]
    unknown = sorted({r.endpoint for r in rules} - set(cat.PAGES) - cat.OPEN_PAGES)
    assert not unknown, f"pages with no access expectation: {unknown} — add to PAGES"
    for rule in rules:
        if rule.endpoint in cat.OPEN_PAGES:
            continue
        for client, expected in zip(actors, cat.PAGES[rule.endpoint], strict=True):
            got = client.get(signin.tool.base + rule.rule, allow_redirects=False,
                             timeout=30).status_code
            if expected == cat.REFUSED:
                assert got in (403, 404), (rule.endpoint, got)
            else:
                assert got == expected, (rule.endpoint, expected, got)


def test_pages_without_an_object_by_staff_role(platform, tool):
    """The same pages for an admin, a teacher, a tutor and a partner coordinator signed in
    with local accounts: admin pages refuse the others, teaching pages the tutor and the
    partner coordinator; each has their own pages. A new page must be listed."""
    assert set(cat.STAFF_ROLE_PAGES) == set(cat.PAGES), sorted(
        set(cat.STAFF_ROLE_PAGES) ^ set(cat.PAGES))
    lt = launch_token(platform, tool, "admin")
    actors = [local_session(tool, lt, f"{role}@school.ru", role)
              for role in ("admin", "teacher", "tutor", "partner")]
    for rule in tool.app.url_map.iter_rules():
        if rule.arguments or "GET" not in (rule.methods or ()) or rule.endpoint in cat.OPEN_PAGES:
            continue
        for client, expected in zip(actors, cat.STAFF_ROLE_PAGES[rule.endpoint], strict=True):
            got = client.get(tool.base + rule.rule, allow_redirects=False, timeout=30)
            if expected == cat.REFUSED:
                assert got.status_code in (403, 404), (rule.endpoint, got.status_code)
            else:
                assert got.status_code == expected, (rule.endpoint, expected, got.status_code)
