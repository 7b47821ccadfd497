"""Event pages: the list and scheduling form, an event (times in Moscow and the reader's
region, registration, attendance, materials, certificates), iCalendar files and feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from lti_tool.core.viewer import Viewer, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.network import access as network_access
from lti_tool.network import hooks
from lti_tool.network import services as network_services
from lti_tool.network.events import (
    calendar_feed,
    certificate,
    credential,
    portfolio_link,
    rules,
    services,
)
from lti_tool.network.events.models import NetworkEvent
from lti_tool.network.models import Network
from lti_tool.network.schemas import load
from lti_tool.network.views import network_for, public_bp
from lti_tool.people import services as people

bp = Blueprint("events", __name__, url_prefix="/app/network/<network_id>/events",
               template_folder="templates")

KIND_LABELS = {"webinar": _l("Вебинар"), "master_class": _l("Мастер-класс"),
               "seminar": _l("Семинар"), "vcs_lesson": _l("Видеоконференц-урок")}
LABELS = {"kind": _l("Вид"), "title": _l("Название"), "description": _l("Описание"),
          "audience": _l("Для кого"), "starts_on": _l("Дата"),
          "starts_time": _l("Начало (московское время)"),
          "duration_minutes": _l("Продолжительность, мин"), "hours": _l("Часов"),
          "room_url": _l("Ссылка на видеоконференцию"),
          "capacity": _l("Мест (0 — без ограничения)"),
          "materials": _l("Материалы (ссылки)"), "timezone": _l("Ваш часовой пояс")}
REFUSALS = {"already": _l("Вы уже зарегистрированы."),
            "cancelled": _l("Мероприятие отменено."),
            "started": _l("Регистрация закрыта: мероприятие уже началось."),
            "full": _l("Мест больше нет.")}


class EventSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(load_default="webinar", validate=validate.OneOf(rules.KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 300))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    audience = fields.String(load_default="", validate=validate.Length(max=300))
    starts_on = fields.Date(required=True)
    starts_time = fields.Time(required=True, format="%H:%M")
    duration_minutes = fields.Integer(load_default=90, validate=validate.Range(10, 24 * 60))
    hours = fields.Integer(load_default=2, validate=validate.Range(0, 16))
    room_url = fields.Url(load_default="", schemes={"https", "http"})
    capacity = fields.Integer(load_default=0, validate=validate.Range(0, 10000))

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        data = data.to_dict() if hasattr(data, "to_dict") else dict(data)
        return {k: v for k, v in data.items() if v != ""}


def _context(network_id: str) -> tuple[Viewer, Network]:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    return viewer, network_for(viewer, network_id)


def _event(network: Network, event_id: str) -> NetworkEvent:
    event = services.event_of(db_session(), network.id, event_id)
    if event is None:
        abort(404)
    return event


def may_schedule(dbs: Any, viewer: Viewer, network: Network) -> bool:
    """The coordinator, and the admins of member schools (they organise for the network)."""
    return network_access.standing(dbs, viewer, network) in (
        network_access.Standing.COORDINATOR, network_access.Standing.MEMBER_ADMIN)


def may_organise(dbs: Any, viewer: Viewer, network: Network, event: NetworkEvent) -> bool:
    if network_access.can_coordinate(dbs, viewer, network):
        return True
    return viewer.person_id == event.organiser_person_id or (
        viewer.has("admin") and viewer.organisation_id == event.organiser_org_id
        and network_access.can_view(dbs, viewer, network))


def may_register(dbs: Any, viewer: Viewer, network: Network) -> bool:
    """Teachers (and admins) of member schools."""
    return (network_access.standing(dbs, viewer, network) >= network_access.Standing.STAFF
            and viewer.has("teacher", "admin"))


def _list(viewer: Viewer, network: Network, *, errors: dict[str, Any] | None = None,
          form: dict[str, Any] | None = None, notice: str = "", status: int = 200) -> Any:
    dbs = db_session()
    now = datetime.now(UTC)
    events = services.events_of(dbs, network.id)
    key = calendar_feed.feed_key(current_app.config["SECRET_KEY"], network.public_id)
    return render_template(
        "events/events.html", network=network, now=now, kinds=KIND_LABELS, labels=LABELS,
        org_names=people.organisation_names(dbs, {e.organiser_org_id for e in events}),
        upcoming=[e for e in reversed(events) if e.starts_at >= now],
        past=[e for e in events if e.starts_at < now],
        mine=services.participations_of(dbs, viewer.person_id), msk=rules.local,
        schedule=may_schedule(dbs, viewer, network), feed_key=key,
        errors=errors or {}, form=form or {}, notice=notice), status


@bp.get("/")
@login_required
def index(network_id: str) -> Any:
    viewer, network = _context(network_id)
    return _list(viewer, network)


@bp.post("/")
@login_required
def create(network_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    if not may_schedule(dbs, viewer, network):
        abort(403)
    try:
        values = load(EventSchema(), request.form, LABELS)
    except ValidationError as exc:
        return _list(viewer, network, errors=exc.messages_dict, form=dict(request.form),
                     status=400)
    start = datetime.combine(values.pop("starts_on"), values.pop("starts_time"),
                             tzinfo=ZoneInfo(rules.MOSCOW))
    event = services.create_event(dbs, network, {**values, "starts_at": start.astimezone(UTC)},
                                  organiser_org_id=viewer.organisation_id,
                                  organiser_person_id=viewer.person_id)
    dbs.commit()
    return _page(viewer, network, event, notice=_("Мероприятие назначено."))


def _page(viewer: Viewer, network: Network, event: NetworkEvent, *, notice: str = "",
          problem: str = "", status: int = 200) -> Any:
    dbs = db_session()
    mine = services.registration_of(event, viewer.person_id)
    zone = request.args.get("tz") or (mine.timezone if mine else rules.MOSCOW)
    return render_template(
        "events/event.html", network=network, event=event, kinds=KIND_LABELS, labels=LABELS,
        org_names=services.org_names(dbs, event),
        zones=rules.ZONES, zone=zone if zone in rules.ZONES else rules.MOSCOW,
        local=rules.local, mine=mine, organise=may_organise(dbs, viewer, network, event),
        register=may_register(dbs, viewer, network) and mine is None,
        certificate=mine is not None and rules.certificate_due(event.status, mine.attended),
        notice=notice, problem=problem), status


@bp.get("/<event_id>")
@login_required
def detail(network_id: str, event_id: str) -> Any:
    viewer, network = _context(network_id)
    return _page(viewer, network, _event(network, event_id))


@bp.post("/<event_id>/register")
@login_required
def register(network_id: str, event_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    event = _event(network, event_id)
    if not may_register(dbs, viewer, network):
        abort(403)
    name = people.contacts(dbs, [viewer.person_id]).get(viewer.person_id, ("", None))[0]
    try:
        services.register(dbs, event, person_id=viewer.person_id,
                          organisation_id=viewer.organisation_id, display_name=name,
                          timezone=request.form.get("timezone", rules.MOSCOW))
    except services.EventRefusal as exc:
        dbs.rollback()
        return _page(viewer, network, event, problem=str(REFUSALS[exc.code]), status=409)
    dbs.commit()
    return _page(viewer, network, event, notice=_("Вы зарегистрированы."))


@bp.post("/<event_id>/attendance")
@login_required
def attendance(network_id: str, event_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    event = _event(network, event_id)
    if not may_organise(dbs, viewer, network, event):
        abort(403)
    chosen = set(request.form.getlist("came"))
    came = {r.id for r in event.registrations if r.public_id in chosen}
    certified = services.mark_attendance(dbs, event, came, viewer.person_id)
    if request.form.get("materials") is not None:
        event.materials = request.form.get("materials", "")[:4000]
    instance = current_app.config["MARSHRUT"].instance_path
    for reg in certified:
        portfolio_link.record(dbs, instance, event, reg, network.name, viewer.person_id)
    dbs.commit()
    n = sum(1 for r in event.registrations if r.attended)
    return _page(viewer, network, event, notice=_("Присутствовали: %(n)s.", n=n))


@bp.get("/<event_id>/certificate.pdf")
@login_required
def certificate_pdf(network_id: str, event_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    event = _event(network, event_id)
    wanted = request.args.get("r")
    if wanted and may_organise(dbs, viewer, network, event):
        reg = next((r for r in event.registrations if r.public_id == wanted), None)
    else:
        reg = services.registration_of(event, viewer.person_id)
    if reg is None or not rules.certificate_due(event.status, reg.attended):
        abort(404)
    body = certificate.render(event, reg, network.name, services.org_names(dbs, event))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="certificate-{reg.certificate_no}.pdf"'})


@bp.get("/<event_id>/credential.jwt")
@login_required
def badge(network_id: str, event_id: str) -> Any:
    """The signed Open Badges 3.0 credential beside the PDF (the participant's own)."""
    viewer, network = _context(network_id)
    dbs = db_session()
    event = _event(network, event_id)
    reg = services.registration_of(event, viewer.person_id)
    public_id = people.public_ids(dbs, viewer.organisation_id).people.get(viewer.person_id)
    if reg is None or public_id is None or not rules.certificate_due(event.status,
                                                                      reg.attended):
        abort(404)
    settings = current_app.config["MARSHRUT"]
    body = credential.token(current_app.config["SECRET_KEY"],
                            settings.base_url or request.host_url, network, event, reg,
                            public_id,
                            services.org_names(dbs, event).get(event.organiser_org_id, ""),
                            people.organisation_slugs(dbs, [event.organiser_org_id]).get(
                                event.organiser_org_id, ""))
    return Response(body, mimetype=credential.MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="badge-{reg.certificate_no}.jwt"'})


@bp.get("/<event_id>/event.ics")
@login_required
def ics(network_id: str, event_id: str) -> Any:
    _viewer, network = _context(network_id)
    event = _event(network, event_id)
    body = calendar_feed.calendar([event], network.name, request.host_url)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="event.ics"'})


@public_bp.get("/<slug>/events.ics")
def feed(slug: str) -> Any:
    """A calendar app's subscription: the key in the address stands in for a launch."""
    dbs = db_session()
    network = network_services.network_by_slug(dbs, slug)
    if network is None or request.args.get("key") != calendar_feed.feed_key(
            current_app.config["SECRET_KEY"], network.public_id):
        abort(404)
    body = calendar_feed.calendar(services.events_of(dbs, network.id), network.name,
                                  request.host_url)
    return Response(body, mimetype="text/calendar")


@hooks.provide
def _panel(dbs: Any, viewer: Viewer, network: Network) -> hooks.Panel | None:
    now = datetime.now(UTC)
    soon = [e for e in reversed(services.events_of(dbs, network.id)) if e.starts_at >= now][:3]
    return hooks.Panel(_("Сетевые мероприятия"), "events/_panel.html",
                       {"soon": soon, "kinds": KIND_LABELS, "msk": rules.local}, order=30)
