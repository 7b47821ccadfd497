"""LTI endpoints: OIDC login, launch, our JWKS and the tool configuration."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
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
from lti_tool.lti.sessions import adopt_launch, sign_launch
from lti_tool.web.errors import wants_json

bp = Blueprint("lti", __name__, template_folder="templates")
BROWSER_COOKIE = "marshrut_browser"


@bp.app_errorhandler(LaunchError)
def _launch_error(err: LaunchError) -> Any:
    """A refused launch (or registration): the reason, in the page or as JSON for the API."""
    current_app.logger.info("launch refused: %s", err.code)
    if wants_json():
        return jsonify(error=err.code, message=str(err.message)), err.status
    return render_template("error.html", title=_("Запуск отклонён"), code=err.code,
                           message=str(err.message)), err.status


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
    storage_target = _param("lti_storage_target")
    req = services.LoginRequest(
        iss=iss or "", login_hint=hint or "", target_link_uri=target or "",
        client_id=_param("client_id"), lti_message_hint=_param("lti_message_hint"),
        lti_deployment_id=_param("lti_deployment_id"), lti_storage_target=storage_target,
        query=urlencode(request.values.to_dict()))
    dbs = db_session()
    try:
        url = services.begin_login(dbs, req, settings, browser,
                                   services.address_key(request.remote_addr))
    except services.TooManyLogins:
        dbs.commit()  # keep the sweep of expired states; nothing else was written
        raise
    dbs.commit()
    resp: Any
    if storage_target:
        # The platform keeps the binding secret for us in case the frame drops the cookie.
        state = parse_qs(urlsplit(url).query)["state"][0]
        resp = make_response(render_template("lti/storage.html", storage={
            "mode": "put", "target": storage_target, "origin": _origin(url),
            "key": services.storage_key(state), "value": browser, "next": url}))
    else:
        resp = redirect(url, code=302)
    # Partitioned (CHIPS): a browser that blocks third-party cookies may still keep this one
    # for the LMS's site only, which is all the binding needs.
    resp.set_cookie(BROWSER_COOKIE, browser, max_age=settings.login_state_ttl, httponly=True,
                    secure=settings.https, samesite="None" if settings.https else "Lax",
                    partitioned=settings.https)
    return resp


@bp.post("/lti/launch")
def launch() -> Any:
    settings = current_app.config["MARSHRUT"]
    dbs = db_session()
    try:
        record, binding = services.complete_launch(
            dbs, id_token=request.form.get("id_token"), state=request.form.get("state"),
            browser_token=request.cookies.get(BROWSER_COOKIE), settings=settings,
            jwks_cache=jwks_cache())
        dbs.commit()
    except services.UnboundBrowser as err:
        dbs.rollback()
        login_url = settings.base_url + "/lti/login?" + err.login_query if err.login_query else ""
        return render_template("lti/open_window.html", message=str(err.message),
                               login_url=login_url), err.status
    except LaunchError:
        dbs.rollback()
        raise
    token = sign_launch(record)
    if binding is not None:
        # No cookie came back: only a page that reads the binding secret from the platform's
        # storage in this browser can open the launch token.
        return render_template("lti/storage.html", storage={
            "mode": "get", "target": binding.storage_target, "origin": binding.platform_origin,
            "key": services.storage_key(binding.state),
            "next": url_for(_first_endpoint(record.target)),
            **services.seal_for_browser(binding, token)})
    session["lt"] = token
    endpoint = _first_endpoint(record.target)
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


def _first_endpoint(target_name: str) -> str:
    target = targets.get(target_name)
    return "deep_linking.pick" if target_name == "deeplink" else (
        target.endpoint if target else "people.home")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


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
