"""A school administrator's view of LMS connections and Dynamic Registration invites."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from lti_tool.db import db_session
from lti_tool.lti.dynamic_registration import create_invite
from lti_tool.lti.models import PlatformClient
from lti_tool.lti.revocation import revoke_launches
from lti_tool.people import access
from lti_tool.people.services import audit
from lti_tool.web.security import Viewer, current_viewer, login_required

bp = Blueprint("lti_admin", __name__, url_prefix="/app/admin/lti")


def _admin() -> Viewer:
    viewer = current_viewer()
    if viewer is None or not access.can_administer(viewer):  # the navigation asks the same
        abort(403)
    return viewer


@bp.get("/")
@login_required
def index() -> Any:
    viewer = _admin()
    clients = db_session().scalars(select(PlatformClient).where(
        PlatformClient.organisation_id == viewer.organisation_id)).all()
    return render_template("lti/admin.html", clients=clients, invite_url=None)


@bp.post("/invite")
@login_required
def invite() -> Any:
    viewer = _admin()
    dbs = db_session()
    token = create_invite(dbs, viewer.organisation_id)
    audit(dbs, viewer.person_id, viewer.organisation_id, "lti.invite", "organisation",
          viewer.organisation_id)
    dbs.commit()
    url = current_app.config["MARSHRUT"].base_url + "/lti/register?invite=" + token
    clients = dbs.scalars(select(PlatformClient).where(
        PlatformClient.organisation_id == viewer.organisation_id)).all()
    return render_template("lti/admin.html", clients=clients, invite_url=url)


@bp.post("/revoke")
@login_required
def revoke() -> Any:
    """End every live launch token of the school (a link with a token got out): everyone,
    the administrator too, opens Marshrut from the course again. ``marshrut lti revoke``
    does the same, or for one person, from the command line."""
    viewer = _admin()
    dbs = db_session()
    count = revoke_launches(dbs, viewer.organisation_id, person_public_id=None,
                            actor_id=viewer.person_id)
    dbs.commit()
    return render_template("lti/revoked.html", count=count)
