"""The school admin's sync page: connect a source, test it, run a sync, read the reports,
link the people no key could match. Every handler first decides access (admin of the
organisation, and the connection / run / person must belong to it), then acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from lti_tool.core.audit import audit
from lti_tool.core.viewer import Viewer, admin_required, require_viewer
from lti_tool.db import db_session
from lti_tool.jobs import jobs
from lti_tool.sync import services, uploads
from lti_tool.sync.messages import count_label
from lti_tool.sync.models import SourceConnection, UnmatchedPerson
from lti_tool.sync.schemas import LABELS
from lti_tool.web import nav

bp = Blueprint("sync_admin", __name__, url_prefix="/app/admin/sync",
               template_folder="templates")
bp.add_app_template_filter(count_label, "count_label")
nav.register("sync_admin", nav.Entry(_l("Источники данных"), nav.admin_only("sync_admin.index"),
                                     order=110))



def _connection(viewer: Viewer, public_id: str) -> SourceConnection:
    conn = services.connection_of(db_session(), viewer.organisation_id, public_id)
    if conn is None:
        abort(404)
    return conn


def _index(viewer: Viewer, form: dict[str, Any] | None = None,
           errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    dbs = db_session()
    rows = [(c, next(iter(services.recent_runs(dbs, c.id, 1)), None))
            for c in services.connections(dbs, viewer.organisation_id)]
    return render_template("sync/index.html", rows=rows, form=form or {}, errors=errors or {},
                           labels=LABELS), status


@bp.get("/")
@admin_required
def index() -> Any:
    return _index(require_viewer())


@bp.post("/")
@admin_required
def create() -> Any:
    viewer = require_viewer()
    dbs = db_session()
    settings = current_app.config["MARSHRUT"]
    form = {k: v for k, v in request.form.items() if k != "path"}  # never a server path
    stored = ""
    try:
        if form.get("kind") == "oneroster":
            stored = form["path"] = uploads.store_oneroster_upload(
                settings.instance_path, viewer.organisation_id, request.files.get("file"))
        conn = services.create_connection(dbs, viewer.organisation_id, form,
                                          current_app.config["SECRET_KEY"], viewer.person_id,
                                          public_urls_only=not settings.allow_private_urls)
    except ValidationError as exc:
        if stored:
            uploads.forget_upload(settings.instance_path, stored)
        dbs.rollback()
        safe = {k: v for k, v in request.form.items() if k not in ("password", "token")}
        return _index(viewer, safe, exc.messages if isinstance(exc.messages, dict) else {},
                      400)
    dbs.commit()
    return _detail(viewer, conn, notice=_("Подключение сохранено. Проверьте его."))


PAGE = 50  # unmatched people per page


def _detail(viewer: Viewer, conn: SourceConnection, notice: str = "", error: str = "",
            status: int = 200) -> Any:
    dbs = db_session()
    unmatched = services.unmatched(dbs, conn.id)
    pages = max(1, -(-len(unmatched) // PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    shown = unmatched[(page - 1) * PAGE:page * PAGE]
    # One row may be searched by name (?find=<row>&q=...): the admin's word beats our guess.
    find, query = request.args.get("find", ""), request.args.get("q", "").strip()[:100]
    names = services.school_names(dbs, viewer.organisation_id) if shown else []
    candidates = {u.id: services.link_candidates(dbs, names, u,
                                                 query if u.public_id == find else "")
                  for u in shown}
    linked = services.linked_by_hand(dbs, conn.id)
    hints = services.class_hints(dbs, viewer.organisation_id,
                                 {p.id for ps in candidates.values() for p in ps}
                                 | {u.person_id for u in linked})
    return render_template("sync/connection.html", conn=conn, notice=notice, error=error,
                           runs=services.recent_runs(dbs, conn.id, 10), unmatched=unmatched,
                           shown=shown, page=page, pages=pages, candidates=candidates,
                           hints=hints, find=find, query=query, linked=linked,
                           names=services.names_of(dbs, {u.person_id for u in linked})), status


@bp.get("/<public_id>")
@admin_required
def detail(public_id: str) -> Any:
    viewer = require_viewer()
    return _detail(viewer, _connection(viewer, public_id))


@bp.post("/<public_id>/test")
@admin_required
def test(public_id: str) -> Any:
    viewer = require_viewer()
    conn = _connection(viewer, public_id)
    ok, message = services.test_connection(
        conn, current_app.config["SECRET_KEY"],
        public_urls_only=not current_app.config["MARSHRUT"].allow_private_urls)
    if ok:
        return _detail(viewer, conn, notice=_("Соединение работает: %(m)s", m=message))
    return _detail(viewer, conn, error=message, status=502)


@bp.post("/<public_id>/run")
@admin_required
def run(public_id: str) -> Any:
    viewer = require_viewer()
    conn = _connection(viewer, public_id)
    dbs = db_session()
    audit(dbs, viewer.person_id, viewer.organisation_id, "sync.run", "sync_connection",
          conn.public_id)
    dbs.commit()
    jobs().sync_connection(conn.id, "admin")
    return _detail(viewer, conn, notice=_("Синхронизация поставлена в очередь. Обновите "
                                          "страницу, чтобы увидеть отчёт."), status=202)


def _edit_page(viewer: Viewer, conn: SourceConnection, form: dict[str, Any] | None = None,
               errors: dict[str, Any] | None = None, delete_error: str = "",
               status: int = 200) -> Any:
    shown = form if form is not None else {
        "title": conn.title, "match_keys": ", ".join(conn.match_keys),
        "interval_minutes": conn.interval_minutes, "lookback_weeks": conn.lookback_weeks,
        **{k: v for k, v in conn.settings.items() if k != "path"}}
    return render_template("sync/edit.html", conn=conn, form=shown, errors=errors or {},
                           labels=LABELS, delete_error=delete_error), status


@bp.route("/<public_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(public_id: str) -> Any:
    viewer = require_viewer()
    conn = _connection(viewer, public_id)
    if request.method == "GET":
        return _edit_page(viewer, conn)
    dbs = db_session()
    form = {k: v for k, v in request.form.items() if k != "path"}
    try:
        services.update_connection(
            dbs, conn, form, current_app.config["SECRET_KEY"], viewer.person_id,
            public_urls_only=not current_app.config["MARSHRUT"].allow_private_urls)
    except ValidationError as exc:
        dbs.rollback()
        safe = {k: v for k, v in form.items() if k not in ("password", "token")}
        return _edit_page(viewer, _connection(viewer, public_id), safe,
                          exc.messages if isinstance(exc.messages, dict) else {}, status=400)
    dbs.commit()
    return _detail(viewer, conn, notice=_("Изменения сохранены."))


@bp.post("/<public_id>/delete")
@admin_required
def remove(public_id: str) -> Any:
    viewer = require_viewer()
    conn = _connection(viewer, public_id)
    if request.form.get("confirm") != "yes":
        return _edit_page(viewer, conn, delete_error=_(
            "Отметьте «Да, удалить», чтобы подтвердить."), status=400)
    dbs = db_session()
    path = conn.settings.get("path", "")
    try:
        services.delete_connection(dbs, conn, viewer.person_id)
    except ValueError:
        dbs.rollback()
        return _edit_page(viewer, _connection(viewer, public_id), delete_error=_(
            "Сейчас идёт синхронизация: удалите подключение, когда она закончится."),
            status=409)
    dbs.commit()
    if path:
        uploads.forget_upload(current_app.config["MARSHRUT"].instance_path, path)
    return _index(viewer)


@bp.post("/<public_id>/upload")
@admin_required
def upload(public_id: str) -> Any:
    """A new OneRoster drop for the connection: stored, then synced."""
    viewer = require_viewer()
    conn = _connection(viewer, public_id)
    if conn.kind != "oneroster":
        abort(404)
    settings = current_app.config["MARSHRUT"]
    file = request.files.get("file")
    try:
        path = uploads.store_oneroster_upload(settings.instance_path, viewer.organisation_id,
                                              file)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        return _detail(viewer, conn, error=" ".join(messages.get("file", [])), status=400)
    dbs = db_session()
    previous = conn.settings.get("path", "")
    conn.settings = {**conn.settings, "path": path}
    audit(dbs, viewer.person_id, viewer.organisation_id, "sync.upload", "sync_connection",
          conn.public_id, file=file.filename if file else "")
    dbs.commit()
    if previous:
        uploads.forget_upload(settings.instance_path, previous)
    jobs().sync_connection(conn.id, "admin")
    return _detail(viewer, conn, notice=_("Выгрузка загружена, синхронизация поставлена в "
                                          "очередь."), status=202)


@bp.get("/runs/<public_id>/progress")
@admin_required
def progress(public_id: str) -> Any:
    """How far a run is, for the page's live bar (polled; the engine records it as it
    writes, every couple of seconds)."""
    viewer = require_viewer()
    found = services.run_of(db_session(), viewer.organisation_id, public_id)
    if found is None:
        abort(404)
    total, done = found.chunks_total or 0, found.chunks_done or 0
    return jsonify(status=found.status, done=done, total=total,
                   percent=round(100 * done / total) if total else 0)


@bp.get("/runs/<public_id>")
@admin_required
def report(public_id: str) -> Any:
    viewer = require_viewer()
    dbs = db_session()
    found = services.run_of(dbs, viewer.organisation_id, public_id)
    if found is None:
        abort(404)
    conn = dbs.get(SourceConnection, found.connection_id)
    return render_template("sync/run.html", run=found, conn=conn,
                           rejections=services.rejections(dbs, found.id))


@bp.post("/unmatched/<public_id>/link")
@admin_required
def link(public_id: str) -> Any:
    viewer = require_viewer()
    dbs = db_session()
    target = request.form.get("person", "")
    if not target:  # nothing is preselected: one careless click must not join two children
        item = services.unmatched_item(dbs, viewer.organisation_id, public_id)
        if item is None:
            abort(404)
        conn = dbs.get(SourceConnection, item.connection_id)
        assert conn is not None
        return _detail(viewer, conn, error=_("Выберите человека, с которым связать «%(n)s».",
                                             n=item.display_name), status=400)
    return _change_link(viewer, lambda: services.link_unmatched(
        dbs, viewer.organisation_id, public_id, target, viewer.person_id),
        _("%(n)s связан(а) с выбранным человеком."))


@bp.post("/unmatched/<public_id>/unlink")
@admin_required
def unlink(public_id: str) -> Any:
    """Undo a hand-made link: the source's person is a person of their own again."""
    viewer = require_viewer()
    dbs = db_session()
    return _change_link(viewer, lambda: services.unlink_unmatched(
        dbs, viewer.organisation_id, public_id, viewer.person_id),
        _("Связь «%(n)s» отменена: данные источника снова у отдельного человека."))


def _change_link(viewer: Viewer, change: Callable[[], UnmatchedPerson], notice: str) -> Any:
    """Link or unlink, then the connection's page; not this school's row (or nothing to
    undo) is a 404 and changes nothing. ``notice`` names the person as ``%(n)s``."""
    dbs = db_session()
    try:
        item = change()
    except LookupError:
        dbs.rollback()
        abort(404)
    dbs.commit()
    conn = dbs.get(SourceConnection, item.connection_id)
    assert conn is not None
    return _detail(viewer, conn, notice=notice % {"n": item.display_name})
