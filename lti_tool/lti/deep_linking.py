"""Deep Linking: a teacher picks registered targets; we return a signed response to the LMS.

The response JWT is built here (a dozen claims) rather than with pylti1p3's ``DeepLink``,
which needs its whole registration/launch object graph that our launch does not keep.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _

from lti_tool.core.viewer import app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.lti import claims as c
from lti_tool.lti import keys, targets
from lti_tool.lti.models import Deployment, Launch
from lti_tool.lti.sessions import current_launch

bp = Blueprint("deep_linking", __name__, url_prefix="/lti/deeplink",
               template_folder="templates")


def _dl_launch() -> Launch:
    viewer = current_viewer()
    launch = current_launch()
    if viewer is None or launch is None or launch.message_type != c.DEEP_LINKING_REQUEST:
        abort(403)
    if not viewer.has("teacher", "admin"):
        abort(403)
    return launch


def content_item(target: targets.Target, base_url: str, key: str | None = None,
                 title: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "ltiResourceLink", "title": title or str(target.title),
        "text": str(target.description), "url": base_url + "/lti/launch",
        "custom": {"target": key or target.key},
    }
    if target.score_maximum:
        item["lineItem"] = {"scoreMaximum": target.score_maximum, "label": str(target.title),
                            "resourceId": target.key, "tag": target.key}
    return item


def response_jwt(launch: Launch, deployment: Deployment, items: list[dict[str, Any]],
                 kid: str, private_pem: str) -> str:
    settings = launch.services.get("deep_linking", {})
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": deployment.client.client_id, "aud": [deployment.client.platform.issuer],
        "azp": deployment.client.client_id,
        "iat": now, "exp": now + 300, "nonce": secrets.token_urlsafe(16),
        c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE, c.VERSION: "1.3.0",
        c.DEPLOYMENT_ID: deployment.deployment_id, c.DL_CONTENT_ITEMS: items,
    }
    if settings.get("data"):
        body[c.DL_DATA] = settings["data"]
    return jwt.encode(body, private_pem, algorithm="RS256", headers={"kid": kid})


@bp.get("/")
@login_required
def pick() -> Any:
    launch = _dl_launch()
    settings = launch.services.get("deep_linking", {})
    multiple = bool(settings.get("accept_multiple", True))
    listed = targets.all_targets()
    return render_template("lti/deep_link.html", targets=listed, multiple=multiple,
                           choices={t.key: t.choices() for t in listed if t.choices})


@bp.post("/")
@login_required
def respond() -> Any:
    launch = _dl_launch()
    keys_chosen = request.form.getlist("target")
    chosen = [targets.get(key) for key in keys_chosen]
    titles = {}
    for key, target in zip(keys_chosen, chosen, strict=True):
        if target is not None and target.choices is not None:
            offered = dict(target.choices())  # only what this viewer may place
            if targets.argument(key) not in offered:
                chosen = [None]
                break
            titles[key] = f"{target.title}: {offered[targets.argument(key)]}"
    if not chosen or None in chosen:
        # Nothing ticked is a slip, not an error page: back to the choice, saying what to do.
        flash(_("Выберите, что разместить в курсе."), "error")
        return redirect(app_url("deep_linking.pick"), code=303)
    settings = launch.services.get("deep_linking", {})
    if not settings.get("accept_multiple", True) and len(chosen) > 1:
        abort(400, _("LMS разрешает разместить только один элемент."))
    accept = settings.get("accept_types") or ["ltiResourceLink"]
    if "ltiResourceLink" not in accept:
        abort(400, _("LMS не принимает ссылки LTI в этом месте курса."))
    dbs = db_session()
    deployment = dbs.get_one(Deployment, launch.deployment_pk)
    kid, pem = keys.signing_key(dbs, current_app.config["SECRET_KEY"])
    base = current_app.config["MARSHRUT"].base_url
    items = [content_item(t, base, key, titles.get(key))
             for key, t in zip(keys_chosen, chosen, strict=True) if t is not None]
    token = response_jwt(launch, deployment, items, kid, pem)
    return render_template("autosubmit.html", action=settings["deep_link_return_url"],
                           fields={"JWT": token})
