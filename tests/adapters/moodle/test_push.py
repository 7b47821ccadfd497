"""Grade pushes: every GRADE_UPDATE_* code, and chunking under PHP's max_input_vars."""

from __future__ import annotations

import math

import pytest
import requests

from adapters.base import GradePush
from adapters.moodle import phpform
from adapters.moodle.adapter import MoodleSource
from adapters.moodle.push import MESSAGES, split
from adapters.moodle.sandbox import TOKEN
from adapters.moodle.sandbox.state import User
from tests.adapters.moodle.conftest import Moodle


def _source(moodle: Moodle, **kwargs: object) -> MoodleSource:
    return MoodleSource(moodle.base, TOKEN, **kwargs)  # type: ignore[arg-type]


def _pupils(moodle: Moodle, course: int = 2) -> list[int]:
    return [u.id for u in moodle.state.course_users(course)
            if moodle.state.roles[(course, u.id)] == "student"]


def test_ok_writes_the_grade(moodle: Moodle) -> None:
    pupil = _pupils(moodle)[0]
    [outcome] = _source(moodle).push_grades([GradePush("501", str(pupil), 5.0)])
    assert outcome.ok and outcome.message == ""
    assert moodle.state.grades[(501, pupil)].value == 5.0


def test_feedback_moodle_drops_is_reported_not_claimed(moodle: Moodle) -> None:
    """core_grades_update_grades accepts ``str_feedback`` and throws it away (issue 7): the
    grade is written, and the outcome says the feedback did not reach Moodle."""
    pupil = _pupils(moodle)[0]
    [outcome] = _source(moodle).push_grades([GradePush("501", str(pupil), 5.0, "Отлично!")])
    held = moodle.state.grades[(501, pupil)]
    assert (held.value, held.feedback) == (5.0, "")
    assert outcome.ok and outcome.feedback_delivered is False
    assert "отзыв не передан" in outcome.message


@pytest.mark.parametrize(("code", "ok", "text"), [
    (0, True, ""),
    (1, False, "GRADE_UPDATE_FAILED"),
    (2, False, "GRADE_UPDATE_MULTIPLE"),
    (3, False, "GRADE_UPDATE_ITEM_DELETED"),
    (4, False, "GRADE_UPDATE_ITEM_LOCKED"),
    (7, False, "неизвестный код ответа Moodle: 7"),
])
def test_each_return_code_maps_to_an_outcome(moodle: Moodle, code: int, ok: bool,
                                             text: str) -> None:
    moodle.state.force_update_code = code
    pupil = str(_pupils(moodle)[0])
    [outcome] = _source(moodle).push_grades([GradePush("502", pupil, 4.0)])
    assert outcome.ok is ok
    assert text in outcome.message
    if code in MESSAGES:
        assert outcome.message == MESSAGES[code]


def test_locked_item_fails_every_push_and_writes_nothing(moodle: Moodle) -> None:
    moodle.state.locked.add(503)
    pupils = _pupils(moodle)[:3]
    before = {p: moodle.state.grades.get((503, p)) for p in pupils}
    outcomes = _source(moodle).push_grades([GradePush("503", str(p), 77.0) for p in pupils])
    assert [o.ok for o in outcomes] == [False] * 3
    assert all("заблокирован" in o.message for o in outcomes)
    assert {p: moodle.state.grades.get((503, p)) for p in pupils} == before


def test_multiple_items_fail(moodle: Moodle) -> None:
    moodle.state.multiple.add(501)
    [outcome] = _source(moodle).push_grades([GradePush("501", str(_pupils(moodle)[0]), 3.0)])
    assert not outcome.ok and "MULTIPLE" in outcome.message


def test_failed_chunk_is_bisected_to_the_failing_grade(moodle: Moodle) -> None:
    pupils = _pupils(moodle)[:8]
    moodle.state.failing_students.add(pupils[5])
    outcomes = _source(moodle).push_grades([GradePush("501", str(p), 4.0) for p in pupils])
    assert [o.ok for o in outcomes] == [i != 5 for i in range(8)]
    assert "GRADE_UPDATE_FAILED" in outcomes[5].message
    assert all(moodle.state.grades[(501, p)].value == 4.0 for i, p in enumerate(pupils)
               if i != 5)


