"""First-party sessions after a sign-in: the same Viewer and the same access rules as a
launch, CSRF on every state change made with the cookie, idle and fixed expiry, one's own
list of sessions, sign-out here and everywhere. Each refusal also checks nothing changed."""

from __future__ import annotations

from datetime import timedelta

import requests
from sqlalchemy import func, select, update

from lti_tool.accounts.models import AccountSession
from lti_tool.db import utcnow
from lti_tool.people.models import ClassGroup
from tests.accounts.conftest import SignIn, csrf_of


def _signed_in(signin: SignIn, login: str | None = None, school: str = "school"
               ) -> requests.Session:
    client = requests.Session()
    resp = signin.sign_in(client, login or signin.parent(), school=school)
    assert resp.status_code == 303, resp.text
    return client


def _open(signin: SignIn) -> int:
    with signin.tool.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AccountSession).where(
            AccountSession.ended_at.is_(None))) or 0)


def test_sessions_page_lists_mine_and_ends_one(signin: SignIn):
    first, second = _signed_in(signin), _signed_in(signin)
    page = first.get(signin.tool.base + "/account/sessions", timeout=30)
    assert page.status_code == 200 and page.text.count("data-session=") == 2
    assert "Мои сеансы" in page.text and "Выйти" in page.text
    with signin.tool.db.session() as s:
        ids = [r.public_id for r in s.scalars(select(AccountSession).order_by(AccountSession.id))]
    resp = first.post(signin.tool.base + f"/account/sessions/{ids[1]}/end",
                      data={"csrf_token": csrf_of(page.text)}, allow_redirects=False, timeout=30)
    assert resp.status_code == 303
    assert second.get(signin.tool.base + "/app/", timeout=30).status_code == 401
    assert first.get(signin.tool.base + "/app/", timeout=30).status_code == 200


def test_state_change_without_the_csrf_token_is_refused_and_changes_nothing(signin: SignIn):
    client = _signed_in(signin)
    before = _open(signin)
    for data in ({}, {"csrf_token": "x" * 64}):
        resp = client.post(signin.tool.base + "/account/sessions/end-all", data=data,
                           allow_redirects=False, timeout=30)
        assert resp.status_code == 403 and "другого сайта" in resp.text
    resp = client.post(signin.tool.base + "/signout", allow_redirects=False, timeout=30)
    assert resp.status_code == 403
    assert _open(signin) == before == 1
    # Another session's token does not work for this one either.
    other = _signed_in(signin)
    token = csrf_of(other.get(signin.tool.base + "/account/sessions", timeout=30).text)
    resp = client.post(signin.tool.base + "/account/sessions/end-all",
                       data={"csrf_token": token}, allow_redirects=False, timeout=30)
    assert resp.status_code == 403 and _open(signin) == 2
    # The header works for API-style calls.
    mine = csrf_of(client.get(signin.tool.base + "/account/sessions", timeout=30).text)
    resp = client.post(signin.tool.base + "/account/sessions/end-all",
                       headers={"X-CSRF-Token": mine}, allow_redirects=False, timeout=30)
    assert resp.status_code == 303 and _open(signin) == 0


def test_sign_out_everywhere(signin: SignIn):
    phone, laptop = _signed_in(signin), _signed_in(signin)
    token = csrf_of(phone.get(signin.tool.base + "/account/sessions", timeout=30).text)
    resp = phone.post(signin.tool.base + "/account/sessions/end-all",
                      data={"csrf_token": token}, allow_redirects=False, timeout=30)
    assert resp.status_code == 303 and "marshrut_signin=;" in resp.headers["Set-Cookie"]
    for client in (phone, laptop):
        assert client.get(signin.tool.base + "/app/", timeout=30).status_code == 401


