"""The sign-in form at the boundary (marshmallow, Russian messages naming the field)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate


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


#: Systems whose identity links a regional sign-in may match (``IdentityLink.source``).
LINK_SOURCES = ("oidc", "lti", "netschool", "moodle", "oneroster")
_SCOPE = r"^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$"  # RFC 6749 §3.3


def _has_openid(value: str) -> None:
    if "openid" not in value.split():
        raise ValidationError(str(_l("Области доступа (scope): нужна область openid.")))


class SsoProviderForm(Schema):
    """The admin's regional sign-in settings; the secret is never shown back."""

    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(
        min=1, max=200, error=_l("Название: от 1 до 200 символов.")),
        error_messages={"required": _l("Название: укажите, как подписать кнопку входа.")})
    issuer = fields.String(required=True, validate=[
        validate.Length(max=300, error=_l("Издатель: не длиннее 300 символов.")),
        validate.Regexp(r"^https?://[^\s/?#]+[^\s?#]*$", error=_l(
            "Издатель: адрес вида https://… без пробелов, ? и #."))],
        error_messages={"required": _l("Издатель: укажите адрес https://…")})
    client_id = fields.String(required=True, validate=validate.Length(
        min=1, max=200, error=_l("Идентификатор клиента: от 1 до 200 символов.")),
        error_messages={"required": _l("Идентификатор клиента: укажите его.")})
    client_secret = fields.String(required=True, validate=validate.Length(
        min=1, max=300, error=_l("Секрет клиента: от 1 до 300 символов.")),
        error_messages={"required": _l("Секрет клиента: укажите его.")})
    claim = fields.String(load_default="sub", validate=validate.Regexp(
        r"^[A-Za-z0-9_:.\-/]{1,80}$", error=_l(
            "Утверждение: латинские буквы, цифры и _ : . - / (до 80 символов).")))
    scope = fields.String(load_default="openid email profile", validate=[
        validate.Length(max=200, error=_l("Области доступа (scope): не длиннее 200 символов.")),
        validate.Regexp(_SCOPE, error=_l(
            "Области доступа (scope): слова через пробел, без кавычек и \\.")),
        _has_openid])
    link_source = fields.String(load_default="oidc", validate=validate.OneOf(
        LINK_SOURCES, error=_l("Связь: выберите систему из списка.")))
    link_namespace = fields.String(load_default="", validate=validate.Regexp(
        r"^[^\x00-\x1f\x7f]{0,300}$", error=_l(
            "Пространство имён связи: до 300 символов, без управляющих.")))

    @pre_load
    def _strip(self, data: Any, **_kw: Any) -> Any:
        """Values trimmed; a blank field is a missing one (its default, or «укажите»)."""
        out = {k: v.strip() if isinstance(v, str) else v for k, v in dict(data).items()}
        if isinstance(out.get("scope"), str):
            out["scope"] = " ".join(out["scope"].split())  # the provider wants single spaces
        return {k: v for k, v in out.items() if v != ""}
