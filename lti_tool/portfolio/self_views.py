"""A teacher's self-assessment against the professional standard «Педагог» and the ICT
competence map (seed 001), the development plan generated from its gaps, and the dynamics
by year. The teacher's own page; the school admin reads it. On the portfolio blueprint."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from lti_tool.core.audit import audit
from lti_tool.core.viewer import app_url, login_required
from lti_tool.db import db_session, utcnow
from lti_tool.people import queries as people_q
from lti_tool.portfolio import access, rules, services
from lti_tool.portfolio.models import SelfAssessment
from lti_tool.portfolio.views import _person, _viewer, bp


def _history(dbs: Any, org_id: int, teacher_id: int) -> list[SelfAssessment]:
    return list(dbs.scalars(select(SelfAssessment).where(
        SelfAssessment.organisation_id == org_id, SelfAssessment.teacher_id == teacher_id)
        .order_by(SelfAssessment.year)))


@bp.get("/self/<person_id>")
@login_required
def self_assessment(person_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    teacher = _person(person_id, viewer)
    own = teacher.id == viewer.person_id
    if not (own and viewer.has("teacher", "admin")) and not (
            viewer.has("admin") and access.in_school(dbs, viewer, teacher)):
        abort(403)
    year = services.school_year(date.today())
    history = _history(dbs, viewer.organisation_id, teacher.id)
    current = next((h.answers for h in history if h.year == year), {})
    return render_template(
        "portfolio/self.html", teacher=teacher, own=own, year=year, current=current,
        plan=rules.development_plan(current) if current else [],
        dynamics=[(h.year, rules.group_means(h.answers)) for h in history],
        groups=list(dict.fromkeys(g for _k, g, _t, _r in rules.SELF_ITEMS)))


@bp.post("/self")
@login_required
def self_save() -> Any:
    viewer, dbs = _viewer(), db_session()
    if not viewer.has("teacher", "admin"):
        abort(403)
    me = people_q.the_person(dbs, viewer.person_id)
    answers: dict[str, int] = {}
    for key, *_rest in rules.SELF_ITEMS:
        value = request.form.get(key, "")
        if not value.isdigit() or int(value) not in rules.SELF_SCALE:
            flash(_("Самооценка: отметьте уровень по каждой компетенции."), "error")
            return redirect(app_url("portfolio.self_assessment", person_id=me.public_id),
                            code=303)
        answers[key] = int(value)
    year = services.school_year(date.today())
    row = dbs.scalars(select(SelfAssessment).where(
        SelfAssessment.organisation_id == viewer.organisation_id,
        SelfAssessment.teacher_id == me.id, SelfAssessment.year == year)).first()
    if row is None:
        row = SelfAssessment(organisation_id=viewer.organisation_id, teacher_id=me.id,
                             year=year)
        dbs.add(row)
    row.answers, row.updated_at = answers, utcnow()
    audit(dbs, me.id, viewer.organisation_id, "portfolio.self_assessment", "person",
          me.public_id, year=year)
    dbs.commit()
    flash(_("Самооценка сохранена; план развития обновлён."))
    return redirect(app_url("portfolio.self_assessment", person_id=me.public_id), code=303)
