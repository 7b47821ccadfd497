"""Network pages: the list of my networks, a network's page (members, agreements), the
registry entry form, the signed documents, and the public registry (no launch needed).

Every handler first decides access (``network.access``), then acts through ``services``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from lti_tool.core.viewer import Viewer, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.lti import targets
from lti_tool.network import access, agreements, documents, notices, services
from lti_tool.network.models import Network, NetworkMember
from lti_tool.network.rules import AgreementStatus
from lti_tool.network.schemas import (
    LABELS,
    AgreementSchema,
    AttachSchema,
    MemberEntrySchema,
    NetworkSchema,
    load,
)
from lti_tool.people import services as people
from lti_tool.web import nav

bp = Blueprint("network", __name__, url_prefix="/app/network", template_folder="templates")
targets.register(targets.Target(
    "network", _l("Сеть школ"),
    _l("Участники и соглашения, координационный совет, календарь, банк материалов и "
       "сетевые мероприятия"), "network.index"))


def _network_link(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    # Admins always: it is where a school founds a network.
    return ("network.index", {}) if viewer.has("admin") or access.viewer_networks(
        dbs, viewer) else None


nav.register("network", nav.Entry(_l("Сеть"), _network_link, order=120))
public_bp = Blueprint("network_public", __name__, url_prefix="/network",
                      template_folder="templates")

STATUS_LABELS = {
    AgreementStatus.PENDING: _l("Ещё не вступило в силу"),
    AgreementStatus.IN_FORCE: _l("Действует"),
    AgreementStatus.EXPIRING: _l("Скоро истекает"), AgreementStatus.EXPIRED: _l("Истекло"),
}


def _viewer() -> Viewer:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    return viewer


def network_for(viewer: Viewer, public_id: str) -> Network:
    """The network if this viewer may see it; 404 otherwise (its existence is not told)."""
    network = services.network_by_public_id(db_session(), public_id)
    if network is None or not access.can_view(db_session(), viewer, network):
        abort(404)
    return network


def _index(viewer: Viewer, *, errors: dict[str, Any] | None = None,
           form: dict[str, Any] | None = None, status: int = 200) -> Any:
    dbs = db_session()
    others = [o for o in people.organisations(dbs)
              if o.id != viewer.organisation_id] if viewer.has("admin") else []
    return render_template("network/index.html", networks=access.viewer_networks(dbs, viewer),
                           may_create=viewer.has("admin"), others=others, labels=LABELS,
                           errors=errors or {}, form=form or {}), status


@bp.get("/")
@login_required
def index() -> Any:
    return _index(_viewer())


@bp.post("/")
@login_required
def create() -> Any:
    """A school's admin founds a network and coordinates it; the founders chosen here join
    by their founding agreement, anyone later by a council decision."""
    viewer = _viewer()
    if not viewer.has("admin"):
        abort(403)
    dbs = db_session()
    try:
        values = load(NetworkSchema(), request.form)
        known = {o.id for o in people.organisations(dbs)}
        founders = [services.Founder(int(f)) for f in values.pop("founders")
                    if f.isdigit() and int(f) in known and int(f) != viewer.organisation_id]
        network = services.create_network(dbs, coordinator_id=viewer.organisation_id,
                                          founders=founders, actor_id=viewer.person_id,
                                          **values)
    except ValidationError as exc:
        dbs.rollback()
        return _index(viewer, errors=exc.messages_dict, form=dict(request.form), status=400)
    except services.NetworkError as exc:
        dbs.rollback()
        return _index(viewer, errors={"slug": [exc.message]}, form=dict(request.form),
                      status=400)
    dbs.commit()
    return _page(viewer, network, notice=_("Сеть создана. Ваша организация — координатор."))


def _page(viewer: Viewer, network: Network, *, errors: dict[str, Any] | None = None,
          form: dict[str, Any] | None = None, notice: str = "", status: int = 200) -> Any:
    dbs = db_session()
    members = services.members_of(dbs, network.id)
    mine = services.membership(dbs, network.id, viewer.organisation_id)
    from lti_tool.network import hooks

    return render_template(
        "network/network.html", network=network, members=members, mine=mine,
        coordinator_name=people.organisation_names(dbs, {network.coordinator_id}).get(
            network.coordinator_id, ""),
        agreements=agreements.agreements_of(dbs, network.id), status_labels=STATUS_LABELS,
        labels=LABELS,
        coordinator=access.can_coordinate(dbs, viewer, network),
        may_read=lambda a: access.can_read_agreement(dbs, viewer, network, a),
        children=services.children_of(dbs, network.id),
        attach=access.can_attach(dbs, viewer, network),
        attachable=services.attachable(dbs, network) if access.can_attach(
            dbs, viewer, network) else [],
        parent=dbs.get(Network, network.parent_id) if network.parent_id else None,
        panels=hooks.panels(dbs, viewer, network),
        errors=errors or {}, form=form or {}, notice=notice), status


@bp.get("/<public_id>")
@login_required
def detail(public_id: str) -> Any:
    viewer = _viewer()
    return _page(viewer, network_for(viewer, public_id))


@bp.post("/<public_id>/members/<member_id>")
@login_required
def edit_entry(public_id: str, member_id: str) -> Any:
    viewer = _viewer()
    network = network_for(viewer, public_id)
    dbs = db_session()
    row = dbs.query(NetworkMember).filter_by(public_id=member_id,
                                             network_id=network.id).one_or_none()
    if row is None or not access.can_edit_entry(dbs, viewer, network, row):
        abort(403)
    try:
        values = load(MemberEntrySchema(), request.form)
    except ValidationError as exc:
        return _page(viewer, network, errors=exc.messages_dict, form=dict(request.form),
                     status=400)
    services.update_entry(dbs, row, values, viewer.person_id)
    dbs.commit()
    return _page(viewer, network, notice=_("Сведения об участнике сохранены."))


@bp.post("/<public_id>/agreements")
@login_required
def add_agreement(public_id: str) -> Any:
    viewer = _viewer()
    network = network_for(viewer, public_id)
    dbs = db_session()
    if not access.can_coordinate(dbs, viewer, network):
        abort(403)
    settings = current_app.config["MARSHRUT"]
    stored: dict[str, object] | None = None
    try:
        values = load(AgreementSchema(), request.form)
        by_pid = {m.public_id: m.organisation_id for m in dbs.query(NetworkMember).filter_by(
            network_id=network.id)}
        parties = [by_pid[p] for p in values.pop("parties") if p in by_pid]
        stored = documents.store(settings.instance_path, network.id,
                                 request.files.get("document"))
        agreements.add_agreement(dbs, network, values, parties, viewer.person_id, stored)
    except (ValidationError, services.NetworkError) as exc:
        dbs.rollback()
        if stored:
            documents.discard(settings.instance_path, str(stored["document_path"]))
        errors = (exc.messages_dict if isinstance(exc, ValidationError)
                  else {"parties": [exc.message]})
        return _page(viewer, network, errors=errors, form=dict(request.form), status=400)
    dbs.commit()
    return _page(viewer, network, notice=_("Соглашение добавлено."))


@bp.post("/<public_id>/children")
@login_required
def attach(public_id: str) -> Any:
    """The regional network's coordinator takes a network in (seed 002's cascade)."""
    viewer = _viewer()
    network = network_for(viewer, public_id)
    dbs = db_session()
    if not access.can_attach(dbs, viewer, network):
        abort(403)
    try:
        values = load(AttachSchema(), request.form)
        child = services.network_by_public_id(dbs, values["child"])
        if child is None:
            raise ValidationError({"child": [_("Сеть: выберите сеть из списка.")]})
        services.attach(dbs, network, child, actor_id=viewer.person_id)
    except ValidationError as exc:
        dbs.rollback()
        return _page(viewer, network, errors=exc.messages_dict, form=dict(request.form),
                     status=400)
    except services.NetworkError as exc:
        dbs.rollback()
        return _page(viewer, network, errors={"child": [f"{LABELS['child']}: {exc.message}"]},
                     form=dict(request.form), status=400)
    notices.regional_change(dbs, network, child, attached=True)
    dbs.commit()
    return _page(viewer, network, notice=_("Сеть «%(name)s» включена в региональную сеть.",
                                           name=child.name))


@bp.post("/<public_id>/children/<child_id>/detach")
@login_required
def detach(public_id: str, child_id: str) -> Any:
    viewer = _viewer()
    network = network_for(viewer, public_id)
    dbs = db_session()
    if not access.can_attach(dbs, viewer, network):
        abort(403)
    child = services.network_by_public_id(dbs, child_id)
    if child is None or child.parent_id != network.id:
        abort(404)
    services.detach(dbs, network, child, actor_id=viewer.person_id)
    notices.regional_change(dbs, network, child, attached=False)
    dbs.commit()
    return _page(viewer, network, notice=_("Сеть «%(name)s» исключена из региональной сети.",
                                           name=child.name))


@bp.get("/<public_id>/agreements/<agreement_id>/document")
@login_required
def agreement_document(public_id: str, agreement_id: str) -> Any:
    viewer = _viewer()
    network = network_for(viewer, public_id)
    dbs = db_session()
    agreement = agreements.agreement_of(dbs, network.id, agreement_id)
    if agreement is None:
        abort(404)
    if not access.can_read_agreement(dbs, viewer, network, agreement):
        abort(403)
    path = documents.readable(current_app.config["MARSHRUT"].instance_path,
                              agreement.document_path)
    if path is None:
        abort(404)
    return send_file(path, mimetype=agreement.document_type, as_attachment=True,
                     download_name=agreement.document_name or "document")


@public_bp.get("/<slug>/registry")
def registry(slug: str) -> Any:
    """Seed 003 §5.1: the registry of members is public (what each brings, since when)."""
    network = services.network_by_slug(db_session(), slug)
    if network is None:
        abort(404)
    rows = services.public_registry(db_session(), network)
    return render_template("network/registry.html", network=network, rows=rows)


@public_bp.get("/<slug>/registry.json")
def registry_json(slug: str) -> Any:
    network = services.network_by_slug(db_session(), slug)
    if network is None:
        abort(404)
    return jsonify(network=network.name, members=[
        {"organisation": r.organisation, "contribution": r.contribution,
         "since": r.since.isoformat(), "contact": {"name": r.contact_name,
                                                   "email": r.contact_email,
                                                   "phone": r.contact_phone},
         "coordinator": r.coordinator} for r in services.public_registry(db_session(), network)])
