"""LTI endpoints: OIDC login, launch, our JWKS and the tool configuration."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from lti_tool.db import db_session
from lti_tool.lti import claims as c
from lti_tool.lti import keys, services, targets
from lti_tool.lti.platform_keys import JwksCache
from lti_tool.lti.rules import LaunchError
from lti_tool.web.security import adopt_launch, sign_launch

bp = Blueprint("lti", __name__)
BROWSER_COOKIE = "marshrut_browser"


def jwks_cache() -> JwksCache:
    cache = current_app.extensions.get("marshrut.jwks")
    if cache is None:
        cache = current_app.extensions["marshrut.jwks"] = JwksCache(
            allow_private_urls=current_app.config["MARSHRUT"].allow_private_urls)
    return cache  # type: ignore[no-any-return]


def _param(name: str) -> str | None:
    value = request.values.get(name)
    return value.strip() if value else None


@bp.route("/lti/login", methods=["GET", "POST"])
def login() -> Any:
    settings = current_app.config["MARSHRUT"]
    iss, hint, target = _param("iss"), _param("login_hint"), _param("target_link_uri")
    for name, value in (("iss", iss), ("login_hint", hint), ("target_link_uri", target)):
        if not value:
            raise LaunchError("missing_param", _("В запросе входа нет параметра %(name)s.",
                                                 name=name))
    browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(24)
    req = services.LoginRequest(
        iss=iss or "", login_hint=hint or "", target_link_uri=target or "",
        client_id=_param("client_id"), lti_message_hint=_param("lti_message_hint"),
        lti_deployment_id=_param("lti_deployment_id"))
    dbs = db_session()
    url = services.begin_login(dbs, req, settings, browser)
    dbs.commit()
    resp = redirect(url, code=302)
    resp.set_cookie(BROWSER_COOKIE, browser, max_age=settings.login_state_ttl, httponly=True,
                    secure=settings.https, samesite="None" if settings.https else "Lax")
    return resp


@bp.post("/lti/launch")
def launch() -> Any:
    settings = current_app.config["MARSHRUT"]
    dbs = db_session()
    try:
        record = services.complete_launch(
            dbs, id_token=request.form.get("id_token"), state=request.form.get("state"),
            browser_token=request.cookies.get(BROWSER_COOKIE), settings=settings,
            jwks_cache=jwks_cache())
        dbs.commit()
    except LaunchError:
        dbs.rollback()
        raise
    token = sign_launch(record)
    session["lt"] = token
    target = targets.get(record.target)
    endpoint = "deep_linking.pick" if record.target == "deeplink" else (
        target.endpoint if target else "people.home")
    current_app.logger.info("launch accepted", extra={"launch": record.id,
                                                       "target": record.target})
    page = url_for(endpoint, lt=token)
    if endpoint == "deep_linking.pick":
        return redirect(page, code=303)
    # The first page in this very response: one round trip less inside the LMS frame. The
    # page tells the browser its own address (history.replaceState), so a reload or «back»
    # asks for the page by GET and never posts the single-use id_token again.
    adopt_launch(record, token)
    g.page_url = page
    return current_app.view_functions[endpoint]()


@bp.get("/.well-known/jwks.json")
def jwks() -> Any:
    resp = jsonify(keys.jwks(db_session()))
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def tool_configuration(base_url: str) -> dict[str, Any]:
    """The LTI tool configuration (Dynamic Registration's shape), shared with /lti/register."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": base_url + "/lti/login",
        "redirect_uris": [base_url + "/lti/launch"],
        "client_name": "Маршрут",
        "jwks_uri": base_url + "/.well-known/jwks.json",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join([c.SCOPE_LINEITEM, c.SCOPE_SCORE, c.SCOPE_RESULT, c.SCOPE_NRPS]),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": base_url.split("://", 1)[-1].split("/", 1)[0],
            "target_link_uri": base_url + "/lti/launch",
            "description": "ИОМ, портфолио и сетевые курсы для школ",
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {"type": c.DEEP_LINKING_REQUEST, "target_link_uri": base_url + "/lti/launch",
                 "label": "Маршрут"},
            ],
        },
    }


@bp.get("/lti/config.json")
def config_json() -> Any:
    return jsonify(tool_configuration(current_app.config["MARSHRUT"].base_url))
