"""Route pages: the student's builder and route, the parent's children, the moves, versions.

Thin: each view asks ``pathways.access`` (through ``services.route_for``) first, then calls a
service; refusals answer 404 (another school's or someone else's route: nothing is told).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from lti_tool.core.viewer import TUTOR_ROLES, Viewer, app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.lti import targets
from lti_tool.pathways import (
    access,
    charts,
    forms,
    lifecycle,
    messages,
    network,
    progress,
    services,
)
from lti_tool.pathways.editions import PROFILES, SUBJECTS
from lti_tool.pathways.lifecycle import STATE_NAMES, Refused
from lti_tool.pathways.models import Route, SchoolOffer
from lti_tool.people import access as people_access
from lti_tool.people import services as people_services
from lti_tool.web import nav

bp = Blueprint("pathways", __name__, url_prefix="/app/routes", template_folder="templates")


def _routes_link(_dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    if viewer.has("student", "parent"):
        return ("pathways.home", {})
    return ("pathways.dashboard", {}) if viewer.has(*TUTOR_ROLES) else None


nav.register("routes", nav.Entry(_l("Маршруты"), _routes_link, order=30))

targets.register(targets.Target(
    key="route_builder", title=_l("Конструктор маршрута"),
    description=_l("Ученик с родителями составляет индивидуальный маршрут и учебный план."),
    endpoint="pathways.home"))
targets.register(targets.Target(
    key="route_dashboard", title=_l("Маршруты класса"),
    description=_l("Тьютор и учителя видят маршруты, нарушения и отклонения учеников."),
    endpoint="pathways.dashboard"))


@bp.app_template_filter("state_name")
def state_name(state: str) -> str:
    return messages.shown(messages.name(STATE_NAMES.get(state, state)))


@bp.app_template_filter("tr")
def translated(value: Any) -> str:
    """A rule's, refusal's or alert's message in the reader's language."""
    return messages.shown(value)


@bp.app_template_filter("named")
def named(value: str) -> str:
    """A subject's, profile's or move's name (marked ``N_`` where defined), translated."""
    return messages.shown(messages.name(value))


def _viewer() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    return viewer


def _route(public_id: str) -> tuple[Route, str]:
    try:
        return services.route_for(db_session(), _viewer(), public_id)
    except services.Forbidden:
        abort(404)


def _settings(org_id: int) -> SchoolOffer:
    return services.offer_settings(db_session(), org_id)


@bp.get("/")
@login_required
def home() -> Any:
    """A student's own route; a parent's children; tutors and teachers: the class view."""
    viewer, dbs = _viewer(), db_session()
    if viewer.has("student"):
        route = dbs.scalars(select(Route).where(
            Route.organisation_id == viewer.organisation_id,
            Route.student_id == viewer.person_id).order_by(Route.id.desc())).first()
        if route is None:
            return render_template("pathways/start.html", today=date.today())
        return redirect(app_url("pathways.show", rid=route.public_id))
    if viewer.has("parent"):
        kids = people_access.children(dbs, viewer.person_id)
        routes = {r.student_id: r for r in dbs.scalars(select(Route).where(
            Route.organisation_id == viewer.organisation_id,
            Route.student_id.in_([k.id for k in kids])))}
        return render_template("pathways/children.html", kids=kids, routes=routes)
    return redirect(app_url("pathways.dashboard"))


@bp.post("/start")
@login_required
def start() -> Any:
    viewer, dbs = _viewer(), db_session()
    try:
        begins = date.fromisoformat(request.form.get("start", ""))
    except ValueError:
        flash("Дата начала: нужен формат ГГГГ-ММ-ДД.", "error")
        return redirect(app_url("pathways.home"), code=303)
    try:
        route = services.start_route(dbs, viewer, begins)
    except services.Forbidden:
        abort(403)
    dbs.commit()
    return redirect(app_url("pathways.edit", rid=route.public_id), code=303)


