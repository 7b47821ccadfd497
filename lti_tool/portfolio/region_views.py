"""Portfolio figures for a region (its regional admin) and mentors of a school (its admin):
pages and XLSX. Registered on the portfolio admin blueprint (imported by ``admin_views``).

Access: the region page only for an admin whose organisation coordinates a regional
network (``access.region_schools``), covering that network's schools and no other; a
school admin reads their own school only — no route takes a school id, so none can be
swapped for another's.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from lti_tool.core.audit import audit
from lti_tool.core.viewer import Viewer, login_required
from lti_tool.db import db_session
from lti_tool.people import services as people
from lti_tool.portfolio import access, region, rules
from lti_tool.portfolio.admin_views import _admin, bp
from lti_tool.portfolio.schemas import MentorQuery, query_messages
from lti_tool.web import nav

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _region_link(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    """Shown exactly when the page would open: the same access question."""
    return ("portfolio_admin.region_page", {}) if access.region_schools(dbs, viewer) else None


nav.register("portfolio_region", nav.Entry(_l("Портфолио в регионе"), _region_link,
                                           order=130))


def _topic() -> tuple[str, list[str]]:
    try:
        return str(MentorQuery().load(request.args.to_dict())["topic"]), []
    except ValidationError as err:
        return "", query_messages(err)


def _data(org_ids: set[int]) -> tuple[list[region.SchoolRow], list[region.Mentor], str,
                                      list[str]]:
    topic, errors = _topic()
    dbs = db_session()
    return (region.school_rows(dbs, org_ids), region.mentors(dbs, org_ids, topic=topic or None),
            topic, errors)


def _region_ids() -> set[int]:
    viewer = _admin()
    ids = access.region_schools(db_session(), viewer)
    if not ids:
        abort(403)
    return ids


def _page(scope: str, ids: set[int]) -> Any:
    rows, found, topic, errors = _data(ids)
    org_id = _admin().organisation_id
    name = people.organisation_names(db_session(), {org_id})[org_id]
    return render_template("portfolio/region.html", scope=scope, org_name=name, rows=rows,
                           mentors=found, topic=topic, errors=errors,
                           topics=region.TOPIC_TITLES, min_pupils=region.MIN_PUPILS,
                           years=rules.MENTOR_YEARS, broad=rules.MENTOR_BROAD), (
        422 if errors else 200)


def _xlsx(scope: str, ids: set[int], filename: str) -> Any:
    rows, found, topic, errors = _data(ids)
    if errors:
        abort(422)
    viewer, dbs = _admin(), db_session()
    name = people.organisation_names(dbs, {viewer.organisation_id})[viewer.organisation_id]
    body = region.to_xlsx(f"Портфолио: {name}", rows, found)
    # The file names teachers: who took it, and when, is on record.
    audit(dbs, viewer.person_id, viewer.organisation_id, f"portfolio.{scope}.xlsx",
          "organisation", str(viewer.organisation_id), schools=len(rows),
          mentors=len(found), topic=topic)
    dbs.commit()
    resp = Response(body, mimetype=XLSX)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/region")
@login_required
def region_page() -> Any:
    """The region's schools side by side, and who can mentor which topic."""
    return _page("region", _region_ids())


@bp.get("/region.xlsx")
@login_required
def region_xlsx() -> Any:
    return _xlsx("region", _region_ids(), "portfolio-region.xlsx")


@bp.get("/mentors")
@login_required
def school_mentors() -> Any:
    """The same for one's own school (a school admin)."""
    return _page("school", {_admin().organisation_id})


@bp.get("/mentors.xlsx")
@login_required
def school_mentors_xlsx() -> Any:
    return _xlsx("school", {_admin().organisation_id}, "portfolio-school.xlsx")
