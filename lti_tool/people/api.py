"""People in the JSON API (``/api/v1/me``, ``/api/v1/classes/<id>/roster``): the same access
sequence as the class pages, so another organisation's class is "not found" here too."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from lti_tool.core.access import load_or_404
from lti_tool.core.viewer import current_viewer
from lti_tool.db import db_session
from lti_tool.people import access
from lti_tool.people import services as people
from lti_tool.people.models import ClassGroup, Person

blp = Blueprint("api_v1", __name__, url_prefix="/api/v1",
                description="Кто спрашивает; ученики класса")


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
