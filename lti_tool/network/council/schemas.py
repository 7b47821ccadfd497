"""Council forms validated at the boundary; messages name the field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from lti_tool.network.council.models import CHOICES
from lti_tool.network.council.rules import KINDS
from lti_tool.network.council.services import POSITIONS

LABELS = {
    "person": _l("Человек"), "position": _l("Должность"), "since": _l("Член совета с"),
    "held_on": _l("Дата заседания"), "place": _l("Место"), "agenda": _l("Повестка дня"),
    "kind": _l("Вид решения"), "text": _l("Текст решения"), "ballots": _l("Голоса"),
    "subject_org": _l("Организация"),
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


class BallotSchema(Schema):
    member = fields.String(required=True, validate=validate.Length(1, 24))
    choice = fields.String(required=True, validate=validate.OneOf(
        CHOICES, error=_l("Выберите «за», «против» или «воздержался».")))


class VoteSchema(Schema):
    """The roll-call: a field ``ballot-<member public id>`` per present member; a field sent
    twice stays twice in ``ballots`` so the use case can refuse a second vote."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(load_default="general", validate=validate.OneOf(KINDS))
    text = fields.String(required=True, validate=validate.Length(
        1, 4000, error=_l("От 1 до 4000 символов.")))
    ballots = fields.List(fields.Nested(BallotSchema), required=True, validate=validate.Length(
        min=1, error=_l("Отметьте голос хотя бы одного присутствующего.")))
    subject_org = fields.Integer(load_default=None)
    subject_member = fields.String(load_default=None)
    agenda_position = fields.Integer(load_default=None)

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        ballots = [{"member": key.removeprefix("ballot-"), "choice": value}
                   for key in data for value in (data.getlist(key) if hasattr(data, "getlist")
                                                 else [data[key]])
                   if key.startswith("ballot-") and value != ""]
        data = _form(data, ("subject_org", "subject_member", "agenda_position"))
        data = {k: v for k, v in data.items() if not k.startswith("ballot-")}
        data["ballots"] = ballots  # none at all: the length check says so by name
        return data
