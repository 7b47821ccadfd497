"""HTTP face of the demo LMS: pages for a newcomer, OIDC auth, token, AGS, NRPS, registration.

``make_blueprint`` mounts it inside the tool (``/demo``, for ``make demo``);
``create_platform_app`` serves it alone on its own port (for the end-to-end tests).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, jsonify, redirect, render_template, request
from lti1p3platform.exceptions import LtiException

from lti_tool.sandbox.platform import (
    DemoPlatformConf,
    LineItem,
    PlatformState,
    ResourceLink,
    build_launch,
    new_id,
)

AGS_SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
              "https://purl.imsglobal.org/spec/lti-ags/scope/score"]
NRPS_SCOPES = ["https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"]


def _conf(state: PlatformState, deployment_id: str = "") -> DemoPlatformConf:
    return DemoPlatformConf(state=state, deployment_id=deployment_id)


def _lineitem_json(state: PlatformState, item: LineItem) -> dict[str, Any]:
    data = {"id": state.endpoint(f"/lineitems/{item.id}"), "label": item.label,
            "scoreMaximum": item.score_maximum, "resourceId": item.resource_id,
            "tag": item.tag}
    if item.resource_link_id:
        data["resourceLinkId"] = item.resource_link_id
    return data


def make_blueprint(state: PlatformState, name: str = "demo") -> Blueprint:  # noqa: C901
    bp = Blueprint(name, __name__, template_folder="templates")

    def authorise(scopes: list[str]) -> None:
        if state.services_down:
            abort(503)
        auth = request.headers.get("Authorization", "").split()
        if len(auth) != 2 or auth[0].lower() != "bearer":
            abort(401)
        try:
            ok = _conf(state).validate_token(auth[1], scopes)
        except Exception:
            abort(401)
        if not ok or state.services_refused:
            abort(403)

    @bp.get("/")
    def index() -> Any:
        user = state.users.get(request.args.get("user", ""))
        courses = [c for c in state.courses.values() if user and user.id in c.members]
        return render_template("demo/index.html", state=state, user=user, courses=courses,
                               bp=name)

    @bp.get("/course/<course_id>")
    def course(course_id: str) -> Any:
        user = state.users.get(request.args.get("user", ""))
        course = state.courses.get(course_id)
        if user is None or course is None or user.id not in course.members:
            abort(404)
        links = [link for link in state.links.values() if link.course_id == course_id]
        items = [i for i in state.lineitems.values() if i.course_id == course_id]
        students = [state.users[m] for m in course.members
                    if "membership#Learner" in " ".join(state.users[m].roles)]
        return render_template("demo/course.html", state=state, user=user, course=course,
                               links=links, items=items, students=students, bp=name)

    def _start(user_id: str, hint: str, deployment_id: str) -> Any:
        params = {"iss": state.issuer, "login_hint": user_id,
                  "target_link_uri": state.tool_base_url + "/lti/launch",
                  "lti_message_hint": hint, "client_id": state.client_id,
                  "lti_deployment_id": deployment_id}
        if state.storage_target:
            params["lti_storage_target"] = state.storage_target
        return redirect(state.tool_base_url + "/lti/login?" + urlencode(params))

    @bp.get("/launch/<link_id>")
    def launch(link_id: str) -> Any:
        link = state.links.get(link_id)
        if link is None:
            abort(404)
        return _start(request.args.get("user", ""), f"link:{link_id}",
                      state.courses[link.course_id].deployment_id)

    @bp.get("/deeplink/<course_id>")
    def deeplink(course_id: str) -> Any:
        course = state.courses.get(course_id) or abort(404)
        return _start(request.args.get("user", ""), f"dl:{course_id}", course.deployment_id)

    @bp.route("/auth", methods=["GET", "POST"])
    def auth() -> Any:
        params = request.values.to_dict()
        if (params.get("client_id") != state.client_id
                or params.get("login_hint") not in state.users):
            abort(400)
        if params.get("redirect_uri") != state.tool_base_url + "/lti/launch":
            abort(400)
        data = build_launch(state, params)
        return render_template("autosubmit.html", action=data["launch_url"],
                               fields={"id_token": data["id_token"], "state": data["state"]})

    @bp.post("/token")
    def token() -> Any:
        try:
            return jsonify(_conf(state).get_access_token(request.form.to_dict()))
        except (LtiException, Exception) as exc:  # the spec answers 400 for any bad grant
            return jsonify(error="invalid_grant", error_description=str(exc)), 400

    @bp.get("/jwks")
    def jwks() -> Any:
        return jsonify(state.jwks())

    @bp.post("/deeplink/return")
    def deeplink_return() -> Any:
        try:
            items = _conf(state).validate_deeplinking_resp(request.form.to_dict())
        except Exception as exc:
            return render_template("demo/message.html", bp=name, title="Ответ отклонён",
                                   text=str(exc)), 400
        import jwt as pyjwt

        body = pyjwt.decode(request.form["JWT"], options={"verify_signature": False})
        data = body.get("https://purl.imsglobal.org/spec/lti-dl/claim/data") or {}
        course_id = data.get("course") if isinstance(data, dict) else None
        if course_id not in state.courses:
            abort(400)
        added = []
        for item in items:
            link = ResourceLink(new_id("link"), course_id, item.get("title", ""),
                                item.get("url", ""), dict(item.get("custom") or {}))
            spec = item.get("lineItem")
            if spec:
                li = LineItem(new_id("li"), course_id, spec.get("label") or link.title,
                              float(spec["scoreMaximum"]), spec.get("resourceId", ""),
                              spec.get("tag", ""), link.id)
                state.lineitems[li.id] = li
                link.lineitem_id = li.id
            state.links[link.id] = link
            added.append(link.title)
        return render_template("demo/message.html", bp=name, title="Добавлено в курс",
                               text=", ".join(added))

    @bp.route("/courses/<course_id>/lineitems", methods=["GET", "POST"])
    def lineitems(course_id: str) -> Any:
        authorise(AGS_SCOPES)
        if course_id not in state.courses:
            abort(404)
        if request.method == "POST":
            spec = request.get_json(force=True)
            li = LineItem(new_id("li"), course_id, spec["label"], float(spec["scoreMaximum"]),
                          spec.get("resourceId", ""), spec.get("tag", ""),
                          spec.get("resourceLinkId"))
            state.lineitems[li.id] = li
            return jsonify(_lineitem_json(state, li)), 201
        found = [i for i in state.lineitems.values() if i.course_id == course_id]
        for key, attr in (("tag", "tag"), ("resource_id", "resource_id"),
                          ("resource_link_id", "resource_link_id")):
            if request.args.get(key):
                found = [i for i in found if getattr(i, attr) == request.args[key]]
        return jsonify([_lineitem_json(state, i) for i in found])

    @bp.get("/lineitems/<item_id>")
    def lineitem(item_id: str) -> Any:
        authorise(AGS_SCOPES)
        item = state.lineitems.get(item_id) or abort(404)
        return jsonify(_lineitem_json(state, item))

    @bp.post("/lineitems/<item_id>/scores")
    def scores(item_id: str) -> Any:
        authorise(AGS_SCOPES)
        item = state.lineitems.get(item_id) or abort(404)
        score = request.get_json(force=True)
        if not isinstance(score, dict) or "userId" not in score or "timestamp" not in score:
            abort(400)
        state.add_score(item, score)
        return "", 204

    @bp.get("/courses/<course_id>/memberships")
    def memberships(course_id: str) -> Any:
        authorise(NRPS_SCOPES)
        course = state.courses.get(course_id) or abort(404)
        members = [{"user_id": m, "name": state.users[m].name, "roles": state.users[m].roles,
                    "status": "Active"} for m in course.members]
        # Pages as Moodle serves them (``limit``, then ``from`` in the Link rel="next").
        limit = request.args.get("limit", type=int) or 0
        start = request.args.get("from", type=int) or 0
        page = members[start:start + limit] if limit > 0 else members
        resp = jsonify({"id": request.url, "context": {"id": course.id, "label": course.label,
                                                       "title": course.title},
                        "members": page})
        if limit > 0 and start + limit < len(members):
            nxt = state.endpoint(f"/courses/{course.id}/memberships?limit={limit}"
                                 f"&from={start + limit}")
            resp.headers["Link"] = f'<{nxt}>; rel="next"'
        return resp

    @bp.get("/.well-known/openid-configuration")
    def openid_configuration() -> Any:
        return jsonify({
            "issuer": state.issuer,
            "authorization_endpoint": state.endpoint("/auth"),
            "token_endpoint": state.endpoint("/token"),
            "jwks_uri": state.endpoint("/jwks"),
            "registration_endpoint": state.endpoint("/register"),
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", *AGS_SCOPES, *NRPS_SCOPES],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "marshrut-demo-lms", "version": "1.0",
                "messages_supported": [{"type": "LtiResourceLinkRequest"},
                                       {"type": "LtiDeepLinkingRequest"}]},
        })

    @bp.post("/register")
    def register() -> Any:
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if token not in state.registration_tokens:
            return jsonify(error="invalid_token"), 401
        state.registration_tokens.discard(token)
        conf = request.get_json(force=True)
        client_id, deployment_id = new_id("client"), new_id("dep")
        state.registered_clients.append({"client_id": client_id, "config": conf,
                                         "deployment_id": deployment_id})
        tool_conf = dict(conf.get("https://purl.imsglobal.org/spec/lti-tool-configuration", {}))
        tool_conf["deployment_id"] = deployment_id
        return jsonify({**conf, "client_id": client_id,
                        "https://purl.imsglobal.org/spec/lti-tool-configuration": tool_conf})

    @bp.get("/register-tool")
    def register_tool() -> Any:
        """What Moodle's "register by URL" does: open the tool's URL with our parameters."""
        tool_url = request.args.get("url") or state.tool_base_url + "/lti/register"
        token = secrets.token_urlsafe(16)
        state.registration_tokens.add(token)
        sep = "&" if "?" in tool_url else "?"
        return redirect(tool_url + sep + urlencode({
            "openid_configuration": state.endpoint("/.well-known/openid-configuration"),
            "registration_token": token}))

    return bp


def create_platform_app(state: PlatformState) -> Flask:
    # Its own pages come with the blueprint; the form auto-post page is the tool's shared one.
    app = Flask(__name__, template_folder="../web/templates")
    app.config["SECRET_KEY"] = secrets.token_hex(16)
    app.register_blueprint(make_blueprint(state))
    return app
