"""Launch checks that pylti1p3 alone misses, as pure functions over a decoded id_token.

pylti1p3's ``MessageLaunch`` turns off audience verification, binds state to a cookie only,
keeps nonces in the cookie session and never re-fetches a platform's JWKS on an unknown
``kid``; we therefore validate the launch ourselves (signature through PyJWT, the rest here)
and use pylti1p3 for what it does well (the service connector for AGS/NRPS, deep-linking
response shapes). Every failure is a ``LaunchError`` whose message names the problem in
Russian (translated by Flask-Babel for English users).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from lti_tool.lti import claims as c

ALLOWED_ALGS = ("RS256",)


class LaunchError(Exception):
    def __init__(self, code: str, message: Any, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Expected:
    """What this launch must match: taken from the login state and the registry."""

    issuer: str
    client_id: str
    trusted_audiences: Collection[str]
    nonce: str
    now: float
    leeway: int


def check_header(header: Mapping[str, Any]) -> str:
    """Refuse ``none``, symmetric algorithms and a missing ``kid``; return the kid."""
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        raise LaunchError(
            "bad_alg",
            _l("Токен подписан недопустимым алгоритмом «%(alg)s»: разрешён только RS256.",
               alg=alg),
        )
    kid = header.get("kid")
    if not kid or not isinstance(kid, str):
        raise LaunchError("no_kid", _l("В заголовке токена нет идентификатора ключа (kid)."))
    return kid


def check_audience(body: Mapping[str, Any], exp: Expected) -> None:
    aud = body.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    if exp.client_id not in audiences:
        raise LaunchError(
            "aud_missing_client",
            _l("Токен выпущен не для этого инструмента: в aud нет client_id «%(client)s».",
               client=exp.client_id),
        )
    for other in audiences:
        if other != exp.client_id and other not in exp.trusted_audiences:
            raise LaunchError(
                "aud_untrusted",
                _l("В aud указан посторонний получатель «%(aud)s».", aud=other),
            )
    azp = body.get("azp")
    if len(audiences) > 1 and not azp:
        raise LaunchError(
            "azp_missing", _l("В токене несколько получателей (aud), но нет поля azp.")
        )
    if azp is not None and azp != exp.client_id:
        raise LaunchError(
            "azp_mismatch",
            _l("Поле azp «%(azp)s» не совпадает с client_id «%(client)s».",
               azp=azp, client=exp.client_id),
        )


def check_times_and_identity(body: Mapping[str, Any], exp: Expected) -> None:
    if body.get("iss") != exp.issuer:
        raise LaunchError(
            "wrong_iss",
            _l("Издатель токена (iss) «%(iss)s» не совпадает с платформой входа.",
               iss=body.get("iss")),
        )
    for claim in ("exp", "iat"):
        if not isinstance(body.get(claim), int | float):
            raise LaunchError(
                "missing_claim", _l("В запуске нет обязательного поля %(claim)s.", claim=claim)
            )
    if body["exp"] + exp.leeway < exp.now:
        raise LaunchError("expired", _l("Срок действия токена запуска истёк."))
    if body["iat"] - exp.leeway > exp.now:
        raise LaunchError(
            "iat_future", _l("Токен выпущен «в будущем» (iat): проверьте часы платформы.")
        )
    nonce = body.get("nonce")
    if not nonce:
        raise LaunchError("nonce_missing", _l("В токене запуска нет nonce."))
    if nonce != exp.nonce:
        raise LaunchError("nonce_mismatch", _l("nonce токена не совпадает с выданным при входе."))


def check_message(body: Mapping[str, Any]) -> str:
    """LTI-level claims; returns the message type."""
    version = body.get(c.VERSION)
    if version != "1.3.0":
        raise LaunchError(
            "wrong_version",
            _l("Неподдерживаемая версия LTI «%(v)s»: нужна 1.3.0.", v=version),
        )
    message_type = body.get(c.MESSAGE_TYPE)
    if not message_type:
        raise _missing("message_type")
    if message_type not in (c.RESOURCE_LINK_REQUEST, c.DEEP_LINKING_REQUEST):
        raise LaunchError(
            "unknown_message_type",
            _l("Тип сообщения «%(t)s» не поддерживается.", t=message_type),
        )
    if not body.get(c.DEPLOYMENT_ID):
        raise _missing("deployment_id")
    if not body.get("sub"):
        raise _missing("sub")
    if c.ROLES not in body:  # LTI 1.3 Core §5.3.7: required, though it may be empty
        raise _missing("roles")
    roles = body[c.ROLES]
    if not isinstance(roles, list):
        raise LaunchError("bad_roles", _l("Поле roles должно быть списком."))
    if message_type == c.RESOURCE_LINK_REQUEST:
        link = body.get(c.RESOURCE_LINK)
        if not isinstance(link, Mapping) or not link.get("id"):
            raise _missing("resource_link.id")
    else:
        settings = body.get(c.DL_SETTINGS)
        if not isinstance(settings, Mapping) or not settings.get("deep_link_return_url"):
            raise _missing("deep_linking_settings.deep_link_return_url")
    return str(message_type)


def _missing(name: str) -> LaunchError:
    return LaunchError(
        "missing_claim", _l("В запуске нет обязательного поля %(claim)s.", claim=name)
    )
