"""The person's notifications: the list (unread first marked), reading, e-mail preference."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool.core.viewer import Viewer, app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.notifications import rules, services
from lti_tool.web import nav

bp = Blueprint("notifications", __name__, url_prefix="/app/notifications",
               template_folder="templates")
nav.register("notifications", nav.Entry(
    _l("Уведомления"), lambda _dbs, _viewer: ("notifications.index", {}), order=140))
MODE_LABELS = {"instant": _l("сразу"), "digest": _l("раз в день, одним письмом"),
               "off": _l("не присылать")}
STATE_LABELS = {"sent": _l("отправлено на почту"),
                "nomail": _l("почта не настроена: не отправлено"),
                "failed": _l("письмо не удалось отправить")}


def _viewer() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    return viewer


def link_of(row: Any) -> str:
    """The page a notification is about, through whichever way the viewer came in."""
    if not row.endpoint:
        return ""
    try:
        return app_url(row.endpoint, **row.values)
    except Exception:  # an endpoint that is gone: the notification still reads
        return ""


@bp.get("/")
@login_required
def index() -> Any:
    viewer, dbs = _viewer(), db_session()
    return render_template("notifications/index.html", rows=services.recent(dbs, viewer.person_id),
                           unread=services.unread_count(dbs, viewer.person_id),
                           mode=services.email_mode(dbs, viewer.person_id), modes=MODE_LABELS,
                           states=STATE_LABELS, link_of=link_of)


@bp.get("/unread.json")
@login_required
def unread() -> Any:
    return jsonify(unread=services.unread_count(db_session(), _viewer().person_id))


@bp.post("/read")
@login_required
def read() -> Any:
    viewer, dbs = _viewer(), db_session()
    which = request.form.get("id") or None
    if not services.mark_read(dbs, viewer.person_id, which) and which:
        abort(404)
    dbs.commit()
    return redirect(app_url("notifications.index"), code=303)


@bp.post("/preferences")
@login_required
def preferences() -> Any:
    viewer, dbs = _viewer(), db_session()
    mode = request.form.get("email_mode", "")
    if mode not in rules.MODES:
        abort(400, _("Почта: выберите один из вариантов."))
    services.set_email_mode(dbs, viewer.person_id, mode)
    dbs.commit()
    flash(_("Настройка почты сохранена."))
    return redirect(app_url("notifications.index"), code=303)
