"""Pages for moving school: download the signed portfolio file, upload one at the new school.

Registered on the portfolio blueprint (imported by ``views``)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, request
from flask_babel import gettext as _

from lti_tool.core.viewer import app_url, login_required
from lti_tool.db import db_session
from lti_tool.people import queries as people_q
from lti_tool.portfolio import access, i18n, moving
from lti_tool.portfolio.bundle import MAX_BUNDLE_BYTES
from lti_tool.portfolio.export import ImportRefused
from lti_tool.portfolio.views import _kind, _person, _viewer, bp, store

MAX_FILE = MAX_BUNDLE_BYTES


@bp.get("/p/<person_id>/export")
@login_required
def export(person_id: str) -> Any:
    """The owner, their parent or the admin takes the confirmed portfolio with them."""
    viewer, dbs = _viewer(), db_session()
    owner = _person(person_id, viewer)
    if not (owner.id == viewer.person_id or access.is_parent_of(dbs, viewer, owner)
            or (viewer.has("admin") and access.in_school(dbs, viewer, owner))):
        abort(403)
    try:
        done = moving.export_file(dbs, store(), current_app.config["SECRET_KEY"],
                                  viewer.organisation_id, owner, viewer.person_id,
                                  _kind(owner, viewer))
    except ValueError:
        dbs.rollback()
        flash(_("Пока нечего выгружать: нет подтверждённых достижений."), "error")
        return redirect(app_url("portfolio.person", person_id=owner.public_id), code=303)
    dbs.commit()
    resp = Response(done.data, mimetype="application/zip")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="portfolio-{owner.public_id}.zip"')
    resp.headers["X-Marshrut-Files-Omitted"] = str(done.omitted)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.post("/import")
@login_required
def import_portfolio() -> Any:
    """The owner brings a portfolio file from their former school into this one."""
    viewer, dbs = _viewer(), db_session()
    me = people_q.the_person(dbs, viewer.person_id)
    if not access.can_add(viewer, me):
        abort(403)
    upload = request.files.get("file")
    data = upload.read(MAX_FILE + 1) if upload else b""
    back = app_url("portfolio.person", person_id=me.public_id)
    if not data:  # an oversized one is refused by name below (bundle.unpack)
        flash(_("Выберите файл выгрузки портфолио (до %(n)s МБ).", n=MAX_FILE // 2**20),
              "error")
        return redirect(back, code=303)
    try:
        added, skipped = moving.import_file(dbs, store(), viewer.organisation_id, me, me.id,
                                            _kind(me, viewer), data)
    except ImportRefused as err:
        dbs.rollback()
        flash(_("Файл не принят: %(why)s", why=i18n.refusal(err)), "error")
        return redirect(back, code=303)
    dbs.commit()
    flash(_("Перенесено достижений: %(n)s (уже были: %(s)s).", n=added, s=skipped))
    return redirect(back, code=303)



@bp.get("/p/<person_id>/portfolio.pdf")
@login_required
def pdf(person_id: str) -> Any:
    """The portfolio as the viewer may see it, as a PDF for printing or sending."""
    from lti_tool.portfolio import pdf as pdf_render
    from lti_tool.portfolio import services

    viewer, dbs = _viewer(), db_session()
    owner = _person(person_id, viewer)
    if not access.can_view_portfolio(dbs, viewer, owner):
        abort(403)
    kind = _kind(owner, viewer)
    items = [i for i in services.items_of(dbs, viewer.organisation_id, owner.id)
             if i.status != "rejected"]
    body = pdf_render.render(
        school=people_q.the_organisation(dbs, viewer.organisation_id).name,
        owner=owner.display_name, kind=kind, items=items,
        sections=services.sections(dbs, viewer.organisation_id, kind, include_inactive=True),
        counts=services.counts_by_year(items))
    resp = Response(body, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="portfolio-{owner.public_id}.pdf"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
