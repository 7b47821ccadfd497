"""УУД pages: a student's figures (external, expert with raters, gaps flagged), the
teacher's open requests for expert ratings, and the school summary. On the portfolio
blueprint (imported by ``views``)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from lti_tool.core.viewer import app_url, login_required
from lti_tool.db import db_session
from lti_tool.people import queries as people_q
from lti_tool.portfolio import access, i18n, rules, uud
from lti_tool.portfolio.models import UudAsk
from lti_tool.portfolio.views import _person, _viewer, bp


@bp.get("/uud/p/<person_id>")
@login_required
def uud_student(person_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    owner = _person(person_id, viewer)
    if not access.can_view_portfolio(dbs, viewer, owner):
        abort(403)
    rows = uud.student_summary(dbs, viewer.organisation_id, owner.id)
    dbs.commit()  # the framework's defaults on first use
    return render_template("portfolio/uud.html", owner=owner, rows=rows,
                           cfg=uud.config(dbs, viewer.organisation_id),
                           can_manage=access.can_moderate(dbs, viewer, owner))


@bp.post("/uud/p/<person_id>/request")
@login_required
def uud_request(person_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    owner = _person(person_id, viewer)
    if not access.can_moderate(dbs, viewer, owner):
        abort(403)
    n = uud.request_expert(dbs, org_id=viewer.organisation_id, student=owner,
                           actor_id=viewer.person_id)
    dbs.commit()
    flash(_("Запрошена экспертная оценка у учителей: %(n)s.", n=n))
    return redirect(app_url("portfolio.uud_student", person_id=owner.public_id), code=303)


@bp.post("/uud/p/<person_id>/external")
@login_required
def uud_external(person_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    owner = _person(person_id, viewer)
    if not access.can_moderate(dbs, viewer, owner):
        abort(403)
    try:
        uud.add_external(dbs, org_id=viewer.organisation_id, student_id=owner.id,
                         item_id=int(request.form.get("item", "0")),
                         source=request.form.get("source", ""),
                         score=float(request.form.get("score", "").replace(",", ".")),
                         actor_id=viewer.person_id)
    except ValueError as err:
        dbs.rollback()
        flash(_("Внешний результат: %(m)s", m=i18n.refusal(err) if isinstance(
            err, rules.Refusal) else _("укажите число.")), "error")
    else:
        dbs.commit()
        flash(_("Внешний результат сохранён."))
    return redirect(app_url("portfolio.uud_student", person_id=owner.public_id), code=303)


@bp.get("/uud/asks")
@login_required
def uud_asks() -> Any:
    viewer, dbs = _viewer(), db_session()
    if not viewer.has("teacher", "admin"):
        abort(403)
    asks = uud.open_asks(dbs, viewer.organisation_id, viewer.person_id)
    return render_template("portfolio/uud_asks.html", asks=asks,
                           items=uud.items(dbs, viewer.organisation_id),
                           cfg=uud.config(dbs, viewer.organisation_id))


@bp.post("/uud/asks/<int:ask_id>")
@login_required
def uud_answer(ask_id: int) -> Any:
    viewer, dbs = _viewer(), db_session()
    ask = dbs.scalars(select(UudAsk).where(
        UudAsk.id == ask_id, UudAsk.organisation_id == viewer.organisation_id)).first()
    if ask is None:
        abort(404)
    if ask.teacher_id != viewer.person_id or ask.answered_at is not None:
        abort(403)
    try:
        scores = {int(k[5:]): float(v.replace(",", ".")) for k, v in request.form.items()
                  if k.startswith("item-") and v.strip()}
        uud.answer(dbs, ask, scores)
    except ValueError as err:
        dbs.rollback()
        flash(_("Оценка не сохранена: %(m)s", m=i18n.refusal(err) if isinstance(
            err, rules.Refusal) else _("укажите числа.")), "error")
    else:
        dbs.commit()
        flash(_("Экспертная оценка сохранена."))
    return redirect(app_url("portfolio.uud_asks"), code=303)


@bp.get("/uud/school")
@login_required
def uud_school() -> Any:
    viewer, dbs = _viewer(), db_session()
    if not viewer.has("admin"):
        abort(403)
    summary = uud.school_summary(dbs, viewer.organisation_id)
    names = people_q.people_by_ids(dbs, {s for s, *_ in summary.flagged})
    return render_template("portfolio/uud_school.html", summary=summary, names=names,
                           items={i.id: i for i in uud.items(dbs, viewer.organisation_id)},
                           cfg=uud.config(dbs, viewer.organisation_id), groups=rules.UUD_GROUPS)
