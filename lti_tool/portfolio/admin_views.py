"""School settings of the portfolio (admin only): sections as configuration and which
teacher curates (moderates) which class."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from lti_tool.core.viewer import (
    TUTOR_ROLES,
    Viewer,
    app_url,
    can_administer,
    current_viewer,
    login_required,
)
from lti_tool.db import db_session
from lti_tool.people import queries as people_q
from lti_tool.people import services as people
from lti_tool.portfolio import i18n, rules, services
from lti_tool.portfolio.models import Curator, PortfolioSection

bp = Blueprint("portfolio_admin", __name__, url_prefix="/app/admin/portfolio",
               template_folder="templates")
bp.context_processor(lambda: {"rules": rules, "tt": i18n.title})


def _admin() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    if not can_administer(viewer):
        abort(403)
    return viewer


@bp.get("/")
@login_required
def settings() -> Any:
    viewer, dbs = _admin(), db_session()
    org = viewer.organisation_id
    classes = people.classes_of(dbs, org)
    teachers = [p for p, _org in people.staff_of(dbs, [org], TUTOR_ROLES)]
    rows = list(dbs.scalars(select(Curator).where(Curator.organisation_id == org)
                            .order_by(Curator.id)))
    names = people_q.display_names(dbs, {c.tutor_id for c in rows})
    titles = people_q.class_titles(dbs, {c.class_id for c in rows})
    curators = [(c, names[c.tutor_id], titles[c.class_id]) for c in rows
                if c.tutor_id in names and c.class_id in titles]
    return render_template(
        "portfolio/settings.html", classes=classes, teachers=teachers,
        curators=list(curators),
        student=services.sections(dbs, org, rules.STUDENT, include_inactive=True),
        teacher=services.sections(dbs, org, rules.TEACHER, include_inactive=True),
        uud_items=_all_uud_items(dbs, org), uud_cfg=_uud_config(dbs, org))


def _all_uud_items(dbs: Any, org: int) -> list[Any]:
    from lti_tool.portfolio import uud
    from lti_tool.portfolio.models import UudItem

    uud.items(dbs, org)
    dbs.commit()
    return list(dbs.scalars(select(UudItem).where(UudItem.organisation_id == org)
                            .order_by(UudItem.position, UudItem.id)))


def _uud_config(dbs: Any, org: int) -> Any:
    from lti_tool.portfolio import uud

    cfg = uud.config(dbs, org)
    dbs.commit()
    return cfg


@bp.post("/sections")
@login_required
def sections() -> Any:
    viewer, dbs = _admin(), db_session()
    org = viewer.organisation_id
    title = request.form.get("title", "").strip()[:200]
    if request.form.get("id"):
        section = dbs.scalars(select(PortfolioSection).where(
            PortfolioSection.id == int(request.form["id"]),
            PortfolioSection.organisation_id == org)).first()
        if section is None:
            abort(404)
        services.update_section(dbs, viewer.person_id, section, title=title or None,
                                active=request.form.get("active") == "1")
    else:
        kind = request.form.get("kind")
        if kind not in (rules.STUDENT, rules.TEACHER) or len(title) < 2:
            flash(_("Раздел: укажите название (от 2 символов) и вид портфолио."), "error")
            return redirect(app_url("portfolio_admin.settings"), code=303)
        key = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:20] or "section"
        taken = {s.key for s in services.sections(dbs, org, kind, include_inactive=True)}
        key = f"custom-{len(taken)}" if key in taken or not key.isascii() else key
        services.add_section(dbs, viewer.person_id, org, kind, title, key)
    dbs.commit()
    flash(_("Разделы сохранены."))
    return redirect(app_url("portfolio_admin.settings"), code=303)


@bp.post("/curators")
@login_required
def curators() -> Any:
    viewer, dbs = _admin(), db_session()
    org = viewer.organisation_id
    tutor = people_q.member_by_public_id(dbs, org, request.form.get("tutor", ""),
                                         TUTOR_ROLES)
    group = people.class_by_public_id(dbs, org, request.form.get("class", ""))
    if tutor is None or group is None:
        flash(_("Выберите учителя и класс своей школы."), "error")
        return redirect(app_url("portfolio_admin.settings"), code=303)
    if request.form.get("remove") == "1":
        services.remove_curator(dbs, actor_id=viewer.person_id, org_id=org,
                                tutor_id=tutor.id, class_id=group.id)
    else:
        services.assign_curator(dbs, actor_id=viewer.person_id, org_id=org, tutor_id=tutor.id,
                                class_id=group.id)
    dbs.commit()
    flash(_("Классные руководители сохранены."))
    return redirect(app_url("portfolio_admin.settings"), code=303)


@bp.get("/figures")
@login_required
def figures() -> Any:
    """The school's portfolio analytics (admin): coverage, moderation, sections, levels, years."""
    from lti_tool.portfolio.charts import by_year_chart

    viewer, dbs = _admin(), db_session()
    from lti_tool.portfolio.figures import school_figures

    data = school_figures(dbs, viewer.organisation_id)
    return render_template("portfolio/figures.html", f=data,
                           chart=by_year_chart(data.by_year))


