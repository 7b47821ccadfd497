"""Routes in the JSON API (``/api/v1/routes``, described in the OpenAPI document): the same
access decisions and moves as the pages; another school's or someone else's route is 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from lti_tool.core.viewer import current_viewer
from lti_tool.db import db_session
from lti_tool.pathways import access, dashboard, lifecycle, services
from lti_tool.pathways.lifecycle import Refused
from lti_tool.pathways.models import Route

blp = Blueprint("pathways_api", __name__, url_prefix="/api/v1/routes",
                description="Индивидуальные образовательные маршруты")


class ItemSchema(Schema):
    course = fields.String()
    level = fields.String()
    hours10 = fields.Float()
    hours11 = fields.Float()
    kind = fields.String()
    #: a network course (kind «network»): its public id, subject and host school
    network = fields.String()
    subject = fields.String()
    host = fields.String()


class ViolationSchema(Schema):
    code = fields.String()
    message = fields.String()


class RouteSchema(Schema):
    id = fields.String(attribute="public_id")
    state = fields.String()
    start = fields.Date()
    version = fields.Integer()
    profile = fields.String()
    items = fields.List(fields.Nested(ItemSchema))
    recommendation = fields.String()
    agreed = fields.Boolean()
    edition = fields.String(allow_none=True)
    violations = fields.List(fields.Nested(ViolationSchema))
    relation = fields.String()


class MoveSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(list(lifecycle.MOVES)))
    version = fields.Integer(required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=4000))
    paper_date = fields.Date(load_default=None)


def _viewer() -> Any:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    return viewer


def _out(route: Route, relation: str) -> dict[str, Any]:
    verdict = services.verdict(db_session(), route)
    return {"public_id": route.public_id, "state": route.state, "start": route.start,
            "version": route.version, "profile": route.data.get("profile", ""),
            "items": route.data.get("items", []), "recommendation": route.recommendation,
            "agreed": route.agreed_at is not None, "relation": relation,
            "edition": verdict.edition.key if verdict.edition else None,
            "violations": [{"code": v.code, "message": v.message}
                           for v in verdict.violations]}


@blp.route("")
@blp.response(200, RouteSchema(many=True))
def list_routes() -> Any:
    """Routes the viewer may see: their own, their children's, their students'."""
    viewer, dbs = _viewer(), db_session()
    ids, _acting = dashboard.visible_students(dbs, viewer)
    ids = sorted(set(ids) | {viewer.person_id})
    out = []
    for route in dbs.scalars(select(Route).where(
            Route.organisation_id == viewer.organisation_id, Route.student_id.in_(ids))):
        relation = access.relation(dbs, viewer, route)
        if relation is not None:
            out.append(_out(route, relation))
    if viewer.has("parent"):
        from lti_tool.people.access import children

        kids = [k.id for k in children(dbs, viewer.person_id)]
        for route in dbs.scalars(select(Route).where(
                Route.organisation_id == viewer.organisation_id,
                Route.student_id.in_(kids))):
            if route.public_id not in {r["public_id"] for r in out}:
                out.append(_out(route, access.GUARDIAN))
    return out


@blp.route("/<rid>")
@blp.response(200, RouteSchema)
def get_route(rid: str) -> Any:
    """One route with its check against the edition in force."""
    try:
        route, relation = services.route_for(db_session(), _viewer(), rid)
    except services.Forbidden:
        abort(404)
    return _out(route, relation)


@blp.route("/<rid>/moves", methods=["POST"])
@blp.arguments(MoveSchema)
@blp.response(200, RouteSchema)
def move(data: dict[str, Any], rid: str) -> Any:
    """A lifecycle move with the version it was based on (409 when the route changed)."""
    dbs = db_session()
    try:
        route, relation = services.route_for(dbs, _viewer(), rid)
        paper: date | None = data["paper_date"]
        services.act(dbs, _viewer(), route, data["action"], data["version"],
                     comment=data["comment"], paper_date=paper)
        dbs.commit()
    except services.Forbidden:
        dbs.rollback()
        abort(404)
    except (services.Conflict, StaleDataError) as exc:
        dbs.rollback()
        abort(409, str(exc) if isinstance(exc, services.Conflict) else "conflict")
    except Refused as exc:
        dbs.rollback()
        abort(422, str(exc))
    return _out(route, relation)
