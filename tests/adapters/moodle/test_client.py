"""The Moodle client against the sandbox over HTTP: shapes, paging, errors with HTTP 200."""

from __future__ import annotations

import logging

import pytest

from adapters.base import AuthFailed, MalformedResponse, RemoteUnavailable
from adapters.moodle.client import MoodleError
from adapters.moodle.sandbox import RESTRICTED_TOKEN, TOKEN
from tests.adapters.moodle.conftest import Moodle


def test_site_info(moodle: Moodle) -> None:
    info = moodle.client().site_info()
    assert info["sitename"] == moodle.state.sitename
    assert info["siteurl"] == moodle.base
    assert "core_grades_update_grades" in {f["name"] for f in info["functions"]}


def test_enrolled_users_are_read_page_by_page(moodle: Moodle) -> None:
    client = moodle.client(page_size=10)
    users = list(client.enrolled_users(2))
    expected = [u.id for u in moodle.state.course_users(2)]
    assert len(expected) == 29  # 28 pupils and their teacher: three pages of ten
    assert [u["id"] for u in users] == expected
    assert len(moodle.calls("core_enrol_get_enrolled_users")) == 3
    pupil = next(u for u in users if u["roles"][0]["shortname"] == "student")
    assert pupil["middlename"] and pupil["email"].endswith("@school37.example")


def test_exact_page_boundary_asks_once_more_and_stops(moodle: Moodle) -> None:
    users = list(moodle.client(page_size=29).enrolled_users(2))
    assert len(users) == 29
    assert len(moodle.calls("core_enrol_get_enrolled_users")) == 2


def test_grade_items_for_a_course(moodle: Moodle) -> None:
    usergrades = moodle.client().grade_items(2)
    assert len(usergrades) == 28
    items = usergrades[0]["gradeitems"]
    assert [i["cmid"] for i in items if i["itemtype"] == "mod"] == [501, 502, 503, 504]
    assert items[-1]["itemtype"] == "course"
    student = usergrades[0]["userid"]
    held = moodle.state.grades.get((501, student))
    assert items[0]["graderaw"] == (held.value if held else None)


def test_exception_with_http_200_carries_moodles_message(moodle: Moodle) -> None:
    with pytest.raises(MoodleError) as caught:
        list(moodle.client().enrolled_users(999))
    assert caught.value.errorcode == "invalidrecord"
    assert "Can't find data record in database table course" in caught.value.message
    assert not caught.value.retryable


def test_invalid_token_is_auth_failed(moodle: Moodle) -> None:
    with pytest.raises(AuthFailed) as caught:
        moodle.client(token="wrong").site_info()
    assert caught.value.reason == "wrong_credentials"
    assert "токен" in caught.value.message
    assert not caught.value.retryable


def test_empty_token_is_refused_before_any_request(moodle: Moodle) -> None:
    client = moodle.client(token="")
    with pytest.raises(AuthFailed) as caught:
        client.site_info()
    assert caught.value.reason == "wrong_credentials" and moodle.state.calls == []


def test_function_outside_the_tokens_service_is_forbidden(moodle: Moodle) -> None:
    client = moodle.client(token=RESTRICTED_TOKEN)
    assert client.courses()
    with pytest.raises(AuthFailed) as caught:
        client.update_grades(2, 501, [{"studentid": 105, "grade": 5}])
    assert caught.value.reason == "forbidden"


def test_maintenance_mode_is_retryable_auth_failure(moodle: Moodle) -> None:
    moodle.state.maintenance = True
    with pytest.raises(AuthFailed) as caught:
        moodle.client().site_info()
    assert caught.value.reason == "maintenance" and caught.value.retryable


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_remote_unavailable(moodle: Moodle, status: int) -> None:
    moodle.state.fail_status = status
    with pytest.raises(RemoteUnavailable) as caught:
        moodle.client().site_info()
    assert caught.value.status == status and caught.value.retryable


def test_malformed_json_is_malformed_response(moodle: Moodle) -> None:
    moodle.state.malformed = True
    with pytest.raises(MalformedResponse) as caught:
        moodle.client().site_info()
    assert caught.value.retryable


def test_slow_server_times_out_as_unavailable(moodle: Moodle) -> None:
    moodle.state.slow_seconds = 1.0
    with pytest.raises(RemoteUnavailable, match="вовремя"):
        moodle.client(timeout=0.2).site_info()


def test_refused_connection_is_unavailable() -> None:
    from adapters.moodle.client import MoodleClient

    with pytest.raises(RemoteUnavailable):
        MoodleClient("http://127.0.0.1:9", TOKEN, timeout=1).site_info()


def test_token_is_never_logged_nor_shown(moodle: Moodle, caplog: pytest.LogCaptureFixture
                                         ) -> None:
    caplog.set_level(logging.DEBUG)
    client = moodle.client()
    client.site_info()
    with pytest.raises(AuthFailed) as caught:
        moodle.client(token="wrong-secret-token").site_info()
    assert caplog.records, "urllib3 and the client log at DEBUG"
    assert TOKEN not in caplog.text and "wrong-secret-token" not in caplog.text
    assert TOKEN not in repr(client) and "wrong-secret-token" not in str(caught.value)