@bp.post("/uud")
@login_required
def uud_settings() -> Any:
    """The УУД framework (add, rename, switch off an item), the scale and the threshold."""
    from lti_tool.portfolio import uud

    viewer, dbs = _admin(), db_session()
    org, form = viewer.organisation_id, request.form
    try:
        if form.get("what") == "scale":
            uud.save_settings(dbs, org, viewer.person_id,
                              scale_max=int(form.get("scale_max", "")),
                              gap_threshold=float(form.get("gap_threshold", "").replace(
                                  ",", ".")))
        else:
            uud.save_item(dbs, org, viewer.person_id,
                          item_id=int(form["id"]) if form.get("id") else None,
                          group=form.get("group", ""), title=form.get("title", ""),
                          active=form.get("active", "1") == "1")
    except LookupError:
        abort(404)
    except ValueError as err:
        dbs.rollback()
        flash(_("УУД: %(m)s", m=i18n.refusal(err) if isinstance(err, rules.Refusal)
                else _("укажите числа.")), "error")
        return redirect(app_url("portfolio_admin.settings"), code=303)
    dbs.commit()
    flash(_("Настройки УУД сохранены."))
    return redirect(app_url("portfolio_admin.settings"), code=303)


@bp.post("/uud/import")
@login_required
def uud_import() -> Any:
    from lti_tool.portfolio import uud

    viewer, dbs = _admin(), db_session()
    upload = request.files.get("file")
    try:
        n = uud.import_external(dbs, viewer.organisation_id, viewer.person_id,
                                upload.read(5 * 1024 * 1024) if upload else b"")
    except ValueError as err:
        dbs.rollback()
        flash(_("Файл не загружен, ничего не сохранено: %(m)s", m=i18n.refusal(err)),
              "error")
    else:
        dbs.commit()
        flash(_("Загружено внешних результатов: %(n)s.", n=n))
    return redirect(app_url("portfolio.uud_school"), code=303)


@bp.post("/adult/<person_id>")
@login_required
def adult(person_id: str) -> Any:
    """Mark a pupil «совершеннолетний» or take the mark back (the admin of their school;
    another school's or a non-pupil is «not found»)."""
    from marshmallow import ValidationError

    from lti_tool.portfolio import access, adults
    from lti_tool.portfolio.schemas import AdultForm, adult_messages

    viewer, dbs = _admin(), db_session()
    pupil = people.person_by_public_id(dbs, person_id)
    if pupil is None or not access.can_mark_adult(dbs, viewer, pupil):
        abort(404)
    back = app_url("portfolio.person", person_id=pupil.public_id)
    try:
        on = bool(AdultForm().load(request.form.to_dict())["on"])
    except ValidationError as err:
        for message in adult_messages(err):
            flash(message, "error")
        return redirect(back, code=303)
    if adults.set_adult(dbs, actor_id=viewer.person_id, org_id=viewer.organisation_id,
                        pupil=pupil, on=on):
        dbs.commit()
        flash(_("Отмечено: совершеннолетний — публикует свои достижения сам.") if on else
              _("Отметка «совершеннолетний» снята: публикации снова нужно согласие родителя."))
    return redirect(back, code=303)


from lti_tool.portfolio import region_views as _region_views  # noqa: E402,F401  (its routes)
