"""Council forms validated at the boundary; messages name the field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from lti_tool.network.council.rules import KINDS
from lti_tool.network.council.services import POSITIONS

LABELS = {
    "person": _l("Человек"), "position": _l("Должность"), "since": _l("Член совета с"),
    "held_on": _l("Дата заседания"), "place": _l("Место"), "agenda": _l("Повестка дня"),
    "kind": _l("Вид решения"), "text": _l("Текст решения"), "votes_for": _l("«За»"),
    "votes_against": _l("«Против»"), "abstained": _l("«Воздержались»"),
    "outcome": _l("Итог"), "subject_org": _l("Организация"),
    "subject_member": _l("Член совета"), "agenda_position": _l("Вопрос повестки"),
}
POSITION_LABELS = {"director": _l("директор"), "deputy": _l("заместитель директора по УВР"),
                   "class_teacher": _l("классный руководитель 10–11 классов"),
                   "other": _l("другое")}


def _form(data: Any, blanks: tuple[str, ...]) -> dict[str, Any]:
    if hasattr(data, "to_dict"):
        data = data.to_dict()
    return {k: v for k, v in dict(data).items() if not (k in blanks and v == "")}


class MemberSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    person = fields.String(required=True)
    position = fields.String(required=True, validate=validate.OneOf(POSITIONS))
    since = fields.Date(required=True)

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        return _form(data, ("person", "position", "since"))


class MeetingSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    held_on = fields.Date(required=True)
    place = fields.String(load_default="", validate=validate.Length(max=300))
    agenda = fields.List(fields.String(validate=validate.Length(1, 500)), required=True,
                         validate=validate.Length(min=1, error=_l("Нужен хотя бы один вопрос.")))

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        data = _form(data, ("held_on",))
        if isinstance(data.get("agenda"), str):
            data["agenda"] = [line.strip() for line in data["agenda"].splitlines()
                              if line.strip()]
        return data


class VoteSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(load_default="general", validate=validate.OneOf(KINDS))
    text = fields.String(required=True, validate=validate.Length(
        1, 4000, error=_l("От 1 до 4000 символов.")))
    votes_for = fields.Integer(required=True, validate=validate.Range(0, 1000))
    votes_against = fields.Integer(load_default=0, validate=validate.Range(0, 1000))
    abstained = fields.Integer(load_default=0, validate=validate.Range(0, 1000))
    outcome = fields.String(required=True, validate=validate.OneOf(
        ("adopted", "rejected"), error=_l("Выберите «принято» или «не принято».")))
    subject_org = fields.Integer(load_default=None)
    subject_member = fields.String(load_default=None)
    agenda_position = fields.Integer(load_default=None)

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        return _form(data, ("votes_for", "votes_against", "abstained", "subject_org",
                            "subject_member", "agenda_position", "outcome"))
