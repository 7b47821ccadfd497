"""The network's calendar page: tasks of the current and previous school year, overdue ones
first in red; the coordinator lays out a year and adds tasks; owners mark theirs done."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import select

from lti_tool.core.viewer import Viewer, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.network import access as network_access
from lti_tool.network import hooks
from lti_tool.network import services as network_services
from lti_tool.network.cycle import rules, services
from lti_tool.network.cycle.models import CycleTask
from lti_tool.network.models import Network
from lti_tool.network.schemas import load
from lti_tool.network.views import network_for
from lti_tool.people import services as people

bp = Blueprint("cycle", __name__, url_prefix="/app/network/<network_id>/cycle",
               template_folder="templates")

STATE_LABELS = {rules.TaskState.DONE: _l("выполнено"), rules.TaskState.OVERDUE: _l("просрочено"),
                rules.TaskState.DUE_SOON: _l("скоро срок"),
                rules.TaskState.UPCOMING: _l("запланировано")}
LABELS = {"title": _l("Задача"), "due_on": _l("Срок"), "owner_org": _l("Ответственная организация"),
          "owner_name": _l("Ответственный"), "owner_email": _l("Электронная почта ответственного"),
          "remind_days": _l("Напомнить за, дней"), "details": _l("Подробности"),
          "year": _l("Учебный год")}


class TaskSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(1, 300))
    due_on = fields.Date(required=True)
    owner_org = fields.Integer(load_default=None)
    owner_name = fields.String(load_default="", validate=validate.Length(max=200))
    owner_email = fields.Email(load_default="")
    remind_days = fields.Integer(load_default=7, validate=validate.Range(0, 90))
    details = fields.String(load_default="", validate=validate.Length(max=2000))

    @pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        data = data.to_dict() if hasattr(data, "to_dict") else dict(data)
        return {k: v for k, v in data.items() if v != ""}


def _context(network_id: str) -> tuple[Viewer, Network]:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    return viewer, network_for(viewer, network_id)


def may_mark(dbs: Any, viewer: Viewer, network: Network, task: CycleTask) -> bool:
    """The coordinator; or the admin of the organisation that owns the task."""
    if network_access.can_coordinate(dbs, viewer, network):
        return True
    return (task.owner_org_id is not None and viewer.has("admin")
            and task.owner_org_id == viewer.organisation_id
            and network_access.can_view(dbs, viewer, network))


def _page(viewer: Viewer, network: Network, *, errors: dict[str, Any] | None = None,
          form: dict[str, Any] | None = None, notice: str = "", status: int = 200) -> Any:
    dbs = db_session()
    year = rules.school_year_of(date.today())
    views = services.tasks_of(dbs, network.id, [year - 1, year, year + 1])
    late = [v for v in views if v.state is rules.TaskState.OVERDUE]
    rest = [v for v in views if v.state is not rules.TaskState.OVERDUE]
    return render_template(
        "cycle/cycle.html", network=network, late=late, rest=rest, year=year,
        org_names=people.organisation_names(
            dbs, {v.task.owner_org_id for v in views if v.task.owner_org_id is not None}),
        coordinator=network_access.can_coordinate(dbs, viewer, network),
        may_mark=lambda t: may_mark(dbs, viewer, network, t), state_labels=STATE_LABELS,
        members=network_services.members_of(dbs, network.id), labels=LABELS,
        errors=errors or {}, form=form or {}, notice=notice), status


@bp.get("/")
@login_required
def index(network_id: str) -> Any:
    viewer, network = _context(network_id)
    return _page(viewer, network)


@bp.post("/generate")
@login_required
def generate(network_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    if not network_access.can_coordinate(dbs, viewer, network):
        abort(403)
    year = request.form.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        return _page(viewer, network, errors={"year": [_("Укажите учебный год.")]}, status=400)
    made = services.generate_year(dbs, network, year, viewer.person_id)
    dbs.commit()
    return _page(viewer, network, notice=_("Добавлено задач: %(n)s.", n=len(made)))


@bp.post("/tasks")
@login_required
def add(network_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    if not network_access.can_coordinate(dbs, viewer, network):
        abort(403)
    try:
        values = load(TaskSchema(), request.form, LABELS)
    except ValidationError as exc:
        return _page(viewer, network, errors=exc.messages_dict, form=dict(request.form),
                     status=400)
    owner = values.pop("owner_org")
    if owner is not None and not network_services.is_member(dbs, network.id, owner):
        owner = None
    services.add_task(dbs, network, owner_org_id=owner, actor_id=viewer.person_id, **values)
    dbs.commit()
    return _page(viewer, network, notice=_("Задача добавлена."))


@bp.post("/tasks/<task_id>/done")
@login_required
def done(network_id: str, task_id: str) -> Any:
    viewer, network = _context(network_id)
    dbs = db_session()
    task = services.task_of(dbs, network.id, task_id)
    if task is None:
        abort(404)
    if not may_mark(dbs, viewer, network, task):
        abort(403)
    services.set_done(dbs, task, request.form.get("done") != "0", viewer.person_id)
    dbs.commit()
    return _page(viewer, network, notice=_("Отметка сохранена."))


@hooks.provide
def _panel(dbs: Any, viewer: Viewer, network: Network) -> hooks.Panel | None:
    """Overdue tasks stand out on the network page (the coordinator's page)."""
    has_any = dbs.scalar(select(CycleTask.id).where(CycleTask.network_id == network.id)
                         .limit(1)) is not None
    if not has_any and not network_access.can_coordinate(dbs, viewer, network):
        return None
    return hooks.Panel(_("Календарь сети"), "cycle/_panel.html",
                       {"late": services.overdue(dbs, network.id)}, order=10)
