"""The bank pages: search and browse, add a product, review it (coordinator), the EOR authors
register; public items also on the open page ``/network/<slug>/bank`` without a launch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from lti_tool.core.viewer import Viewer, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.network import access as network_access
from lti_tool.network import documents, hooks
from lti_tool.network import services as network_services
from lti_tool.network.bank import rules, services
from lti_tool.network.bank.models import BankItem
from lti_tool.network.models import Network
from lti_tool.network.schemas import load
from lti_tool.network.views import network_for, public_bp
from lti_tool.people import services as people

bp = Blueprint("bank", __name__, url_prefix="/app/network/<network_id>/bank",
               template_folder="templates")

KIND_LABELS = {"programme": _l("Программа"), "lesson": _l("Разработка урока"),
               "recommendation": _l("Методические рекомендации"),
               "eor": _l("Электронный ресурс")}
LEVEL_LABELS = {"": _l("любой"), "basic": _l("базовый"), "advanced": _l("углублённый")}
STATUS_LABELS = {"draft": _l("черновик"), "reviewed": _l("прошёл экспертизу"),
                 "recommended": _l("рекомендован")}
LABELS = {"title": _l("Название"), "kind": _l("Вид"), "subject": _l("Предмет"),
          "level": _l("Уровень"), "tags": _l("Метки"), "summary": _l("Описание"),
          "authors": _l("Авторы"), "link_url": _l("Ссылка"), "document": _l("Файл"),
          "public": _l("Открыт для всех"), "subjects": _l("Предметы"),
          "skills": _l("Что умеет создавать (инструменты, форматы)")}


class ItemSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(1, 300))
    kind = fields.String(load_default="programme", validate=validate.OneOf(rules.KINDS))
    subject = fields.String(load_default="", validate=validate.Length(max=120))
    level = fields.String(load_default="", validate=validate.OneOf(rules.LEVELS))
    tags = fields.List(fields.String(validate=validate.Length(max=60)), load_default=list)
    summary = fields.String(load_default="", validate=validate.Length(max=5000))
    authors = fields.String(load_default="", validate=validate.Length(max=300))
    link_url = fields.Url(load_default="", schemes={"http", "https"})
    public = fields.Boolean(load_default=False)

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        data = data.to_dict() if hasattr(data, "to_dict") else dict(data)
        data = {k: v for k, v in data.items() if not (k == "link_url" and v == "")}
        if isinstance(data.get("tags"), str):
            data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
        data["public"] = data.get("public") in ("on", "1", "true", True)
        return data


class AuthorSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    subjects = fields.String(required=True, validate=validate.Length(1, 300))
    skills = fields.String(load_default="", validate=validate.Length(max=2000))


def _context(network_id: str) -> tuple[Viewer, Network]:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    return viewer, network_for(viewer, network_id)


def can_contribute(dbs: Any, viewer: Viewer, network: Network) -> bool:
    """Teachers and admins of member schools add products and join the authors register."""
    return (network_access.standing(dbs, viewer, network) >= network_access.Standing.STAFF
            and viewer.has("teacher", "admin"))


def _page(viewer: Viewer, network: Network, *, errors: dict[str, Any] | None = None,
          form: dict[str, Any] | None = None, notice: str = "", status: int = 200) -> Any:
    dbs = db_session()
    args = request.args
    authors = services.authors(dbs, network.id)
    items = services.search(dbs, network.id, args.get("q", ""), subject=args.get("subject", ""),
                            kind=args.get("kind", ""), status=args.get("status", ""))
    return render_template(
        "bank/bank.html", network=network, items=items, q=args.get("q", ""),
        subjects=services.subjects(dbs, network.id), authors=authors,
        org_names=people.organisation_names(dbs, {a.organisation_id for a in authors}),
        contribute=can_contribute(dbs, viewer, network),
        coordinator=network_access.can_coordinate(dbs, viewer, network),
        kinds=KIND_LABELS, levels=LEVEL_LABELS, statuses=STATUS_LABELS, labels=LABELS,
        errors=errors or {}, form=form or {}, notice=notice, public=False), status


@bp.get("/")
@login_required
def index(network_id: str) -> Any:
    viewer, network = _context(network_id)
    return _page(viewer, network)


@bp.post("/items")
@login_required
def add(network_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    if not can_contribute(dbs, viewer, network):
        abort(403)
    instance = current_app.config["MARSHRUT"].instance_path
    stored = None
    try:
        values = load(ItemSchema(), request.form, LABELS)
        stored = documents.store(instance, network.id, request.files.get("document"))
    except ValidationError as exc:
        return _page(viewer, network, errors=exc.messages_dict, form=dict(request.form),
                     status=400)
    services.add_item(dbs, network.id, values, actor_id=viewer.person_id,
                      author_org_id=viewer.organisation_id, document=stored)
    dbs.commit()
    return _page(viewer, network, notice=_("Материал добавлен в банк."))


@bp.post("/items/<item_id>/status")
@login_required
def review(network_id: str, item_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    item = services.item_of(dbs, network.id, item_id)
    if item is None:
        abort(404)
    if not network_access.can_coordinate(dbs, viewer, network):
        abort(403)
    if not services.set_status(dbs, item, request.form.get("status", ""), viewer.person_id):
        return _page(viewer, network, errors={"status": [_("Такой переход статуса невозможен.")]},
                     status=400)
    dbs.commit()
    return _page(viewer, network, notice=_("Статус изменён."))


@bp.post("/authors")
@login_required
def register_author(network_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    if not can_contribute(dbs, viewer, network):
        abort(403)
    try:
        values = load(AuthorSchema(), request.form, LABELS)
    except ValidationError as exc:
        return _page(viewer, network, errors=exc.messages_dict, form=dict(request.form),
                     status=400)
    name = people.contacts(dbs, [viewer.person_id]).get(viewer.person_id, ("", None))[0]
    services.register_author(dbs, network.id, person_id=viewer.person_id,
                             organisation_id=viewer.organisation_id, name=name, **values)
    dbs.commit()
    return _page(viewer, network, notice=_("Вы в списке учителей, создающих ЭОР."))


def _send(item: BankItem) -> Any:
    path = documents.readable(current_app.config["MARSHRUT"].instance_path, item.document_path)
    if path is None:
        abort(404)
    return send_file(path, mimetype=item.document_type, as_attachment=True,
                     download_name=item.document_name or "file")


@bp.get("/items/<item_id>/document")
@login_required
def document(network_id: str, item_id: str) -> Any:
    _viewer, network = _context(network_id)
    item = services.item_of(db_session(), network.id, item_id)
    if item is None:
        abort(404)
    return _send(item)


@public_bp.get("/<slug>/bank")
def public_bank(slug: str) -> Any:
    """Items marked public, open to anyone (seed 003 §6.1: the bank of innovative programmes)."""
    dbs = db_session()
    network = network_services.network_by_slug(dbs, slug)
    if network is None:
        abort(404)
    items = services.search(dbs, network.id, request.args.get("q", ""), public_only=True)
    return render_template("bank/bank.html", network=network, items=items,
                           q=request.args.get("q", ""), subjects=[], authors=[], org_names={},
                           contribute=False, coordinator=False, kinds=KIND_LABELS,
                           levels=LEVEL_LABELS, statuses=STATUS_LABELS, labels=LABELS,
                           errors={}, form={}, notice="", public=True)


@public_bp.get("/<slug>/bank/<item_id>/document")
def public_document(slug: str, item_id: str) -> Any:
    dbs = db_session()
    network = network_services.network_by_slug(dbs, slug)
    item = services.item_of(dbs, network.id, item_id) if network else None
    if item is None or not item.public:
        abort(404)
    return _send(item)


@hooks.provide
def _panel(dbs: Any, viewer: Viewer, network: Network) -> hooks.Panel | None:
    return hooks.Panel(_("Банк методических материалов"), "bank/_panel.html",
                       {"count": len(services.search(dbs, network.id, limit=1000))}, order=40)
