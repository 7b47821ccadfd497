"""Rule editions on pages: everyone with routes to check reads which edition applies to their
school; the regional authority's admin adds an edition as a copy of another with changed
figures. Thin: ``regional`` decides access, validates and writes (403 not a regional admin,
404 an edition that is not theirs to copy)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request

from lti_tool.core.viewer import TUTOR_ROLES, app_url, login_required
from lti_tool.db import db_session, utcnow
from lti_tool.pathways import regional
from lti_tool.pathways.editions import BUILT_IN, PROFILES, SUBJECTS
from lti_tool.pathways.views import _viewer, bp


@bp.get("/editions")
@login_required
def editions() -> Any:
    """The rule sets with every figure's source, and the one this school's plans are checked
    against today: for admins, tutors and teachers."""
    viewer, dbs = _viewer(), db_session()
    if not viewer.has(*TUTOR_ROLES):
        abort(403)
    today = utcnow().date()
    authority = regional.authority_of(dbs, viewer)
    own = ([e for _r, e in regional.of_authority(dbs, authority.organisation_id)]
           if authority else list(regional.editions_for(dbs, viewer.organisation_id)))
    return render_template(
        "pathways/editions.html", editions=[*own, *BUILT_IN], profiles=PROFILES,
        subjects=SUBJECTS, now=today, authority=authority,
        applying=None if authority else regional.applying(dbs, viewer.organisation_id, today))


@bp.route("/editions/new", methods=["GET", "POST"])
@login_required
def new_edition() -> Any:
    viewer, dbs = _viewer(), db_session()
    authority = regional.authority_of(dbs, viewer)
    if authority is None:
        abort(403)
    key = request.values.get("base", BUILT_IN[-2].key)
    base = regional.bases(dbs, authority).get(key)
    if base is None:
        abort(404)
    values: dict[str, Any] = regional.initial(base)
    if request.method == "POST":
        form: dict[str, Any] = {k: v.strip() for k, v in request.form.items()
                                if k not in ("mandatory", "base", "csrf_token", "lt")}
        form["mandatory"] = request.form.getlist("mandatory")
        try:
            regional.create(dbs, viewer, key, form)
        except regional.Forbidden:
            dbs.rollback()
            abort(403)
        except regional.Invalid as exc:
            dbs.rollback()
            for line in exc.lines():
                flash(line, "error")
            values = {**values, **form}
            return render_template("pathways/edition_form.html", base=base, values=values,
                                   subjects=SUBJECTS, labels=regional.LABELS,
                                   certainty=regional.CERTAINTY), 422
        dbs.commit()
        flash("Редакция правил региона добавлена.")
        return redirect(app_url("pathways.editions"), code=303)
    return render_template("pathways/edition_form.html", base=base, values=values,
                           subjects=SUBJECTS, labels=regional.LABELS,
                           certainty=regional.CERTAINTY)