def test_sign_out_here(signin: SignIn):
    client = _signed_in(signin)
    home = client.get(signin.tool.base + "/app/", timeout=30)
    resp = client.post(signin.tool.base + "/signout", data={"csrf_token": csrf_of(home.text)},
                       allow_redirects=False, timeout=30)
    assert resp.status_code == 303 and _open(signin) == 0
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'  # offline copies go too
    assert client.get(signin.tool.base + "/app/", timeout=30).status_code == 401


def test_idle_timeout_and_fixed_lifetime(signin: SignIn):
    idle, old = _signed_in(signin), _signed_in(signin)
    with signin.tool.db.session() as s:
        rows = s.scalars(select(AccountSession).order_by(AccountSession.id)).all()
        s.execute(update(AccountSession).where(AccountSession.id == rows[0].id).values(
            last_seen_at=utcnow() - timedelta(hours=1, seconds=1)))
        s.execute(update(AccountSession).where(AccountSession.id == rows[1].id).values(
            expires_at=utcnow() - timedelta(seconds=1)))
    assert idle.get(signin.tool.base + "/app/", timeout=30).status_code == 401
    assert old.get(signin.tool.base + "/app/", timeout=30).status_code == 401


def test_a_forged_or_stolen_hash_cookie_is_nobody(signin: SignIn):
    _signed_in(signin)
    with signin.tool.db.session() as s:
        stored = s.scalars(select(AccountSession.token_hash)).one()
    client = requests.Session()
    client.cookies.set("marshrut_signin", stored)  # the database's value is not the secret
    assert client.get(signin.tool.base + "/app/", timeout=30).status_code == 401


def test_parent_cannot_open_classes_in_or_out_of_their_school(signin: SignIn):
    client = _signed_in(signin)
    with signin.tool.db.session() as s:
        here = s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.organisation_id == signin.tool.org_id)).first()
        there = s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.organisation_id == signin.tool.other_org_id)).first()
    assert here and there
    assert client.get(signin.tool.base + f"/app/class/{here}", timeout=30).status_code == 403
    assert client.get(signin.tool.base + f"/app/class/{there}", timeout=30).status_code == 404
    api = client.get(signin.tool.base + f"/api/v1/classes/{here}/roster", timeout=30)
    assert api.status_code == 403
    me = client.get(signin.tool.base + "/api/v1/me", timeout=30).json()
    assert me["roles"] == ["parent"] and me["organisation_id"] == signin.tool.org_id


def test_a_family_of_the_other_school_sees_only_its_own(signin: SignIn):
    login = signin.parent(1002)
    client = _signed_in(signin, login, school="other")
    home = client.get(signin.tool.base + "/app/", timeout=30).text
    assert all(name in home for name in signin.children_of(login))
    world = signin.state.world
    assert not any(world.people[s].name in home for s in world.students_of(1001))
    # The school-37 connection does not know this login: signing in there is refused.
    resp = signin.sign_in(requests.Session(), login, school="school")
    assert resp.status_code == 401


def test_a_student_signs_in_and_sees_themself(signin: SignIn):
    world = signin.state.world
    sid = world.students_of(1001)[0]
    client = _signed_in(signin, world.people[sid].login)
    home = client.get(signin.tool.base + "/app/", timeout=30).text
    assert world.people[sid].name in home
    assert not any(world.people[s].name in home for s in world.students_of(1001)[1:])


def test_lti_launch_wins_over_the_cookie(signin: SignIn, platform):
    from tests.sync.launches import launch_token

    client = _signed_in(signin)
    lt = launch_token(platform, signin.tool, "teacher")
    me = client.get(signin.tool.base + "/api/v1/me", headers={"Authorization": f"Bearer {lt}"},
                    timeout=30).json()
    assert me["roles"] == ["teacher"]


def test_cookie_flags_over_https(tmp_path, database_url):
    from lti_tool.accounts import sessions
    from lti_tool.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path, database_url, "https://marshrut.example"))
    with app.test_request_context("/"):
        resp = sessions.set_cookie(app.make_response("x"), "secret")
    cookie = resp.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["marshrut.db"].engine.dispose()
