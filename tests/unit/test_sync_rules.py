"""Pure sync rules, no database: window, digests, identity matching, diff."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.base import AuthFailed, RemoteUnavailable
from lti_tool.journal.rules import diff
from lti_tool.sync.rules import (
    Candidate,
    digest,
    explain,
    match_person,
    normalise_name,
    sync_window,
)
from schemas.marks import ParsedMark
from schemas.records import MarkRecord, PersonRecord

YEAR = (date(2026, 9, 1), date(2027, 5, 31))


def test_first_run_takes_the_whole_year_up_to_next_week() -> None:
    assert sync_window(date(2026, 11, 23), *YEAR, last_success=None, lookback_weeks=2) == (
        date(2026, 9, 1), date(2026, 11, 30))


def test_later_run_takes_weeks_since_last_success_plus_lookback() -> None:
    last = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert sync_window(date(2026, 11, 23), *YEAR, last_success=last, lookback_weeks=2) == (
        date(2026, 11, 6), date(2026, 11, 30))


def test_full_and_since_override_the_incremental_window() -> None:
    last = datetime(2026, 11, 20, tzinfo=UTC)
    today = date(2026, 11, 23)
    assert sync_window(today, *YEAR, last_success=last, lookback_weeks=2, full=True)[0] == YEAR[0]
    assert sync_window(today, *YEAR, last_success=last, lookback_weeks=2,
                       since=date(2026, 10, 1))[0] == date(2026, 10, 1)
    # never before the year starts, never past its end
    assert sync_window(today, *YEAR, last_success=None, lookback_weeks=2,
                       since=date(2025, 1, 1))[0] == YEAR[0]
    assert sync_window(date(2027, 6, 20), *YEAR, last_success=None, lookback_weeks=2)[1] == YEAR[1]


def _mark(value: int, student: str = "s1") -> MarkRecord:
    return MarkRecord("a1", student, ParsedMark(value=value), date(2026, 9, 2))


def test_digest_ignores_order_and_sees_any_change() -> None:
    a, b = _mark(5, "s1"), _mark(4, "s2")
    assert digest([a, b]) == digest([b, a])
    assert digest([a, b]) != digest([a, _mark(3, "s2")])
    assert digest([]) != digest([a])


def test_names_compare_as_people_read_them() -> None:
    assert normalise_name("  Пётр   ИВАНОВ ") == normalise_name("петр иванов")


def _person(**kw: str) -> PersonRecord:
    base = dict(source_id="ns-1", role="student", last_name="Иванов", first_name="Пётр")
    return PersonRecord(**{**base, **kw})  # type: ignore[arg-type]


def test_unique_match_links_on_the_first_key_that_decides() -> None:
    people = [Candidate(1, "p@school.ru", "Иванов Пётр"), Candidate(2, "", "Сидоров Иван")]
    got = match_person(_person(email="P@school.ru"), people, ["email", "name"])
    assert (got.person_id, got.key) == (1, "email")
    got = match_person(_person(), people, ["email", "name"])
    assert (got.person_id, got.key) == (1, "name")


def test_two_namesakes_are_never_merged_on_a_guess() -> None:
    people = [Candidate(1, name="Иванов Пётр"), Candidate(2, name="иванов петр")]
    got = match_person(_person(), people, ["name"])
    assert got.person_id is None and got.ambiguous == (1, 2)


def test_keys_not_configured_are_not_used() -> None:
    people = [Candidate(1, name="Иванов Пётр")]
    assert match_person(_person(), people, ["email"]).person_id is None


def test_link_key_matches_the_same_id_in_another_source() -> None:
    people = [Candidate(7, links=frozenset({("oneroster", "ns-1")})), Candidate(8)]
    assert match_person(_person(), people, ["link:oneroster"]).person_id == 7
    assert match_person(_person(), people, ["link:moodle"]).person_id is None


def test_diff_creates_updates_deletes_and_counts_unchanged() -> None:
    got = diff({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4})
    assert (got.create, got.update, sorted(got.delete), got.unchanged) == (["d"], ["b"], ["c"], 1)
    assert diff({"a": 1}, {"a": 1}).empty
    assert diff({"a": 1}, {}, delete_missing=False).empty


@pytest.mark.parametrize("reason, words", [
    ("wrong_credentials", "Неверный логин или пароль"),
    ("unknown_school", "нет школы с таким названием"),
    ("locked", "заблокирована"),
    ("maintenance", "обслуживании"),
])
def test_admin_messages_explain_auth_failures(reason: str, words: str) -> None:
    text = explain(AuthFailed("Ответ сервера", reason=reason, status=409))
    assert words in text and "Ответ сервера" in text
    assert AuthFailed("x", reason=reason).retryable is (reason == "maintenance")


def test_unavailable_is_retryable_and_explained() -> None:
    exc = RemoteUnavailable("HTTP 503")
    assert exc.retryable and "HTTP 503" in explain(exc)


def test_word_order_and_a_missing_patronymic() -> None:
    record = _person(last_name="Иванова", first_name="Мария", middle_name="Петровна")
    lms = [Candidate(1, name="Мария Петровна Иванова"), Candidate(2, name="Мария Иванова")]
    assert match_person(record, lms, ["name"]).person_id == 1
    assert match_person(record, [lms[1]], ["name_partial"]).person_id == 2
    assert match_person(record, [Candidate(3, name="Мария")], ["name_partial"]).person_id is None
    # both fit partially: ambiguous, not merged
    assert match_person(record, lms, ["name_partial"]).ambiguous == (1, 2)
