"""Signing in with a «Сетевой город» account, over HTTP against the sandbox: a parent sees
their own children and nobody else; one submit is one login on the school's server; the
server's own refusals are shown; the password is kept nowhere."""

from __future__ import annotations

import logging

import requests
from sqlalchemy import func, select, text

from adapters.netschool.sandbox import DEMO_PASSWORD
from lti_tool.accounts.models import AccountSession
from lti_tool.people.models import Guardianship, Person
from tests.accounts.conftest import SignIn


def test_parent_signs_in_and_sees_only_their_children(signin: SignIn, caplog):
    caplog.set_level(logging.DEBUG)
    client = requests.Session()
    login = signin.parent()
    resp = signin.sign_in(client, login)
    assert resp.status_code == 303, resp.text
    assert resp.headers["Location"].endswith("/app/")
    cookie = resp.headers["Set-Cookie"]
    assert "marshrut_signin=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; Secure over HTTPS (test_sessions)
    assert signin.login_posts() == 1
    home = client.get(signin.tool.base + "/app/", timeout=30)
    assert home.status_code == 200
    mine = signin.children_of(login)
    assert mine and all(name in home.text for name in mine)
    assert 'class="mark' in home.text  # the child's marks from the sync
    world = signin.state.world
    others = [world.people[s].name for s in world.students_of(1001)
              if world.people[s].name not in mine]
    assert others and not any(name in home.text for name in others)
    with signin.tool.db.session() as s:
        parent = s.scalars(select(Person).where(Person.display_name.contains(
            world.people[next(p for p in world.people if world.people[p].login == login)].last
        ))).first()
        assert parent is not None
        kids = s.scalar(select(func.count()).select_from(Guardianship).where(
            Guardianship.parent_id == parent.id))
        assert kids == len(mine)
    # The password is nowhere: not in any table, not in any log line.
    with signin.tool.db.engine.connect() as conn:
        for table in ("account_session", "signin_attempt", "audit_entry", "person",
                      "identity_link", "sync_connection"):
            dump = " ".join(map(str, conn.execute(text(f"select * from {table}")).all()))
            assert DEMO_PASSWORD not in dump, table
    assert DEMO_PASSWORD not in caplog.text


def test_wrong_password_shows_the_server_message_and_attempts_left(signin: SignIn):
    resp = signin.sign_in(requests.Session(), signin.parent(), "неверный")
    assert resp.status_code == 401
    assert "Неправильный пароль или имя пользователя" in resp.text  # the server's words
    assert "Осталось попыток: 1" in resp.text
    assert "marshrut_signin" not in resp.headers.get("Set-Cookie", "")
    assert signin.login_posts() == 1


def test_account_limit_stops_before_the_school_server_locks(signin: SignIn):
    client = requests.Session()
    for _ in range(2):
        assert signin.sign_in(client, signin.parent(), "неверный").status_code == 401
    before = signin.login_posts()
    third = signin.sign_in(client, signin.parent(), DEMO_PASSWORD)
    assert third.status_code == 429 and "блокирует вход после трёх" in third.text
    assert signin.login_posts() == before  # no third try reached the server
    assert not signin.state.locked_until  # the school's server never locked the parent


def test_address_limit(signin: SignIn, monkeypatch):
    from lti_tool.accounts import sessions

    real = sessions.limits

    def few():
        import dataclasses

        return dataclasses.replace(real(), per_address=2)

    monkeypatch.setattr(sessions, "limits", few)
    client = requests.Session()
    for login in ("нет-такого-1", "нет-такого-2"):
        assert signin.sign_in(client, login, "x").status_code == 401
    before = signin.login_posts()
    resp = signin.sign_in(client, "нет-такого-3", "x")
    assert resp.status_code == 429 and "с этого адреса" in resp.text
    assert signin.login_posts() == before


def test_locked_account_shows_the_lockout_message(signin: SignIn):
    import time

    signin.state.locked_until[f"1001:{signin.parent().lower()}"] = time.monotonic() + 60
    resp = signin.sign_in(requests.Session(), signin.parent())
    assert resp.status_code == 403
    assert "заблокировал" in resp.text and "неудачные попытки входа" in resp.text


def test_maintenance_and_server_down(signin: SignIn):
    signin.state.faults.maintenance = True
    resp = signin.sign_in(requests.Session(), signin.parent())
    assert resp.status_code == 503 and "технические работы" in resp.text
    signin.state.faults.maintenance = False
    signin.state.faults.fail_next = 5
    resp = signin.sign_in(requests.Session(), signin.parent())
    assert resp.status_code == 502 and "не отвечает" in resp.text


def test_school_not_connected_and_empty_fields(signin: SignIn):
    resp = signin.sign_in(requests.Session(), signin.parent(), school="no-such-school")
    assert resp.status_code == 400 and "не подключена" in resp.text
    resp = requests.post(signin.tool.base + "/signin/netschool", data={"school": ""},
                         timeout=30)
    assert resp.status_code == 400
    assert "Логин: Введите логин." in resp.text and "Пароль: Введите пароль." in resp.text
    assert signin.login_posts() == 0


def test_the_page_offers_connected_schools_not_a_url(signin: SignIn):
    page = requests.get(signin.tool.base + "/signin", timeout=30).text
    assert signin.schools["school"] in page and signin.schools["other"] in page
    assert signin.base not in page  # the server address is never shown nor typed


def test_sign_in_posted_from_another_site_is_refused(signin: SignIn):
    resp = signin.sign_in(requests.Session(), signin.parent(), Origin="https://evil.example")
    assert resp.status_code == 403 and signin.login_posts() == 0


def test_someone_the_school_has_not_synced(signin: SignIn):
    # A teacher of the school: the sync (from the diary) brought in no teachers.
    world = signin.state.world
    teacher = next(p for p in world.people.values() if p.role == "teacher"
                   and p.school_id == 1001)
    resp = signin.sign_in(requests.Session(), teacher.login)
    assert resp.status_code == 403 and "пока нет" in resp.text
    with signin.tool.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AccountSession)) == 0


def test_the_sign_in_page_is_whole(signin: SignIn):
    page = requests.get(signin.tool.base + "/signin", timeout=30).text
    assert "<title>Вход в Маршрут</title>" in page
    assert page.count('data-testid="local-signin"') == 1
    assert page.count('data-testid="netschool-signin"') == 1