def test_unknown_activity_fails_only_its_pushes(moodle: Moodle) -> None:
    pupil = str(_pupils(moodle)[0])
    outcomes = _source(moodle).push_grades([GradePush("9999", pupil, 5.0),
                                            GradePush("501", pupil, 5.0),
                                            GradePush("abc", pupil, 5.0)])
    assert [o.ok for o in outcomes] == [False, True, False]
    assert "course_modules" in outcomes[0].message


def test_1500_grades_arrive_whole_under_max_input_vars(moodle: Moodle) -> None:
    state = moodle.state
    ids = list(range(20000, 21500))
    for uid in ids:
        state.users[uid] = User(uid, f"u{uid}", "Имя", "Фамилия", "")
    pushes = [GradePush("501", str(uid), float(1 + uid % 5)) for uid in ids]
    outcomes = _source(moodle, max_input_vars=1000).push_grades(pushes)
    assert all(o.ok for o in outcomes) and len(outcomes) == 1500
    assert all(state.grades[(501, uid)].value == 1 + uid % 5 for uid in ids)
    updates = moodle.calls("core_grades_update_grades")
    assert all(kept == sent <= 1000 for _, kept, sent in updates)
    assert len(updates) == math.ceil(1500 / ((1000 - 6) // 2))


def test_sandbox_truncates_an_oversized_form_silently_like_php(moodle: Moodle) -> None:
    """Why the client chunks: a 600-grade form (1206 variables) loses its tail, answers OK."""
    for uid in range(30000, 30600):
        moodle.state.users[uid] = User(uid, f"u{uid}", "Имя", "Фамилия", "")
    grades = [{"studentid": uid, "grade": 5} for uid in range(30000, 30600)]
    body = [("wstoken", TOKEN), *phpform.encode({
        "source": "t", "courseid": 2, "component": "mod_assign", "activityid": 501,
        "itemnumber": 0, "grades": grades})]
    answer = requests.post(f"{moodle.base}/webservice/rest/server.php", params={
        "wsfunction": "core_grades_update_grades", "moodlewsrestformat": "json"}, data=body,
        timeout=10)
    assert answer.json() == 0
    written = [uid for uid in range(30000, 30600) if (501, uid) in moodle.state.grades]
    assert len(written) == (1000 - 6) // 2 and written == list(range(30000, 30000 + 497))


def test_split_counts_every_variable() -> None:
    items = [(i, {"studentid": i, "grade": 5.0, "str_feedback": "x"}) for i in range(10)]
    parts = split(items, 6 + 3 * 4)
    assert [len(p) for p in parts] == [4, 4, 2]
    assert [i for p in parts for i, _ in p] == list(range(10))
    with pytest.raises(ValueError):
        split(items, 8)


def test_feedback_without_a_grade_is_refused_and_nothing_is_sent(moodle: Moodle) -> None:
    """Moodle requires a grade in every entry (the whole call would fail) and would drop the
    feedback anyway: the push fails with the reason, nothing is sent, the grade stays."""
    pupil = next(p for p in _pupils(moodle) if (501, p) in moodle.state.grades)
    before = moodle.state.grades[(501, pupil)]
    [outcome] = _source(moodle).push_grades([GradePush("501", str(pupil), None, "Пересдать")])
    assert not outcome.ok and "отзыв не передан" in outcome.message
    assert moodle.state.grades[(501, pupil)] == before
    assert moodle.calls("core_grades_update_grades") == []


def test_sandbox_refuses_an_entry_without_a_grade_like_moodle(moodle: Moodle) -> None:
    pupil = _pupils(moodle)[0]
    body = [("wstoken", TOKEN), *phpform.encode({
        "source": "t", "courseid": 2, "component": "mod_assign", "activityid": 501,
        "itemnumber": 0, "grades": [{"studentid": pupil, "str_feedback": "x"}]})]
    answer = requests.post(f"{moodle.base}/webservice/rest/server.php", params={
        "wsfunction": "core_grades_update_grades", "moodlewsrestformat": "json"}, data=body,
        timeout=10).json()
    assert answer["exception"] == "invalid_parameter_exception" and "grade" in answer["message"]


def test_refused_token_fails_the_whole_push(moodle: Moodle) -> None:
    from adapters.base import AuthFailed
    from adapters.moodle.sandbox import RESTRICTED_TOKEN

    source = MoodleSource(moodle.base, RESTRICTED_TOKEN)
    with pytest.raises(AuthFailed) as caught:
        source.push_grades([GradePush("501", str(_pupils(moodle)[0]), 5.0)])
    assert caught.value.reason == "forbidden"
