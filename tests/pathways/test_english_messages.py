"""Rule, refusal and alert messages of routes in English for an English launch, Russian for a
Russian one; the Russian text (what the API, the audit and stored rows keep) is unchanged."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from flask_babel import Babel

import lti_tool
from lti_tool.pathways import messages, rules
from lti_tool.pathways.examples import worked_plan
from lti_tool.pathways.lifecycle import Refused, target_of
from lti_tool.sandbox.platform import LEARNER
from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims
from tests.e2e.test_pathways_pages import builder_form, post


def english(value: Any) -> str:
    """The message as a page for an English reader shows it (the app's own catalogue)."""
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en",
          default_translation_directories=str(Path(lti_tool.__file__).parent / "web"
                                              / "translations"))
    with app.test_request_context():
        return messages.shown(value)


def failing_plan() -> rules.Plan:
    plan = worked_plan("technology", date(2025, 9, 1))
    items = tuple(i if i.course != "Физика" else rules.Item(i.course, rules.BASIC, i.hours10,
                                                             i.hours11, i.kind)
                  for i in plan.items if i.kind != rules.PROJECT)
    return rules.Plan("technology", plan.start, items, plan.week_days)


def test_rule_messages_are_russian_and_render_in_english() -> None:
    verdict = rules.check(failing_plan())
    by_code = {v.code: v.message for v in verdict.violations}
    assert by_code["advanced_min"] == (
        "Профиль технологический: нужно не менее 2 предметов на углублённом уровне, выбран 1 "
        "(математика). Добавьте физику или информатику.")
    assert english(by_code["advanced_min"]) == (
        "Profile technological: at least 2 subjects at the advanced level are required, "
        "1 chosen (mathematics). Add physics or computer science.")
    assert english(by_code["project"]).startswith("No individual project: it is mandatory")
    try:
        target_of("approve", "in_review", "tutor", agreed=False)
    except Refused as exc:
        assert str(exc).startswith("Нет согласия родителя")
        assert english(exc.args[0]).startswith("No consent of a parent")
    mixed = messages.Text("%(subject)s: x", subject=messages.Capital("основы безопасности"))
    assert str(mixed) == "Основы безопасности: x"  # the rest of the name keeps its case


def launch(platform: Any, tool: Any, sub: str, locale: str) -> str:
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    claims = valid_claims(platform, auth, sub=sub, name=sub.title(), lti_roles=[LEARNER],
                          lti_deployment_id="dep-school",
                          lti_context={"id": "algebra-10a", "title": "algebra-10a"},
                          lti_launch_presentation={"locale": locale})
    return accepted(post_launch(client, tool.base, sign(platform, claims), auth["state"]))


def test_an_english_student_reads_the_check_and_the_refusal_in_english(
        tool: Any, platform: Any) -> None:
    for sub, locale, check, refusal in (
            ("pupil-en", "en-US", "Profile technological: at least 2 subjects",
             "The plan does not pass the check"),
            ("pupil-ru", "ru-RU", "Профиль технологический: нужно не менее 2 предметов",
             "План не проходит проверку")):
        lt = launch(platform, tool, sub, locale)
        built = post(tool, lt, "/app/routes/start", {"start": "2025-09-01"})
        rid = re.search(r"/app/routes/([\w-]+)/edit", built.url).group(1)  # type: ignore[union-attr]
        failing = post(tool, lt, f"/app/routes/{rid}/edit",
                       builder_form(built, "technology", drop="Физика") | {"then": "check"})
        assert check in failing.text
        version = re.search(r'name="version" value="(\d+)"', failing.text).group(1)  # type: ignore[union-attr]
        refused = post(tool, lt, f"/app/routes/{rid}/act", {"action": "submit",
                                                            "version": version})
        assert refusal in refused.text
