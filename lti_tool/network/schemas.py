"""Forms of the network pages, validated at the boundary; messages name the field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from lti_tool.web import form_errors

LABELS = {
    "number": _l("Номер"), "title": _l("Название"), "kind": _l("Вид"),
    "subjects": _l("Предметы и программы"), "signed_on": _l("Дата подписания"),
    "starts_on": _l("Действует с"), "ends_on": _l("Действует по"),
    "parties": _l("Стороны"), "document": _l("Подписанный документ"),
    "contribution": _l("Что вносит в сеть"), "contact_name": _l("Контактное лицо"),
    "contact_email": _l("Электронная почта"), "contact_phone": _l("Телефон"),
    "in_public_registry": _l("Показывать в открытом реестре"),
    "name": _l("Название сети"), "slug": _l("Короткое имя (для адреса реестра)"),
    "region": _l("Регион"), "description": _l("О сети"), "founders": _l("Организации-учредители"),
    "child": _l("Сеть"),
}


def _blank_to_missing(data: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """Forms send an empty string for an empty date; that means «not given»."""
    if hasattr(data, "to_dict"):
        lists = {k: data.getlist(k) for k in data if k in ("parties",)}
        data = {**data.to_dict(), **lists}
    data = dict(data)
    for name in names:
        if data.get(name) == "":
            data.pop(name)
    return data


class AgreementSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    number = fields.String(load_default="", validate=validate.Length(max=60))
    title = fields.String(required=True, validate=validate.Length(
        1, 300, error=_l("От 1 до 300 символов.")))
    kind = fields.String(load_default="agreement", validate=validate.OneOf(
        ("agreement", "contract"), error=_l("Выберите «соглашение» или «договор».")))
    subjects = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list)
    signed_on = fields.Date(load_default=None)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None)
    parties = fields.List(fields.String(), load_default=list)

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        data = _blank_to_missing(data, ("signed_on", "starts_on", "ends_on"))
        subjects = data.get("subjects")
        if isinstance(subjects, str):
            data["subjects"] = [s.strip() for s in subjects.replace("\n", ";").split(";")
                                if s.strip()]
        if isinstance(data.get("parties"), str):
            data["parties"] = [data["parties"]]
        return data

    @validates_schema(skip_on_field_errors=False)
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        ends, starts = data.get("ends_on"), data.get("starts_on")
        errors: dict[str, list[Any]] = {}
        if ends is not None and starts is not None and ends < starts:
            errors["ends_on"] = [_l("Окончание раньше начала.")]
        if len(set(data.get("parties", []))) < 2:
            errors["parties"] = [_l("Выберите не меньше двух сторон.")]
        if errors:
            raise ValidationError(errors)


class NetworkSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(1, 300))
    slug = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9-]{1,78}$", error=_l("Латинские строчные буквы, цифры и дефис.")))
    region = fields.String(load_default="", validate=validate.Length(max=120))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    founders = fields.List(fields.String(), load_default=list)

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        if hasattr(data, "getlist"):
            founders = data.getlist("founders")
            data = {**data.to_dict(), "founders": founders}
        return {k: v for k, v in dict(data).items() if v != ""}


class AttachSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    child = fields.String(required=True, validate=validate.Length(
        1, 24, error=_l("Выберите сеть из списка.")))

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        return _blank_to_missing(data, ("child",))


class MemberEntrySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    contribution = fields.String(load_default="", validate=validate.Length(max=2000))
    contact_name = fields.String(load_default="", validate=validate.Length(max=200))
    contact_email = fields.String(load_default="", validate=validate.Length(max=254))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=40))
    in_public_registry = fields.Boolean(load_default=False)

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        data = _blank_to_missing(data, ())
        data["in_public_registry"] = data.get("in_public_registry") in ("on", "1", "true", True)
        return data

    @validates_schema
    def _email(self, data: dict[str, Any], **_: Any) -> None:
        email = data.get("contact_email", "")
        if email and ("@" not in email or " " in email.strip()):
            raise ValidationError({"contact_email": [_l("Неверный адрес электронной почты.")]})


def load(schema: Schema, data: Any, labels: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validate and return values; errors carry the field's label («Название: ...»)."""
    try:
        return schema.load(data)  # type: ignore[no-any-return]
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise ValidationError({k: [f"{(labels or LABELS).get(k, k)}: {m}"
                                   for m in form_errors.texts(v)]
                               for k, v in messages.items()}) from exc
