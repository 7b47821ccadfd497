"""A school administrator's view of LMS connections and Dynamic Registration invites."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lti_tool.core.audit import audit
from lti_tool.core.viewer import admin_required, require_viewer
from lti_tool.db import db_session
from lti_tool.lti.dynamic_registration import create_invite
from lti_tool.lti.models import PlatformClient
from lti_tool.lti.revocation import revoke_launches
from lti_tool.web import nav

bp = Blueprint("lti_admin", __name__, url_prefix="/app/admin/lti",
               template_folder="templates")
nav.register("lti_admin", nav.Entry(_l("Подключения LMS"), nav.admin_only("lti_admin.index"),
                                    order=100))



@bp.get("/")
@admin_required
def index() -> Any:
    viewer = require_viewer()
    clients = db_session().scalars(select(PlatformClient).where(
        PlatformClient.organisation_id == viewer.organisation_id)).all()
    return render_template("lti/admin.html", clients=clients, invite_url=None)


@bp.post("/invite")
@admin_required
def invite() -> Any:
    viewer = require_viewer()
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
@admin_required
def revoke() -> Any:
    """End every live launch token of the school (a link with a token got out): everyone,
    the administrator too, opens Marshrut from the course again. ``marshrut lti revoke``
    does the same, or for one person, from the command line."""
    viewer = require_viewer()
    dbs = db_session()
    count = revoke_launches(dbs, viewer.organisation_id, person_public_id=None,
                            actor_id=viewer.person_id)
    dbs.commit()
    return render_template("lti/revoked.html", count=count)
