"""Forms of the course exchange, validated at the boundary; messages are Russian msgids and
name the field (the page shows ``LABELS[field]: message``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from lti_tool.exchange import rules

LABELS = {
    "title": _l("Название курса"), "subject": _l("Предмет"), "level": _l("Уровень"),
    "grades": _l("Классы"), "hours": _l("Часов"), "format": _l("Формат"),
    "place": _l("Место занятий"), "capacity": _l("Мест в группе"),
    "schedule": _l("Расписание"), "starts_on": _l("Начало"), "ends_on": _l("Окончание"),
    "prerequisites": _l("Что нужно знать заранее"), "description": _l("Описание"),
    "teacher_name": _l("Учитель"), "published": _l("Виден партнёрам"),
    "reason": _l("Причина"), "note": _l("Комментарий"), "period": _l("Месяц"),
    "term_id": _l("Период"), "start": _l("С"), "end": _l("По"),
    "host_class": _l("Класс в журнале школы"),
    "mark": _l("Итоговая отметка"), "activity": _l("Элемент курса в Moodle (id)"),
}
LEVEL_LABELS = {"basic": _l("базовый"), "advanced": _l("углублённый")}
FORMAT_LABELS = {"on_site": _l("очно у партнёра"),
                 "distance": _l("дистанционно с консультациями")}
WEEKDAYS = {"пн": 1, "вт": 2, "ср": 3, "чт": 4, "пт": 5, "сб": 6, "вс": 7}
WEEKDAY_NAMES = {v: k.capitalize() for k, v in WEEKDAYS.items()}
_SLOT = re.compile(r"^\s*(\S+)\s+(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})\s*$")


def parse_schedule(text: str) -> list[dict[str, Any]]:
    """«Пн 14:30-15:15; Чт 15:20-16:05» → weekly slots; ValidationError on a bad part."""
    slots = []
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        match = _SLOT.match(part)
        day = WEEKDAYS.get(match.group(1).casefold()[:2]) if match else None
        if match is None or day is None:
            raise ValidationError(_l("Запишите занятия как «Пн 14:30-15:15; Чт 15:20-16:05»."))
        try:
            start, end = rules.minutes(match.group(2)), rules.minutes(match.group(3))
        except rules.RuleError as exc:
            raise ValidationError(_l("Неверное время: «%(v)s».", v=part)) from exc
        if start >= end:
            raise ValidationError(_l("Занятие должно заканчиваться позже, чем начинается."))
        slots.append({"weekday": day, "start": rules.hhmm(start), "end": rules.hhmm(end)})
    if not slots:
        raise ValidationError(_l("Укажите хотя бы одно занятие в неделю."))
    return slots


def schedule_text(slots: list[dict[str, Any]]) -> str:
    return "; ".join(f"{WEEKDAY_NAMES[int(s['weekday'])]} {s['start']}-{s['end']}"
                     for s in slots)


class ScheduleField(fields.Field):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> Any:
        return parse_schedule(str(value or ""))


class CourseSchema(Schema):
    """``classes``: the host school's classes (public id → id) the course may take its
    journal from; any other value of ``host_class`` (another school's class, a made-up id)
    is refused. Loaded data carries ``host_class_id`` (None: not named)."""

    class Meta:
        unknown = EXCLUDE

    def __init__(self, *, classes: Mapping[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.classes = dict(classes or {})

    title = fields.String(required=True, validate=validate.Length(min=3, max=300))
    subject = fields.String(required=True, validate=validate.Length(min=2, max=300))
    level = fields.String(required=True, validate=validate.OneOf(rules.LEVELS))
    grades = fields.String(load_default="10-11", validate=validate.Length(max=20))
    hours = fields.Integer(required=True, validate=validate.Range(min=1, max=600))
    format = fields.String(required=True, validate=validate.OneOf(rules.FORMATS))
    place = fields.String(load_default="", validate=validate.Length(max=300))
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=500))
    schedule = ScheduleField(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    prerequisites = fields.String(load_default="", validate=validate.Length(max=5000))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    teacher_name = fields.String(load_default="", validate=validate.Length(max=200))
    published = fields.Boolean(load_default=False)
    host_class = fields.String(load_default="")

    @validates("host_class")
    def _host_class(self, value: str, **_kw: Any) -> None:
        if value and value not in self.classes:
            raise ValidationError([_l("Выберите класс своей школы из списка.")])

    @validates_schema
    def _dates(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(_l("Курс не может закончиться раньше, чем начнётся."),
                                  "ends_on")

    @post_load
    def _class_id(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        data["host_class_id"] = self.classes.get(data.pop("host_class", ""))
        return data


class DecisionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True, validate=validate.OneOf(("approve", "refuse")))
    reason = fields.String(load_default="", validate=validate.Length(max=1000))

    @validates_schema
    def _reason(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("action") == "refuse" and not data.get("reason", "").strip():
            raise ValidationError(_l("Напишите причину отказа: её увидят ученик и школа."),
                                  "reason")


class PeriodSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    period = fields.String(required=True, validate=validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error=_l("Выберите месяц.")))
    home = fields.String(load_default="")


class TermSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    term_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _dates(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_l("Конец периода раньше начала."), "end")


class CorrectionSchema(Schema):
    """The host's correction of a report card's final mark (1–5)."""

    class Meta:
        unknown = EXCLUDE

    card = fields.String(required=True, validate=validate.Length(min=1, max=24))
    mark = fields.Integer(required=True, strict=False, validate=validate.Range(
        min=1, max=5, error=_l("Отметка от 1 до 5.")), error_messages={
        "required": _l("Укажите отметку."), "invalid": _l("Отметка от 1 до 5.")})
