"""The NetSchool client against the sandbox over HTTP: login, refusals, expiry, faults."""

from __future__ import annotations

import logging
from datetime import date

import pytest
import requests

from adapters.base import AuthFailed, MalformedResponse, RemoteUnavailable
from adapters.netschool.client import NetSchoolClient
from adapters.netschool.sandbox import DEMO_PASSWORD
from adapters.netschool.sandbox.state import MSG_MAINTENANCE, MSG_WRONG
from tests.adapters.netschool.conftest import SCHOOL, SCHOOL_ID, Sandbox


def client(sb: Sandbox, login: str = "zavuch1001", password: str = DEMO_PASSWORD,
           school: str | int = SCHOOL, **kw: object) -> NetSchoolClient:
    return NetSchoolClient(sb.base, login, password, school, **kw)  # type: ignore[arg-type]


def test_login_by_school_name_then_at_header_then_logout(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    c = client(sandbox)
    init = c.diary_init()
    assert c.school_id == SCHOOL_ID
    assert len(init["students"]) == len(sandbox.world.students_of(SCHOOL_ID))
    assert sandbox.state.logins == 1
    token = c.http.headers["at"]
    assert sandbox.state.session(str(token)) is not None
    c.close()
    assert sandbox.state.session(str(token)) is None  # auth/logout ended the session
    assert ("POST", "/webapi/auth/logout") in sandbox.state.requests
    c.close()  # twice is fine
    for secret in (DEMO_PASSWORD, str(token)):
        assert secret not in caplog.text and secret not in repr(c)


def test_wrong_password_is_wrong_credentials_with_the_servers_message(sandbox: Sandbox) -> None:
    with pytest.raises(AuthFailed) as err:
        client(sandbox, password="не тот").login()
    assert err.value.reason == "wrong_credentials"
    assert err.value.message == MSG_WRONG and not err.value.retryable
    assert "не тот" not in str(err.value)


def test_three_failures_lock_the_account_even_for_the_right_password(sandbox: Sandbox) -> None:
    for _ in range(3):
        with pytest.raises(AuthFailed) as err:
            client(sandbox, school=SCHOOL_ID, password="wrong").login()
        assert err.value.reason == "wrong_credentials"
    with pytest.raises(AuthFailed) as err:
        client(sandbox, school=SCHOOL_ID).login()
    assert err.value.reason == "locked"
    assert "не ранее чем" in err.value.message and err.value.status == 409
    sandbox.control("DELETE", "faults")  # the lockout ends; the right password works again
    client(sandbox, school=SCHOOL_ID).login()


def test_maintenance_is_retryable(sandbox: Sandbox) -> None:
    sandbox.control("POST", "faults", maintenance=True)
    with pytest.raises(AuthFailed) as err:
        client(sandbox).login()
    assert err.value.reason == "maintenance" and err.value.retryable
    assert err.value.message == MSG_MAINTENANCE


def test_expired_token_logs_in_once_more_and_goes_on(sandbox: Sandbox) -> None:
    c = client(sandbox)
    year = c.year()
    assert sandbox.control("POST", "expire")["expired"] == 1
    assert c.year() == year
    assert sandbox.state.logins == 2


def test_token_that_expires_at_once_fails_cleanly_after_one_relogin(sandbox: Sandbox) -> None:
    sandbox.state.faults.token_lifetime = 0
    c = client(sandbox)
    with pytest.raises(AuthFailed) as err:
        c.year()
    assert err.value.reason == "expired"
    assert sandbox.state.logins == 2  # the first login and exactly one more, no loop


def test_5xx_and_timeouts_are_remote_unavailable(sandbox: Sandbox) -> None:
    c = client(sandbox, timeout=0.5)
    c.login()
    sandbox.state.faults.fail_next = 1
    with pytest.raises(RemoteUnavailable) as err:
        c.year()
    assert err.value.status == 503 and err.value.retryable
    assert c.year()["id"] == sandbox.world.year_id  # the next request is served again
    sandbox.control("POST", "faults", delay=1.5)
    with pytest.raises(RemoteUnavailable, match="вовремя"):
        c.year()


def test_5xx_during_login_is_remote_unavailable(sandbox: Sandbox) -> None:
    sandbox.control("POST", "faults", fail_next=1, error_status=502, paths=["auth/getdata"])
    with pytest.raises(RemoteUnavailable):
        client(sandbox).login()


def test_broken_json_is_malformed_response(sandbox: Sandbox) -> None:
    c = client(sandbox)
    c.login()
    sandbox.control("POST", "faults", malformed_next=1, paths=["student/diary"])
    sid = sandbox.world.students_of(SCHOOL_ID)[0]
    with pytest.raises(MalformedResponse):
        c.diary(sid, date(2026, 9, 7), date(2026, 9, 13), sandbox.world.year_id)
    assert c.diary(sid, date(2026, 9, 7), date(2026, 9, 13), sandbox.world.year_id)["weekDays"]


def test_school_search_needs_a_name(sandbox: Sandbox) -> None:
    bare = requests.get(f"{sandbox.base}/webapi/schools/search", timeout=10)
    assert bare.status_code == 403
    found = requests.get(f"{sandbox.base}/webapi/schools/search", params={"name": "сош №37"},
                         timeout=10).json()
    assert [s["id"] for s in found] == [SCHOOL_ID]
    with pytest.raises(AuthFailed, match="не найдена") as err:
        client(sandbox, school="Школа, которой нет").login()
    # A wrong school name is not a wrong password (issue 7): its own reason, no login tried.
    assert err.value.reason == "unknown_school"


def test_security_warning_after_login_is_acknowledged(sandbox: Sandbox) -> None:
    sandbox.state.faults.security_warning = True
    c = client(sandbox)
    assert c.year()["id"] == sandbox.world.year_id
    assert ("POST", "/asp/securitywarning.asp") in sandbox.state.requests
    # A server that shows the page in the middle of a session: passed the same way.
    next(iter(sandbox.state.sessions.values())).warned = True
    assert c.context()["schoolId"] == SCHOOL_ID


def test_reading_another_familys_child_is_forbidden(sandbox: Sandbox) -> None:
    login, kids = sandbox.family(children=1)
    stranger = next(s for s in sandbox.world.students_of(SCHOOL_ID) if s not in kids)
    c = client(sandbox, login=login)
    with pytest.raises(AuthFailed) as err:
        c.diary(stranger, date(2026, 9, 7), date(2026, 9, 13), sandbox.world.year_id)
    assert err.value.reason == "forbidden" and err.value.status == 403


def test_random_faults_hit_a_share_of_requests_and_are_switched_off_again(
        sandbox: Sandbox) -> None:
    sandbox.control("POST", "faults", error_rate=0.3, malformed_rate=0.3, paths=["years"])
    c = client(sandbox)
    c.login()  # login paths are outside the chosen prefix
    outcomes = []
    for _ in range(40):
        try:
            c.year()
            outcomes.append("ok")
        except RemoteUnavailable:
            outcomes.append("5xx")
        except MalformedResponse:
            outcomes.append("json")
    assert {"ok", "5xx", "json"} == set(outcomes)
    sandbox.control("DELETE", "faults")
    assert all(c.year()["id"] == sandbox.world.year_id for _ in range(5))


def test_a_refused_password_is_not_tried_again_so_the_account_is_not_locked(
        sandbox: Sandbox) -> None:
    c = client(sandbox, password="сменили")
    for _ in range(5):  # e.g. every chunk of a run after the password was changed
        with pytest.raises(AuthFailed) as err:
            c.year()
        assert err.value.reason == "wrong_credentials"
    assert sum(1 for r in sandbox.state.requests if r == ("POST", "/webapi/login")) == 1
    client(sandbox).login()  # the right password still works: no lockout was caused
