"""Portfolio pages (a Deep Linking target): a person's portfolio, adding with evidence, the
moderation queue, consent, evidence downloads, the class page and the public page.

Policy as elsewhere: 401 without a launch, 404 for what does not exist *for this viewer*
(a wrong id, another school's), 403 for what exists here but is not theirs to see or do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from lti_tool.core.viewer import Viewer, app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.lti import targets
from lti_tool.people import access as people_access
from lti_tool.people import queries as people_q
from lti_tool.people import services as people
from lti_tool.people.services import Person
from lti_tool.portfolio import access, adults, i18n, rules, services
from lti_tool.portfolio.models import Achievement, Evidence
from lti_tool.portfolio.schemas import load_form, messages
from lti_tool.portfolio.storage import EvidenceStore, store_for
from lti_tool.web import nav

bp = Blueprint("portfolio", __name__, url_prefix="/app/portfolio",
               template_folder="templates")
# Everyone launched has a portfolio or a child's.
nav.register("portfolio", nav.Entry(_l("Портфолио"), lambda _dbs, _viewer: ("portfolio.home", {}),
                                    order=50))

targets.register(targets.Target(
    key="portfolio", title=_l("Портфолио"),
    description=_l("Портфолио учеников и учителей: достижения с подтверждением, "
                   "модерация классным руководителем, страница класса."),
    endpoint="portfolio.home"))


def store() -> EvidenceStore:
    settings = current_app.config["MARSHRUT"]
    return store_for(Path(settings.instance_path), os.environ.get("MARSHRUT_EVIDENCE_DIR"))


def _viewer() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    return viewer


def _person(public_id: str, viewer: Viewer) -> Person:
    dbs = db_session()
    person = people.person_by_public_id(dbs, public_id)
    if person is None or (person.id != viewer.person_id
                          and not access.in_school(dbs, viewer, person)):
        abort(404)
    return person


def _item(public_id: str, viewer: Viewer) -> tuple[Achievement, Person]:
    dbs = db_session()
    item = services.achievement(dbs, viewer.organisation_id, public_id)
    if item is None:
        abort(404)
    owner = people_q.the_person(dbs, item.owner_id)
    if not access.can_view_portfolio(dbs, viewer, owner):
        abort(403)
    return item, owner


def _kind(person: Person, viewer: Viewer) -> str:
    roles = access.member_roles(db_session(), person.id, viewer.organisation_id)
    return services.owner_kind(roles)


@bp.get("/")
@login_required
def home() -> Any:
    viewer, dbs = _viewer(), db_session()
    me = people_q.the_person(dbs, viewer.person_id)
    children = people_access.children(dbs, me.id) if viewer.has("parent") else []
    if not viewer.has("teacher", "admin") and not children:
        return redirect(app_url("portfolio.person", person_id=me.public_id))
    pending = services.queue(dbs, viewer.organisation_id, tutor_id=viewer.person_id,
                             admin=viewer.has("admin"))
    group = people_access.home_class(dbs, viewer)
    return render_template("portfolio/home.html", me=me, children=children,
                           pending=len(pending), group=group,
                           can_moderate=viewer.has("admin") or bool(
                               services.curated_pupils(dbs, viewer.organisation_id,
                                                       viewer.person_id)))


@bp.get("/p/<person_id>")
@login_required
def person(person_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    owner = _person(person_id, viewer)
    if not access.can_view_portfolio(dbs, viewer, owner):
        abort(403)
    kind = _kind(owner, viewer)
    items = services.items_of(dbs, viewer.organisation_id, owner.id)
    consented = services.consented_ids(dbs, [i.id for i in items])
    by_section: dict[int, list[Achievement]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    from lti_tool.portfolio.charts import by_year_chart

    minor = adults.owner_is_minor(dbs, viewer.organisation_id, owner.id, kind)
    return render_template(
        "portfolio/person.html", owner=owner, kind=kind, items=items,
        sections=services.sections(dbs, viewer.organisation_id, kind, include_inactive=True),
        by_section=by_section, consented=consented, is_owner=owner.id == viewer.person_id,
        chart=by_year_chart(services.counts_by_year(items)), adult=kind == rules.STUDENT
        and not minor, can_mark_adult=access.can_mark_adult(dbs, viewer, owner),
        public=[i for i in items if services.is_public(i, consented, minor)])


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    viewer, dbs = _viewer(), db_session()
    me = people_q.the_person(dbs, viewer.person_id)
    if not access.can_add(viewer, me):
        abort(403)
    kind = _kind(me, viewer)
    form: dict[str, Any] = dict(request.form) if request.method == "POST" else {}
    errors: list[str] = []
    if request.method == "POST":
        try:
            data = load_form(request.form.to_dict())
            files = [services.NewFile(f.filename or "", f.read())
                     for f in request.files.getlist("files") if f and f.filename]
            item = services.add_achievement(dbs, store(), actor_id=me.id,
                                            org_id=viewer.organisation_id, owner=me,
                                            kind=kind, data=data, files=files)
        except ValidationError as err:
            errors = messages(err)
        except LookupError:
            errors = [_("Раздел: выберите раздел из списка.")]
        except rules.UploadRefused as err:
            dbs.rollback()
            errors = [_("Файл: %(m)s", m=i18n.refusal(err))]
        else:
            dbs.commit()
            flash(_("Достижение добавлено. Оно не подтверждено, пока его не проверит "
                    "классный руководитель."))
            return redirect(app_url("portfolio.item", item_id=item.public_id), code=303)
    return render_template("portfolio/form.html", kind=kind, form=form, errors=errors,
                           sections=services.sections(dbs, viewer.organisation_id, kind),
                           action=app_url("portfolio.new"), item=None), (
        422 if errors else 200)


@bp.get("/a/<item_id>")
@login_required
def item(item_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    found, owner = _item(item_id, viewer)
    kind = _kind(owner, viewer)
    minor = adults.owner_is_minor(dbs, viewer.organisation_id, owner.id, kind)
    return render_template(
        "portfolio/item.html", item=found, owner=owner, kind=kind,
        history=services.history(dbs, found),
        consent=services.active_consent(dbs, found),
        can_edit=access.can_edit_own(viewer, found),
        can_moderate=access.can_moderate(dbs, viewer, owner),
        can_consent=minor and access.can_consent(dbs, viewer, owner),
        can_publish=not minor and owner.id == viewer.person_id,
        sections=services.sections(dbs, viewer.organisation_id, kind, include_inactive=True))


@bp.route("/a/<item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: str) -> Any:
    """The owner's correction, or (``as=moderator``) the curator's edit with the original
    kept; both through one form."""
    viewer, dbs = _viewer(), db_session()
    found, owner = _item(item_id, viewer)
    as_moderator = (request.values.get("as") == "moderator")
    allowed = access.can_moderate(dbs, viewer, owner) if as_moderator else \
        access.can_edit_own(viewer, found)
    if not allowed:
        abort(403)
    kind = _kind(owner, viewer)
    errors: list[str] = []
    form: dict[str, Any] = dict(request.form) if request.method == "POST" else {
        "section": found.section.key, "title": found.title, "level": found.level,
        "result": found.result, "achieved_on": found.achieved_on.isoformat(),
        "description": found.description, "hours": found.hours or ""}
    if request.method == "POST":
        try:
            data = load_form(request.form.to_dict())
            if as_moderator:
                services.moderate(dbs, actor_id=viewer.person_id, item=found, action="edit",
                                  kind=kind, data=data)
            else:
                services.edit_own(dbs, actor_id=viewer.person_id, item=found, kind=kind,
                                  data=data)
                files = [services.NewFile(f.filename or "", f.read())
                         for f in request.files.getlist("files") if f and f.filename]
                services.attach(dbs, store(), found, viewer.person_id, files)
        except ValidationError as err:
            errors = messages(err)
        except LookupError:
            errors = [_("Раздел: выберите раздел из списка.")]
        except (rules.UploadRefused, rules.TransitionRefused) as err:
            errors = [i18n.refusal(err)]
        if errors:
            dbs.rollback()
        else:
            dbs.commit()
            flash(_("Изменения сохранены."))
            return redirect(app_url("portfolio.item", item_id=found.public_id), code=303)
    return render_template(
        "portfolio/form.html", kind=kind, form=form, errors=errors, item=found,
        sections=services.sections(dbs, viewer.organisation_id, kind),
        as_moderator=as_moderator,
        action=app_url("portfolio.edit", item_id=found.public_id,
                       **({"as": "moderator"} if as_moderator else {}))), (
        422 if errors else 200)


@bp.post("/a/<item_id>/moderate")
@login_required
def moderate(item_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    found, owner = _item(item_id, viewer)
    if not access.can_moderate(dbs, viewer, owner):
        abort(403)
    action = request.form.get("action", "")
    if action not in ("confirm", "reject", "revoke"):
        abort(400)
    try:
        services.moderate(dbs, actor_id=viewer.person_id, item=found, action=action,
                          reason=request.form.get("reason", "")[:2000])
    except rules.TransitionRefused as err:
        dbs.rollback()
        flash(i18n.refusal(err), "error")
    else:
        dbs.commit()
        flash({"confirm": _("Достижение подтверждено."), "reject": _("Достижение отклонено."),
               "revoke": _("Подтверждение снято.")}[action])
    back = request.form.get("next") == "queue"
    return redirect(app_url("portfolio.queue") if back else
                    app_url("portfolio.item", item_id=found.public_id), code=303)


@bp.post("/a/<item_id>/consent")
@login_required
def consent(item_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    found, owner = _item(item_id, viewer)
    kind = _kind(owner, viewer)
    on = request.form.get("on") == "1"
    try:
        if adults.owner_is_minor(dbs, viewer.organisation_id, owner.id, kind):
            if not access.can_consent(dbs, viewer, owner):
                abort(403)
            if on:
                services.grant_consent(dbs, parent_id=viewer.person_id, item=found)
            else:
                services.revoke_consent(dbs, actor_id=viewer.person_id, item=found)
        else:
            if owner.id != viewer.person_id:
                abort(403)
            services.set_published(dbs, actor_id=viewer.person_id, item=found, on=on)
    except rules.TransitionRefused as err:
        dbs.rollback()
        flash(i18n.refusal(err), "error")
    else:
        dbs.commit()
        flash(_("Достижение опубликовано.") if on else _("Публикация отозвана."))
    return redirect(app_url("portfolio.item", item_id=found.public_id), code=303)


@bp.get("/e/<file_id>")
@login_required
def evidence(file_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    row = dbs.scalars(select(Evidence).join(Achievement).where(
        Evidence.public_id == file_id,
        Achievement.organisation_id == viewer.organisation_id)).first()
    if row is None:
        abort(404)
    owner = people_q.the_person(dbs, row.achievement.owner_id)
    if not access.can_view_portfolio(dbs, viewer, owner):
        abort(404)  # a file is not confirmed to exist to someone who may not see it
    try:
        data = store().get(row.storage_key)
    except KeyError:
        abort(404)
    resp = Response(data, mimetype=row.media_type)
    inline = row.media_type.startswith("image/") or row.media_type == "application/pdf"
    from urllib.parse import quote

    resp.headers["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(row.name)}")
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


@bp.get("/queue")
@login_required
def queue() -> Any:
    viewer, dbs = _viewer(), db_session()
    admin = viewer.has("admin")
    if not admin and not services.curated_pupils(dbs, viewer.organisation_id,
                                                 viewer.person_id):
        abort(403)
    rows = services.queue(dbs, viewer.organisation_id, tutor_id=viewer.person_id,
                          admin=admin)
    return render_template("portfolio/queue.html", rows=rows)


@bp.get("/class/<class_id>")
@login_required
def class_page(class_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    group = people.class_by_public_id(dbs, viewer.organisation_id, class_id)
    if group is None:
        abort(404)
    if not access.can_view_class(dbs, viewer, group.id):
        abort(403)
    return render_template("portfolio/class.html", group=group,
                           rows=services.class_page(dbs, viewer.organisation_id, group.id))


public_bp = Blueprint("portfolio_public", __name__, url_prefix="/portfolio",
                      template_folder="templates")


@public_bp.get("/<person_id>")
def public_page(person_id: str) -> Any:
    """Open to anyone: confirmed items a parent consented to (a teacher's own published
    ones); nothing else, not even whether the person has other items. No evidence files."""
    dbs = db_session()
    owner = people.person_by_public_id(dbs, person_id)
    if owner is None:
        abort(404)
    items = [i for i in dbs.scalars(select(Achievement).where(
        Achievement.owner_id == owner.id, Achievement.status == rules.CONFIRMED))]
    consented = services.consented_ids(dbs, [i.id for i in items])
    minor = {i.organisation_id: adults.owner_is_minor(dbs, i.organisation_id, owner.id, (
        rules.STUDENT if "student" in access.member_roles(dbs, owner.id, i.organisation_id)
        else rules.TEACHER)) for i in items}
    shown = sorted((i for i in items if services.is_public(i, consented, minor[
        i.organisation_id])), key=lambda i: i.achieved_on, reverse=True)
    if not shown:
        abort(404)
    return render_template("portfolio/public.html", owner=owner, items=shown)


EVENT_TITLES = {"added": _l("добавлено"), "edited": _l("исправлено учеником"),
                "moderator_edited": _l("исправлено классным руководителем"),
                "confirmed": _l("подтверждено"), "rejected": _l("отклонено"),
                "unconfirmed": _l("подтверждение снято"), "published": _l("опубликовано"),
                "unpublished": _l("публикация отозвана"), "imported": _l("перенесено")}


def _context() -> dict[str, Any]:
    return {"rules": rules, "event_titles": EVENT_TITLES, "tt": i18n.title}


bp.context_processor(_context)
public_bp.context_processor(_context)

from lti_tool.portfolio import map_views as _map_views  # noqa: E402,F401  (its routes)
from lti_tool.portfolio import moving_views as _moving_views  # noqa: E402,F401  (its routes)
from lti_tool.portfolio import self_views as _self_views  # noqa: E402,F401  (its routes)
from lti_tool.portfolio import uud_views as _uud_views  # noqa: E402,F401  (its routes)
