"""Monitoring pages: the network's schools side by side for a term (XLSX out and in), a
school's own figures across the terms; entered by the school's admin or the coordinator."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lti_tool.core.viewer import Viewer, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.network import access as network_access
from lti_tool.network import hooks
from lti_tool.network import services as network_services
from lti_tool.network.models import Network, NetworkMember
from lti_tool.network.monitoring import rules, services
from lti_tool.network.monitoring.models import MonitoringReport
from lti_tool.network.views import network_for
from lti_tool.people import services as people

bp = Blueprint("monitoring", __name__, url_prefix="/app/network/<network_id>/monitoring",
               template_folder="templates")

LABELS = dict(zip(rules.FIELDS, (
    _l("Педагогов всего"), _l("Участников сетевых сообществ"),
    _l("Участников сетевых мероприятий"), _l("Уроков с ВКС"), _l("Уроков всего"),
    _l("Уроков с ЭОР")), strict=True))
PROBLEMS = {"negative": _l("не может быть отрицательным"),
            "exceeds_teachers": _l("больше, чем педагогов всего"),
            "exceeds_lessons": _l("больше, чем уроков всего"),
            "unknown_org": _l("нет такой организации среди участников сети"),
            "not_a_number": _l("нужно целое число"), "not_xlsx": _l("это не файл XLSX"),
            "too_big": _l("файл больше 2 МБ")}


def _context(network_id: str) -> tuple[Viewer, Network, int, int]:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    network = network_for(viewer, network_id)
    year, term = services.current_term(date.today())
    year = request.values.get("year", year, type=int) or year
    term = request.values.get("term", term, type=int) or term
    if not 2000 <= year <= 2100 or term not in (1, 2, 3, 4):
        abort(400)
    return viewer, network, year, term


def may_enter(dbs: Any, viewer: Viewer, network: Network, org_id: int) -> bool:
    if network_access.can_coordinate(dbs, viewer, network):
        return network_services.is_member(dbs, network.id, org_id)
    return (network_access.standing(dbs, viewer, network) == network_access.Standing.MEMBER_ADMIN
            and org_id == viewer.organisation_id)


def _page(viewer: Viewer, network: Network, year: int, term: int, *,
          errors: list[str] | None = None, notice: str = "", status: int = 200) -> Any:
    dbs = db_session()
    rows = services.table(dbs, network.id, year, term)
    values = [services.as_dict(r) for _m, r in rows]
    editable = [m for m, _r in rows if may_enter(dbs, viewer, network, m.organisation_id)]
    from_events = {m.organisation_id: services.participants_at_events(dbs, network.id,
                                                                      m.organisation_id)
                   for m, _r in rows}
    return render_template(
        "monitoring/monitoring.html", network=network, year=year, term=term, rows=rows,
        values=values, totals=rules.totals(values), labels=LABELS, fields=rules.FIELDS,
        percent=rules.percent, target=rules.eor_target_met, editable=editable,
        from_events=from_events, errors=errors or [], notice=notice,
        target_percent=rules.EOR_TARGET_PERCENT), status


@bp.get("/")
@login_required
def index(network_id: str) -> Any:
    return _page(*_context(network_id))


@bp.post("/")
@login_required
def save(network_id: str) -> Any:
    viewer, network, year, term = _context(network_id)
    dbs = db_session()
    org_id = request.form.get("organisation", type=int)
    if org_id is None or not may_enter(dbs, viewer, network, org_id):
        abort(403)
    values, errors = {}, []
    for name in rules.FIELDS:
        raw = request.form.get(name, "0").strip() or "0"
        try:
            values[name] = int(raw)
        except ValueError:
            errors.append(f"{LABELS[name]}: {PROBLEMS['not_a_number']}")
    errors += [f"{LABELS[k]}: {PROBLEMS[c]}" for k, c in rules.problems(values).items()]
    if errors:
        return _page(viewer, network, year, term, errors=errors, status=400)
    services.save(dbs, network.id, org_id, year, term, values, viewer.person_id)
    dbs.commit()
    return _page(viewer, network, year, term, notice=_("Показатели сохранены."))


@bp.get("/export.xlsx")
@login_required
def export(network_id: str) -> Any:
    _viewer, network, year, term = _context(network_id)
    body = services.export_xlsx(db_session(), network.id, year, term)
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={"Content-Disposition":
                    f'attachment; filename="monitoring-{year}-{term}.xlsx"'})


@bp.post("/import")
@login_required
def import_xlsx(network_id: str) -> Any:
    viewer, network, year, term = _context(network_id)
    dbs = db_session()
    coordinator = network_access.can_coordinate(dbs, viewer, network)
    if not coordinator and not may_enter(dbs, viewer, network, viewer.organisation_id):
        abort(403)
    upload = request.files.get("file")
    data = upload.read(services.MAX_IMPORT_BYTES + 1) if upload else b""
    try:
        n = services.import_xlsx(dbs, network.id, year, term, data, viewer.person_id,
                                 only_org=None if coordinator else viewer.organisation_id)
    except services.MonitoringError as exc:
        dbs.rollback()
        return _page(viewer, network, year, term, status=400, errors=[
            f"{where}: {PROBLEMS.get(code, code)}" for where, code in exc.errors])
    dbs.commit()
    return _page(viewer, network, year, term, notice=_("Загружено строк: %(n)s.", n=n))


@bp.get("/school/<member_id>")
@login_required
def school(network_id: str, member_id: str) -> Any:
    """One school's figures, term by term (seed 001: a page per school)."""
    viewer, network, year, _term = _context(network_id)
    dbs = db_session()
    member = dbs.scalars(select(NetworkMember).where(
        NetworkMember.network_id == network.id, NetworkMember.public_id == member_id)).first()
    if member is None:
        abort(404)
    reports = list(dbs.scalars(select(MonitoringReport).where(
        MonitoringReport.network_id == network.id,
        MonitoringReport.organisation_id == member.organisation_id,
        MonitoringReport.year == year).order_by(MonitoringReport.term)))
    school_name = people.organisation_names(dbs, [member.organisation_id]).get(
        member.organisation_id, "")
    return render_template("monitoring/school.html", network=network, member=member,
                           school_name=school_name,
                           year=year, reports=reports, labels=LABELS, fields=rules.FIELDS,
                           percent=rules.percent, target=rules.eor_target_met)


@hooks.provide
def _panel(dbs: Any, viewer: Viewer, network: Network) -> hooks.Panel | None:
    return hooks.Panel(_("Мониторинг"), "monitoring/_panel.html", {}, order=50)
