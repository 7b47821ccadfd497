"""The coordinator's pages for the monthly transfer: the dashboard (enrolled where, sent,
confirmed, overdue), preparing and sending a package (host), downloading and confirming it
(home). Thin: access from :mod:`.access`, work in :mod:`.transfer`."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from lti_tool.core.viewer import Viewer, app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.exchange import access, dashboard, package_files, rules, transfer
from lti_tool.exchange.messages import rule_message
from lti_tool.exchange.models import TransferPackage
from lti_tool.exchange.schemas import LABELS, PeriodSchema
from lti_tool.jobs import jobs
from lti_tool.people.services import organisation_by_slug
from lti_tool.web import form_errors

bp = Blueprint("exchange_transfer", __name__, url_prefix="/app/exchange/transfers",
               template_folder="templates")

PACKAGE_STATES = {"prepared": _l("собран, ждёт отправки"), "queued": _l("в очереди на отправку"),
                  "sending": _l("отправляется"),
                  "sent": _l("отправлен"), "confirmed": _l("получение подтверждено"),
                  "superseded": _l("заменён новой версией")}


def _viewer() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    if not viewer.has("admin"):
        abort(403)  # coordinators only: marks of other schools' pupils
    return viewer


def _package_or_404(public_id: str, viewer: Viewer) -> TransferPackage:
    package = transfer.package_by_public_id(db_session(), public_id)
    if package is None or not access.can_view_package(viewer, package):
        abort(404)
    # A home school never sees a version its host has not sent.
    if viewer.organisation_id == package.home_org_id != package.host_org_id and \
            package.state not in (rules.SENT, rules.CONFIRMED):
        abort(404)
    return package


@bp.get("/")
@login_required
def dashboard_page() -> Any:
    viewer, dbs = _viewer(), db_session()
    today = date.today()
    return render_template(
        "exchange/transfers.html", flows=dashboard.flows(dbs, viewer.organisation_id, today),
        enrolments=dashboard.enrolments(dbs, viewer.organisation_id), viewer=viewer,
        homes=transfer.home_schools(dbs, viewer.organisation_id),
        months=dashboard.months(today), state_names=PACKAGE_STATES, labels=LABELS)


@bp.post("/prepare")
@login_required
def prepare() -> Any:
    viewer, dbs = _viewer(), db_session()
    try:
        form = PeriodSchema().load(request.form.to_dict())
    except ValidationError as exc:
        flash(" ".join(form_errors.lines(exc, LABELS, sep=" ")), "error")
        return redirect(app_url("exchange_transfer.dashboard_page"), 303)
    home = organisation_by_slug(dbs, form["home"])
    if home is None or home.id not in {o.id for o in transfer.home_schools(
            dbs, viewer.organisation_id)}:
        abort(404)
    try:
        package = transfer.prepare(dbs, viewer.organisation_id, home.id, form["period"],
                                   viewer.person_id)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return redirect(app_url("exchange_transfer.dashboard_page"), 303)
    dbs.commit()
    flash(_("Пакет за %(p)s собран (версия %(v)s).", p=package.period, v=package.version))
    return redirect(app_url("exchange_transfer.package", public_id=package.public_id), 303)


@bp.get("/<public_id>")
@login_required
def package(public_id: str) -> Any:
    viewer = _viewer()
    pkg = _package_or_404(public_id, viewer)
    return render_template("exchange/package.html", package=pkg, state_names=PACKAGE_STATES,
                           can_send=access.can_send_package(viewer, pkg)
                           and pkg.state == rules.PREPARED,
                           can_confirm=access.can_confirm_package(viewer, pkg)
                           and pkg.state == rules.SENT,
                           changes=pkg.changes or {})


@bp.post("/<public_id>/send")
@login_required
def send(public_id: str) -> Any:
    viewer = _viewer()
    pkg = _package_or_404(public_id, viewer)
    if not access.can_send_package(viewer, pkg):
        abort(403)
    dbs = db_session()
    try:
        transfer.queue(dbs, pkg, viewer.person_id)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
    else:
        dbs.commit()
        jobs().deliver_package(pkg.id)
        flash(_("Пакет поставлен в очередь на отправку."))
    return redirect(app_url("exchange_transfer.package", public_id=public_id), 303)


@bp.post("/<public_id>/confirm")
@login_required
def confirm(public_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    pkg = _package_or_404(public_id, viewer)
    if not access.can_confirm_package(viewer, pkg):
        abort(403)
    try:
        transfer.confirm(dbs, pkg, viewer.person_id)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return redirect(app_url("exchange_transfer.package", public_id=public_id), 303)
    dbs.commit()
    flash(_("Получение подтверждено."))
    return redirect(app_url("exchange_transfer.package", public_id=public_id), 303)


@bp.get("/<public_id>/<kind>")
@login_required
def download(public_id: str, kind: str) -> Any:
    viewer = _viewer()
    pkg = _package_or_404(public_id, viewer)
    name = f"network-{pkg.period}-v{pkg.version}"
    if kind not in ("oneroster.zip", "journal.xlsx"):
        abort(404)
    zipped, book = package_files.files(db_session(), pkg)
    if kind == "oneroster.zip":
        data, mime, name = zipped, "application/zip", name + "-oneroster.zip"
    else:
        data, name = book, name + ".xlsx"
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name)
