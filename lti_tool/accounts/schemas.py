"""The sign-in form at the boundary (marshmallow, Russian messages naming the field)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate


class NetSchoolSignIn(Schema):
    class Meta:
        unknown = EXCLUDE

    labels = {"school": _l("Школа"), "login": _l("Логин"), "password": _l("Пароль")}

    school = fields.String(required=True, validate=validate.Length(min=1, max=24),
                           error_messages={"required": _l("Выберите школу.")})
    login = fields.String(required=True, validate=validate.Length(
        min=1, max=100, error=_l("Логин: от 1 до 100 символов.")),
        error_messages={"required": _l("Введите логин.")})
    password = fields.String(required=True, validate=validate.Length(
        min=1, max=200, error=_l("Пароль: от 1 до 200 символов.")),
        error_messages={"required": _l("Введите пароль.")})
