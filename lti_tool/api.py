"""The JSON API under /api/v1 (flask-smorest; OpenAPI at /api/v1/openapi.json).

Authentication is the launch token (``Authorization: Bearer`` or ``X-Marshrut-Launch``),
so the API answers exactly what the page that called it may see.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields

from lti_tool.core.access import load_or_404
from lti_tool.core.viewer import current_viewer
from lti_tool.db import db_session
from lti_tool.people import access
from lti_tool.people import services as people
from lti_tool.people.models import ClassGroup, Person

blp = Blueprint("api_v1", __name__, url_prefix="/api/v1", description="Маршрут: JSON API")


class MeSchema(Schema):
    id = fields.String(attribute="public_id")
    display_name = fields.String()
    roles = fields.List(fields.String())
    organisation_id = fields.Integer()


class PersonSchema(Schema):
    id = fields.String(attribute="public_id")
    display_name = fields.String()


class RosterSchema(Schema):
    class_id = fields.String()
    title = fields.String()
    students = fields.List(fields.Nested(PersonSchema))


def _viewer() -> Any:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    return viewer


@blp.route("/me")
@blp.response(200, MeSchema)
def me() -> Any:
    """The person of the current launch."""
    viewer = _viewer()
    person = db_session().get_one(Person, viewer.person_id)
    return {"public_id": person.public_id, "display_name": person.display_name,
            "roles": sorted(viewer.roles), "organisation_id": viewer.organisation_id}


@blp.route("/classes/<class_id>/roster")
@blp.response(200, RosterSchema)
def roster(class_id: str) -> Any:
    """Students of a class: for its teachers and the organisation's administrators."""
    viewer, dbs = _viewer(), db_session()
    # the pages' own sequence: another organisation's class is "not found" here too
    group = load_or_404(dbs, ClassGroup, class_id, viewer, access.can_view_class)
    return {"class_id": group.public_id, "title": group.title,
            "students": people.class_roster(dbs, group.id)}


def init_api(app: Flask) -> Api:
    api = Api(app, spec_kwargs={"info": {"description": "Маршрут (Marshrut) JSON API"}})
    api.spec.components.security_scheme(
        "launchToken", {"type": "http", "scheme": "bearer",
                        "description": "Подписанный токен запуска LTI"})
    api.spec.options["security"] = [{"launchToken": []}]
    api.register_blueprint(blp)
    from lti_tool.pathways.api import blp as pathways_blp

    api.register_blueprint(pathways_blp)
    app.extensions["marshrut.api"] = api  # web/errors.py answers API errors through it
    return api