@bp.get("/<rid>")
@login_required
def show(rid: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    route, rel = _route(rid)
    student = people_services.person(dbs, route.student_id)
    settings = _settings(route.organisation_id)
    measured = progress.Measured(route.start, route.in_force or route.data)
    prog = progress.for_students(dbs, route.organisation_id, {route.student_id: measured},
                                 scheme=settings.term_scheme, margin=settings.mark_margin,
                                 absence_limit=settings.absence_limit,
                                 today=date.today())[route.student_id]
    who = access.actor(dbs, viewer, route)
    return render_template(
        "pathways/route.html", route=route, rel=rel, student=student,
        verdict=services.verdict(db_session(), route), profiles=PROFILES, subjects=SUBJECTS,
        progress=prog, chart=charts.chart(prog), by_term=charts.term_chart(prog),
        history=services.versions(dbs, route), network=network.states(dbs, route),
        moves=[] if who is None else [m for m in lifecycle.allowed(route.state, who)
                                      if m.action not in ("edit", "event")],
        can_tick=who is not None and any(
            m.action == "event" for m in lifecycle.allowed(route.state, who)),
        can_edit=who == lifecycle.STUDENT and route.state in lifecycle.MOVES["edit"].source,
        actor=who, today=date.today())


@bp.get("/<rid>/edit")
@login_required
def edit(rid: str) -> Any:
    route, _rel = _route(rid)
    who = access.actor(db_session(), _viewer(), route)
    if who != lifecycle.STUDENT:
        abort(403)
    return _builder(route, route.data, {})


def _builder(route: Route, data: dict[str, Any], errors: dict[str, str], status: int = 200
             ) -> Any:
    dbs = db_session()
    options = forms.choices(dbs, route.organisation_id)
    offered = network.choices(dbs, route)
    ids = {c.public_id for c in offered}
    return render_template(
        "pathways/builder.html", route=route, data=data, errors=errors, options=options,
        network=offered, network_chosen=network.in_plan(data),
        network_kept=[ln for ln in network.lines(dbs, route, data)
                      if ln.item.get("network") not in ids],
        chosen=forms.chosen(data), project=forms.project_years(data), profiles=PROFILES,
        questions=forms.questions(dbs, route.organisation_id), targets=forms.TARGET_SUBJECTS,
        subjects=SUBJECTS,
        verdict=services.verdict(db_session(), route, data)), status


@bp.post("/<rid>/edit")
@login_required
def save(rid: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    route, _rel = _route(rid)
    if access.actor(dbs, viewer, route) != lifecycle.STUDENT:
        abort(403)
    options = forms.choices(dbs, route.organisation_id)
    data, version, errors = forms.read(request.form.to_dict(), options,
                                       services.week_days(dbs, route.organisation_id),
                                       forms.questions(dbs, route.organisation_id))
    then = request.form.get("then", "")
    wanted = then.partition(":")[2].strip() if then.startswith("request:") else ""
    items, refused = network.read(request.form.getlist("network") + [wanted],
                                  network.choices(dbs, route), route)
    data["items"] += items
    errors.update(refused)
    if errors:
        return _builder(route, data, errors, 422)
    return _move(route, "edit", version, data=data, ask=wanted,
                 then="check" if then == "check" or wanted else "show")


@bp.post("/<rid>/network/withdraw")
@login_required
def withdraw(rid: str) -> Any:
    """«Отозвать заявку» on the builder's network course row: the student's own open
    request, as the course page withdraws it; back to the builder. Another's route or
    request: 404; not the student (a parent, a tutor): 403; a decided request: 422 with the
    exchange's reason. The plan is left as it is."""
    viewer, dbs = _viewer(), db_session()
    route, _rel = _route(rid)
    if access.actor(dbs, viewer, route) != lifecycle.STUDENT:
        abort(403)
    done = network.withdraw(dbs, viewer, route, request.form.get("request", "").strip())
    if done is None:
        dbs.rollback()
        abort(404)
    if isinstance(done, str):
        dbs.rollback()
        return _builder(route, route.data, {"network": done}, 422)
    dbs.commit()
    flash(_("Заявка на курс «%(title)s» отозвана.", title=done.title) + (" " + _(
        "Курс остался в плане: сними отметку и сохрани, если он больше не нужен.")
        if done.in_plan else ""))
    return redirect(app_url("pathways.edit", rid=route.public_id) + "#network", code=303)


@bp.post("/<rid>/act")
@login_required
def act(rid: str) -> Any:
    route, _rel = _route(rid)
    try:
        version = int(request.form.get("version", ""))
        paper = request.form.get("paper_date") or ""
        paper_date = date.fromisoformat(paper) if paper else None
        event = int(request.form["event"]) if request.form.get("event") else None
    except ValueError:
        flash("Форма: неверная версия или дата.", "error")
        return redirect(app_url("pathways.show", rid=rid), code=303)
    return _move(route, request.form.get("action", ""), version,
                 comment=(request.form.get("comment") or "").strip()[:4000],
                 paper_date=paper_date, event=event)


def _move(route: Route, action: str, version: int, then: str = "show", ask: str = "",
          **kw: Any) -> Any:
    """One move; ``ask``: a network course the student asks a place in, once the plan with it
    is saved (a refused request leaves the saved plan as it is and says why)."""
    dbs = db_session()
    try:
        services.act(dbs, _viewer(), route, action, version, **kw)
        refused = network.ask(dbs, route, ask) if ask else ""
        dbs.commit()
    except services.Forbidden:
        dbs.rollback()
        abort(404)
    except (Refused, services.Conflict) as exc:
        dbs.rollback()
        flash(messages.shown(exc.args[0] if exc.args else str(exc)), "error")
        return redirect(app_url("pathways.show", rid=route.public_id), code=303)
    except StaleDataError:
        dbs.rollback()
        flash(messages.shown(services.Conflict(version + 1).args[0]), "error")
        return redirect(app_url("pathways.show", rid=route.public_id), code=303)
    if ask:
        flash(refused or _("Курс в плане, заявка отправлена: её рассмотрят твоя школа и "
                           "школа-партнёр."), "error" if refused else "message")
        return redirect(app_url("pathways.edit", rid=route.public_id) + "#network", code=303)
    if then == "check":
        return redirect(app_url("pathways.edit", rid=route.public_id), code=303)
    flash({"edit": "Маршрут сохранён.", "submit": "Маршрут отправлен тьютору.",
           "agree": "Согласие записано.", "return": "Маршрут возвращён с рекомендациями.",
           "approve": "Маршрут утверждён.", "event": "Мероприятие отмечено."}.get(
               action, "Готово."))
    return redirect(app_url("pathways.show", rid=route.public_id), code=303)


@bp.get("/<rid>/versions")
@login_required
def versions(rid: str) -> Any:
    route, _rel = _route(rid)
    history = services.versions(db_session(), route)
    by_number = {v.number: v for v in history}
    a = by_number.get(request.args.get("a", type=int) or 1, history[0])
    b = by_number.get(request.args.get("b", type=int) or history[-1].number, history[-1])
    return render_template("pathways/versions.html", route=route, a=a, b=b, history=history,
                           changes=services.compare(a.data, b.data))


from lti_tool.pathways import dashboard as _dashboard  # noqa: E402,F401  (its routes on bp)
from lti_tool.pathways import edition_views as _editions  # noqa: E402,F401  (routes on bp)
from lti_tool.pathways import tutors as _tutors  # noqa: E402,F401  (its routes on bp)
