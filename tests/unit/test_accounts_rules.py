"""Sign-in rules without a database: session life, attempt limits, CSRF tokens, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lti_tool.accounts import rules

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
L = rules.Limits()


def test_a_session_ends_by_lifetime_idle_or_by_hand():
    assert rules.alive(NOW + timedelta(hours=1), NOW - timedelta(minutes=59), False, NOW, L)
    assert not rules.alive(NOW, NOW, False, NOW, L)  # the fixed lifetime is over
    assert not rules.alive(NOW + timedelta(hours=1), NOW - L.idle, False, NOW, L)
    assert not rules.alive(NOW + timedelta(hours=1), NOW, True, NOW, L)


def test_two_failures_per_account_stop_before_the_school_locks_at_three():
    assert rules.may_try(0, 0, L) is None and rules.may_try(1, 19, L) is None
    assert rules.may_try(2, 0, L) == "account"
    assert rules.may_try(0, 20, L) == "address"


def test_account_key_ignores_case_and_spaces_but_not_the_school():
    assert rules.account_key("a", " Petrov ") == rules.account_key("a", "petrov")
    assert rules.account_key("a", "petrov") != rules.account_key("b", "petrov")


def test_csrf_token_belongs_to_one_session():
    key = b"k" * 32
    token = rules.csrf_token(key, "s1")
    assert rules.csrf_ok(key, "s1", token)
    assert not rules.csrf_ok(key, "s2", token)
    assert not rules.csrf_ok(key, "s1", None) and not rules.csrf_ok(key, "s1", "")
    assert not rules.csrf_ok(b"x" * 32, "s1", token)


def test_netschool_role_names():
    assert rules.netschool_roles(["Родитель"]) == {"parent"}
    assert rules.netschool_roles(["Ученик", "Учитель"]) == {"student", "teacher"}
    assert rules.netschool_roles(["Завуч"]) == {"admin"} and rules.netschool_roles([]) == set()


def test_touch_at_most_once_a_minute():
    assert not rules.needs_touch(NOW - timedelta(seconds=59), NOW, L)
    assert rules.needs_touch(NOW - timedelta(seconds=60), NOW, L)


def test_password_rules():
    assert rules.password_problem("короткий", "a@b.ru") == "short"
    assert rules.password_problem("a" * 201, "a@b.ru") == "long"
    assert rules.password_problem("aaaaaaaaaaaa", "a@b.ru") == "weak"
    assert rules.password_problem("coord@partner.ru", "Coord@Partner.ru") == "weak"
    assert rules.password_problem("липа цветёт в июле", "a@b.ru") is None


def test_totp_is_required_of_admins_and_coordinators_only():
    assert rules.totp_required(["admin"]) and rules.totp_required({"partner", "teacher"})
    assert not rules.totp_required(["teacher", "tutor", "parent", "student"])
    assert not rules.totp_required([])
