"""The achievement form at the boundary (marshmallow, Russian messages naming the field)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from lti_tool.portfolio import rules
from lti_tool.web import form_errors


class AchievementForm(Schema):
    class Meta:
        unknown = EXCLUDE  # the launch token travels in the same form

    labels = {"section": _l("Раздел"), "title": _l("Название"), "level": _l("Уровень"),
              "result": _l("Результат"), "achieved_on": _l("Дата"),
              "description": _l("Описание"), "hours": _l("Часы")}

    section = fields.String(required=True, validate=validate.Length(min=1, max=40),
                            error_messages={"required": _l("Выберите раздел.")})
    title = fields.String(required=True, validate=validate.Length(
        min=2, max=300, error=_l("Название: от 2 до 300 символов.")),
        error_messages={"required": _l("Укажите название.")})
    level = fields.String(required=True, validate=validate.OneOf(
        rules.LEVELS, error=_l("Выберите уровень из списка.")))
    result = fields.String(required=True, validate=validate.OneOf(
        rules.RESULTS, error=_l("Выберите результат из списка.")))
    achieved_on = fields.Date(required=True, error_messages={
        "required": _l("Укажите дату."), "invalid": _l("Дата в формате ГГГГ-ММ-ДД.")})
    description = fields.String(load_default="", validate=validate.Length(
        max=4000, error=_l("Описание длиннее 4000 символов.")))
    hours = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(
        min=0, max=5000, error=_l("Часы: целое число от 0 до 5000.")))

    @validates_schema
    def _not_future(self, data: dict[str, Any], **_: Any) -> None:
        when = data.get("achieved_on")
        if isinstance(when, date) and when > date.today():
            raise ValidationError(str(_l("Дата не может быть в будущем.")), "achieved_on")


def load_form(form: dict[str, str]) -> dict[str, Any]:
    """Blank optional fields mean «not given» (an HTML form sends empty strings)."""
    cleaned = {k: v for k, v in form.items() if not (k == "hours" and v.strip() == "")}
    return AchievementForm().load(cleaned)  # type: ignore[no-any-return]


def messages(err: ValidationError) -> list[str]:
    """«Field: message» lines for the page."""
    return form_errors.lines(err, AchievementForm.labels, default=_l("Форма"))


class MentorQuery(Schema):
    """The region/school figures' filter: a mentoring topic from the list, or all."""

    class Meta:
        unknown = EXCLUDE

    labels = {"topic": _l("Тема")}

    topic = fields.String(load_default="", validate=validate.OneOf(
        ("", *rules.MENTOR_TOPICS), error=_l("Выберите тему из списка.")))


def query_messages(err: ValidationError) -> list[str]:
    return form_errors.lines(err, MentorQuery.labels, default=_l("Форма"))


class AdultForm(Schema):
    """The admin's «совершеннолетний» mark for a pupil: yes or no, nothing else."""

    class Meta:
        unknown = EXCLUDE

    labels = {"on": _l("Совершеннолетний")}

    on = fields.Boolean(required=True, truthy={"1"}, falsy={"0"}, error_messages={
        "required": _l("Укажите «да» или «нет»."), "invalid": _l("Укажите «да» или «нет».")})


def adult_messages(err: ValidationError) -> list[str]:
    return form_errors.lines(err, AdultForm.labels, default=_l("Форма"))
