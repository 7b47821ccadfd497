"""The «connect a source» form, validated at the boundary; messages name the field."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

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

from lti_tool.sync.rules import MATCH_KEYS

KINDS = ("netschool", "moodle", "oneroster")
SECRET_FIELD = {"netschool": "password", "moodle": "token", "oneroster": ""}
REQUIRED = {
    "netschool": ("base_url", "login", "password", "school"),
    "moodle": ("base_url", "token"),
    "oneroster": ("path",),
}
LABELS = {
    "kind": _l("Источник"), "title": _l("Название"), "base_url": _l("Адрес сервера"),
    "file": _l("Выгрузка OneRoster (zip)"),
    "login": _l("Логин"), "password": _l("Пароль"), "school": _l("Школа"),
    "token": _l("Токен веб-службы"), "path": _l("Папка или архив OneRoster"),
    "match_keys": _l("Ключи сопоставления людей"),
    "interval_minutes": _l("Интервал автосинхронизации, мин"),
    "lookback_weeks": _l("Сколько недель перечитывать"),
}


def _valid_key(key: str) -> bool:
    return key in MATCH_KEYS or (key.startswith("link:") and key[5:] in (*KINDS, "lti"))


class ConnectionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, validate=validate.OneOf(
        KINDS, error=_l("Выберите источник из списка.")))
    title = fields.String(load_default="", validate=validate.Length(max=200))
    base_url = fields.String(load_default="", validate=validate.Length(max=300))
    login = fields.String(load_default="", validate=validate.Length(max=100))
    password = fields.String(load_default="", validate=validate.Length(max=200))
    school = fields.String(load_default="", validate=validate.Length(max=300))
    token = fields.String(load_default="", validate=validate.Length(max=200))
    path = fields.String(load_default="", validate=validate.Length(max=500))
    match_keys = fields.List(fields.String(), load_default=lambda: ["email"])
    interval_minutes = fields.Integer(load_default=0, validate=validate.Range(
        0, 7 * 24 * 60, error=_l("От 0 (только вручную) до 10080 минут.")))
    lookback_weeks = fields.Integer(load_default=2, validate=validate.Range(
        0, 52, error=_l("От 0 до 52 недель.")))

    @pre_load
    def _split_keys(self, data: Any, **_: Any) -> Any:
        """Forms send «email, name»; JSON sends a list. Both arrive here."""
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        data = dict(data)
        keys = data.get("match_keys")
        if isinstance(keys, str):
            data["match_keys"] = [k.strip() for k in keys.split(",") if k.strip()]
        for name in ("interval_minutes", "lookback_weeks"):
            if data.get(name) == "":
                data.pop(name)
        return data

    @validates_schema(skip_on_field_errors=False)
    def _per_kind(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        for name in REQUIRED.get(data.get("kind", ""), ()):
            if not str(data.get(name, "")).strip():
                errors[name] = [str(_l("обязательное поле для этого источника."))]
        url = data.get("base_url", "")
        if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
            errors["base_url"] = [str(_l("Адрес сервера должен начинаться с https://."))]
        bad = [k for k in data.get("match_keys") or [] if not _valid_key(k)]
        if bad:
            errors["match_keys"] = [str(_l(
                "Неизвестные ключи: %(k)s. Допустимы: email, name, name_partial, link:<источник>.",
                k=", ".join(bad)))]
        if errors:
            raise ValidationError(errors)
