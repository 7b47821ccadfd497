"""Pure role mapping (``lti_tool.lti.roles``) and outbox retry policy (``gradebook.rules``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_tool.lms_scores.rules import BASE, CAP, backoff, score_key
from lti_tool.lti.roles import map_roles

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize("uri,role", [
    (LIS + "membership#Instructor", "teacher"),
    (LIS + "membership/Instructor#TeachingAssistant", "teacher"),
    (LIS + "membership#Learner", "student"),
    (LIS + "institution/person#Student", "student"),
    (LIS + "institution/person#Administrator", "admin"),
    (LIS + "system/person#Administrator", "admin"),
    (LIS + "membership#Mentor", "parent"),
    ("Instructor", "teacher"), ("Learner", "student"), ("Administrator", "admin"),
])
def test_moodle_role_uris(uri: str, role: str) -> None:
    assert map_roles([uri]) == [role]


def test_moodle_teacher_who_is_site_admin_gets_both() -> None:
    """Moodle sends a site admin teaching a course as Instructor + institution Administrator."""
    assert map_roles([LIS + "membership#Instructor",
                      LIS + "institution/person#Administrator"]) == ["admin", "teacher"]


@pytest.mark.parametrize("uris", [
    ["http://example.com/role#Wizard"], [LIS + "membership#Wizard"],
    ["http://purl.imsglobal.org/vocab/lis/v2/membershipInstructor"], [None, 3, {}],
    ["instructor"],  # short names are case-sensitive in the spec
])
def test_unknown_roles_are_ignored(uris: list[object]) -> None:
    assert map_roles(uris) == []  # type: ignore[arg-type]


def test_no_role_at_all() -> None:
    assert map_roles([]) == []


def test_duplicates_collapse_and_order_is_stable() -> None:
    uris = [LIS + "membership#Learner", "Learner", LIS + "institution/person#Student"]
    assert map_roles(uris) == ["student"]


def test_backoff_doubles_from_base() -> None:
    assert backoff(0) == timedelta(0)
    assert backoff(1) == BASE == timedelta(seconds=30)
    assert backoff(2) == timedelta(seconds=60)
    assert backoff(3) == timedelta(seconds=120)


def test_backoff_is_capped() -> None:
    assert backoff(8) == CAP
    assert backoff(1000) == CAP


@given(st.integers(min_value=1, max_value=200))
def test_backoff_is_monotonic_and_bounded(n: int) -> None:
    assert BASE <= backoff(n) <= backoff(n + 1) <= CAP


def test_score_key_distinguishes_every_part() -> None:
    base = score_key(1, "marshrut:abc", "u-1", "2026-11-23T00:00:00+00:00")
    assert base == score_key(1, "marshrut:abc", "u-1", "2026-11-23T00:00:00+00:00")
    others = {score_key(2, "marshrut:abc", "u-1", "2026-11-23T00:00:00+00:00"),
              score_key(1, "marshrut:xyz", "u-1", "2026-11-23T00:00:00+00:00"),
              score_key(1, "marshrut:abc", "u-2", "2026-11-23T00:00:00+00:00"),
              score_key(1, "marshrut:abc", "u-1", "2026-11-23T00:00:01+00:00")}
    assert base not in others and len(others) == 4


def test_log_level_comes_from_the_environment(monkeypatch):
    """MARSHRUT_LOG_LEVEL was documented but read nowhere (issue 8)."""
    import logging

    from lti_tool import logging_setup

    root = logging.getLogger("marshrut")
    saved = (list(root.handlers), root.level)
    root.handlers.clear()
    try:
        monkeypatch.setenv("MARSHRUT_LOG_LEVEL", "warning")
        logging_setup.configure()
        assert root.level == logging.WARNING
        root.handlers.clear()
        monkeypatch.setenv("MARSHRUT_LOG_LEVEL", "nonsense")
        logging_setup.configure()
        assert root.level == logging.INFO
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
