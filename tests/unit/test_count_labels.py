"""The run report's detailed counts read as words, in the reader's language (issue 7: the
«Подробно» list showed raw English keys such as ``marks.created``)."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel

from lti_tool.sync.messages import count_label


def test_counts_in_russian_and_unknown_keys_kept():
    assert count_label("marks.created") == "Отметки: добавлено"
    assert count_label("people.linked") == "Люди: связано с известными"
    assert count_label("fetched") == "Получено"
    assert count_label("something.new") == "something.new"


def test_counts_in_english_on_an_english_page():
    app = Flask(__name__, root_path=str(__import__("lti_tool").__path__[0]))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = "web/translations"
    Babel(app, locale_selector=lambda: "en")
    with app.test_request_context("/"):
        assert count_label("marks.created") == "Marks: added"
        assert count_label("attendance.unchanged") == "Attendance: unchanged"
