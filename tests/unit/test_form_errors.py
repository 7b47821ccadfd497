"""The one «Label: messages» formatter every feature's forms use (lti_tool.web.form_errors)."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lti_tool.web import form_errors


class _Row(Schema):
    mark = fields.Integer(required=True, error_messages={"required": "Нужна оценка."})


class _Form(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3, error="Коротко."))
    rows = fields.List(fields.Nested(_Row), required=True)

    @validates_schema
    def _whole(self, data: dict, **_: object) -> None:
        raise ValidationError("Форма не сходится.")


def _refusal(data: dict) -> ValidationError:
    try:
        _Form().load(data)
    except ValidationError as err:
        return err
    raise AssertionError("the form was accepted")


def test_nested_rows_flatten_to_one_text_each_once() -> None:
    err = _refusal({"title": "ab", "rows": [{}, {}]})
    assert form_errors.by_field(err) == {
        "title": ["Коротко."], "rows": ["Нужна оценка."]}


def test_lines_name_the_field_by_its_label_or_key() -> None:
    err = _refusal({"title": "ab", "rows": [{}]})
    assert form_errors.lines(err, {"title": "Название"}) == [
        "Название: Коротко.", "rows: Нужна оценка."]


def test_a_schema_level_check_takes_the_default_label() -> None:
    err = _refusal({"title": "abc", "rows": []})
    assert form_errors.labelled(err, {}, default="Форма") == {
        "_schema": "Форма: Форма не сходится."}


def test_messages_join_with_the_given_separator() -> None:
    refusal = {"mark": ["Не число.", "Не в шкале."], "term": "Нет четверти."}
    assert form_errors.lines(refusal, {"mark": "Оценка"}, sep=" ") == [
        "Оценка: Не число. Не в шкале.", "term: Нет четверти."]


def test_lazy_labels_are_translated_when_the_line_is_made() -> None:
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "ru")
    labels = {"title": _l("Название")}  # made outside any request, like a module's LABELS
    with app.test_request_context():
        assert form_errors.lines({"title": ["Пусто."]}, labels) == ["Название: Пусто."]
