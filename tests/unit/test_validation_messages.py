"""marshmallow's messages are Russian (English in the English UI), from one place.

Issue 7: a connection title over 200 characters answered "Longer than maximum length 200."
on a Russian page.
"""

from __future__ import annotations

import inspect
import re

import pytest
from flask import Flask
from flask_babel import Babel
from marshmallow import ValidationError, fields, validate

from lti_tool.sync.schemas import ConnectionSchema
from schemas.messages import RUSSIAN, Message

TRANSLATIONS = str(__import__("pathlib").Path(__file__).resolve().parents[2]
                   / "lti_tool" / "web" / "translations")


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    from flask import request

    Babel(app, locale_selector=lambda: request.args.get("lang", "ru"),
          default_translation_directories=TRANSLATIONS)
    return app


def _title_error(app: Flask, lang: str) -> str:
    with app.test_request_context(f"/?lang={lang}"):
        with pytest.raises(ValidationError) as err:
            ConnectionSchema().load({"kind": "moodle", "title": "я" * 201})
        return str(err.value.messages["title"][0])


def test_a_length_message_is_russian_and_english_in_the_english_ui(app):
    assert _title_error(app, "ru") == "Длиннее допустимого: не больше 200 символов."
    assert _title_error(app, "en") == "Too long: at most 200 characters."


def test_a_required_field_and_a_range_speak_russian(app):
    schema = type("S", (ConnectionSchema,), {"n": fields.Integer(
        required=True, validate=validate.Range(min=1))})
    with app.test_request_context("/"):
        with pytest.raises(ValidationError) as err:
            schema().load({"title": "x", "n": 0})
    assert err.value.messages["kind"] == ["Обязательное поле: значение не указано."]
    assert err.value.messages["n"] == ["Должно быть не меньше 1."]
    with app.test_request_context("/?lang=en"):
        with pytest.raises(ValidationError) as err:
            schema().load({"title": "x", "n": "many"})
    assert err.value.messages["n"] == ["Must be a whole number."]


def test_no_english_default_is_left():
    left = []
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        for key, msg in (cls.__dict__.get("default_error_messages") or {}).items():
            if not isinstance(msg, Message):
                left.append((cls.__name__, key, msg))
    for _name, cls in inspect.getmembers(validate, inspect.isclass):
        for attr, msg in cls.__dict__.items():
            if (attr.startswith("message") or attr == "default_message") and isinstance(msg, str) \
                    and not isinstance(msg, Message):
                left.append((cls.__name__, attr, msg))
    assert left == []
    assert all(re.search("[а-я]", text) for text in RUSSIAN.values())


def test_a_lazy_message_is_one_message_not_its_letters(app):
    """A field's own lazy message (``_l``) was kept by marshmallow as the "list" of its
    messages, and the page joined its letters: «Балл: Б; а; л; л; …»."""
    from lti_tool.lms_scores.schemas import ScoreForm

    with app.test_request_context("/"):
        with pytest.raises(ValidationError) as err:
            ScoreForm().load({"student": "x", "score": "abc"})
    assert err.value.normalized_messages() == {"score": ["Балл должен быть числом."]}
    with app.test_request_context("/?lang=en"):
        with pytest.raises(ValidationError) as err:
            ScoreForm().load({"score": "abc"})
    assert err.value.normalized_messages() == {"score": ["The score must be a number."],
                                               "student": ["Choose a student."]}
