"""The tutor's class at a glance, the school admin's offer (XLSX in and out) and tutors.

``class_rows`` computes every row with a few set-wise queries (routes, people, one journal
GROUP BY); the page only draws them, so the bench can compare the two.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file
from marshmallow import Schema, ValidationError, fields, validate
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.core.viewer import TUTOR_ROLES, Viewer, app_url, login_required
from lti_tool.db import db_session
from lti_tool.pathways import access, network, offer, progress, services, terms
from lti_tool.pathways.editions import PROFILES
from lti_tool.pathways.lifecycle import STATES
from lti_tool.pathways.models import Route, SchoolOffer
from lti_tool.pathways.views import _settings, _viewer, bp
from lti_tool.people import queries as people
from lti_tool.web import form_errors


@dataclass
class Row:
    student: str
    route: str | None  # public id
    state: str
    profile: str
    violations: int
    alerts: list[str] = field(default_factory=list)
    average: float | None = None
    #: network courses in the plan with no place asked for or held: (title, host, state)
    network: list[tuple[str, str, str]] = field(default_factory=list)


def visible_students(session: Session, viewer: Viewer) -> tuple[list[int], bool]:
    """Whose routes the viewer's dashboard lists, and whether they may act (tutor/admin)."""
    if access.can_manage_offer(viewer):
        ids = session.scalars(select(Route.student_id).where(
            Route.organisation_id == viewer.organisation_id))
        return sorted(set(ids) | set(access.tutored_students(session, viewer))), True
    tutored = access.tutored_students(session, viewer)
    if tutored:
        return tutored, True
    if viewer.has("teacher"):
        return people.taught_pupils(session, viewer.person_id, viewer.organisation_id), False
    return [], False


def class_rows(session: Session, org_id: int, student_ids: list[int], settings: SchoolOffer,
               today: date) -> list[Row]:
    names = people.display_names(session, student_ids)
    routes: dict[int, Route] = {}
    for r in session.scalars(select(Route).where(
            Route.organisation_id == org_id, Route.student_id.in_(student_ids)
            ).order_by(Route.id)):
        routes[r.student_id] = r  # the latest
    held = progress.stored(session, org_id, list(routes))
    missing = [sid for sid in routes if sid not in held]
    if missing:  # first look at a route the job has not measured yet
        services.refresh_progress(session, org_id, missing, today)
        held.update(progress.stored(session, org_id, missing))
    unasked = network.unsettled(session, org_id, list(routes.values()))
    rows = []
    for sid in student_ids:
        route = routes.get(sid)
        p = held.get(sid) or {}
        rows.append(Row(
            names.get(sid, "—"), route.public_id if route else None,
            route.state if route else "", PROFILES.get(
                (route.data or {}).get("profile", ""), "") if route else "",
            len(services.verdict(session, route).violations) if route else 0,
            list(p.get("alerts") or []), p.get("average"), unasked.get(sid, [])))
    rows.sort(key=lambda r: (-len(r.alerts), r.student))
    return rows


def state_chart(rows: list[Row], width: int = 480) -> dict[str, Any]:
    counts = [(s, sum(1 for r in rows if r.state == s)) for s in STATES]
    counts.append(("", sum(1 for r in rows if not r.state)))
    top = max([c for _, c in counts] + [1])
    return {"width": width, "height": 16 + 24 * len(counts), "bars": [
        {"state": s, "count": c, "y": 8 + i * 24, "w": round((width - 220) * c / top, 1)}
        for i, (s, c) in enumerate(counts)]}


@bp.get("/class")
@login_required
def dashboard() -> Any:
    viewer, dbs = _viewer(), db_session()
    if viewer.has("student", "parent") and not viewer.has(*TUTOR_ROLES):
        # «Маршруты класса» sits in the LMS course for pupils too: theirs (or their
        # children's) is what they came for.
        return redirect(app_url("pathways.home"), code=303)
    ids, acting = visible_students(dbs, viewer)
    if not ids and not viewer.has(*TUTOR_ROLES):
        abort(403)
    rows = class_rows(dbs, viewer.organisation_id, ids, _settings(viewer.organisation_id),
                      date.today())
    dbs.commit()  # progress rows measured for the first time are kept
    return render_dashboard(rows, acting, access.can_manage_offer(viewer))


@bp.post("/class/refresh")
@login_required
def refresh() -> Any:
    """Measure the listed students against the journal now (the job does it every 30 min)."""
    viewer, dbs = _viewer(), db_session()
    ids, acting = visible_students(dbs, viewer)
    if not acting:
        abort(403)
    count = services.refresh_progress(dbs, viewer.organisation_id, ids, date.today())
    dbs.commit()
    flash(f"Показатели пересчитаны: учеников {count}.")
    return redirect(app_url("pathways.dashboard"), code=303)


def render_dashboard(rows: list[Row], acting: bool, admin: bool) -> str:
    return render_template("pathways/dashboard.html", rows=rows, acting=acting, admin=admin,
                           chart=state_chart(rows),
                           alerts=sum(len(r.alerts) for r in rows))


@bp.get("/class.xlsx")
@login_required
def export() -> Any:
    """Individual curricula of the listed students: one sheet, a row per course."""
    viewer, dbs = _viewer(), db_session()
    ids, _acting = visible_students(dbs, viewer)
    if not viewer.has(*TUTOR_ROLES):
        abort(403)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ИУП"
    sheet.append(("Ученик", "Состояние", "Профиль", "Курс", "Уровень", "10 кл., ч/нед",
                  "11 кл., ч/нед", "Вид", "Сетевой курс: школа", "Сетевой курс: заявка"))
    names = people.display_names(dbs, ids)
    routes = list(dbs.scalars(select(Route).where(
        Route.organisation_id == viewer.organisation_id, Route.student_id.in_(ids)
        ).order_by(Route.id)))
    for route in routes:
        plan = route.in_force or route.data
        held = network.states(dbs, route)  # the schools' decisions now, not stored
        for item in plan.get("items", []):
            state = held.get(str(item.get("network")), ("", ""))[0]
            sheet.append((names.get(route.student_id, ""), route.state,
                          PROFILES.get(plan.get("profile", ""), ""), item["course"],
                          "углублённый" if item["level"] == "advanced" else "базовый",
                          item["hours10"], item["hours11"], item["kind"],
                          item.get("host", ""), "" if item.get("kind") != "network" else
                          network.STATE_NAMES.get(state, state)))
    _progress_sheet(book, dbs, viewer.organisation_id, routes, names)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    return send_file(buf, download_name="individual-curricula.xlsx", as_attachment=True,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _progress_sheet(book: Workbook, dbs: Session, org_id: int, routes: list[Route],
                    names: dict[int, str]) -> None:
    """Plan against actual by period (the school's четверти or полугодия): a row per student,
    period and subject, read from the journal as the route page reads it."""
    settings = _settings(org_id)
    latest = {r.student_id: progress.Measured(r.start, r.in_force or r.data) for r in routes}
    measured = progress.for_students(dbs, org_id, latest, scheme=settings.term_scheme,
                                     margin=settings.mark_margin,
                                     absence_limit=settings.absence_limit, today=date.today())
    sheet = book.create_sheet("Успеваемость по периодам")
    sheet.append(("Ученик", "Период", "С", "По", "Предмет", "Цель", "Средний балл",
                  "Отметок", "Пропущено уроков"))
    for sid in sorted(measured, key=lambda k: names.get(k, "")):
        for term in measured[sid].terms:
            for line in term.lines:
                sheet.append((names.get(sid, ""), term.period.name, term.period.start,
                              term.period.end, line.name, line.target, line.average,
                              line.marks, line.absences))


def _admin() -> Viewer:
    viewer = _viewer()
    if not access.can_manage_offer(viewer):
        abort(403)
    return viewer


@bp.get("/offer")
@login_required
def offer_page() -> Any:
    viewer, dbs = _admin(), db_session()
    return render_template("pathways/offer.html",
                           courses=offer.courses(dbs, viewer.organisation_id),
                           settings=_settings(viewer.organisation_id), errors=[])


@bp.get("/offer/template.xlsx")
@login_required
def offer_template() -> Any:
    _admin()
    return send_file(io.BytesIO(offer.workbook(offer.default_rows())), as_attachment=True,
                     download_name="offer.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/offer")
@login_required
def offer_upload() -> Any:
    viewer, dbs = _admin(), db_session()
    upload = request.files.get("file")
    imported = offer.parse(upload.read() if upload else b"")
    if imported.errors:
        dbs.rollback()
        return render_template("pathways/offer.html", courses=offer.courses(
            dbs, viewer.organisation_id), settings=_settings(viewer.organisation_id),
            errors=imported.errors), 422
    offer.save(dbs, viewer.organisation_id, imported)
    audit(dbs, viewer.person_id, viewer.organisation_id, "offer.import", "pathway_offer",
          viewer.organisation_id, courses=len(imported.courses))
    dbs.commit()
    flash(f"Учебное предложение загружено: курсов {len(imported.courses)}.")
    return redirect(app_url("pathways.offer_page"), code=303)


class SettingsForm(Schema):
    week_days = fields.Integer(required=True, validate=validate.OneOf([5, 6]))
    term_scheme = fields.String(validate=validate.OneOf(list(terms.SCHEMES)))
    mark_margin = fields.Float(required=True, validate=validate.Range(min=0, max=3))
    absence_limit = fields.Integer(required=True, validate=validate.Range(min=0, max=500))


SETTING_LABELS = {"week_days": "Дней в неделе", "term_scheme": "Периоды",
                  "mark_margin": "Отставание от цели, балла",
                  "absence_limit": "Порог пропусков по предмету за период"}


@bp.post("/offer/settings")
@login_required
def offer_settings() -> Any:
    """The school's week and the limits past which a deviation becomes a tutor's alert."""
    viewer, dbs = _admin(), db_session()
    try:
        # a form without the periods (an older page) keeps what the school had chosen
        data = SettingsForm().load({k: (request.form.get(k) or "").replace(",", ".")
                                    for k in SETTING_LABELS
                                    if k != "term_scheme" or k in request.form})
    except ValidationError as err:
        for line in form_errors.lines(err, SETTING_LABELS):
            flash(line, "error")
        return redirect(app_url("pathways.offer_page"), code=303)
    offer_row = dbs.scalars(select(SchoolOffer).where(
        SchoolOffer.organisation_id == viewer.organisation_id)).first()
    if offer_row is None:
        offer_row = SchoolOffer(organisation_id=viewer.organisation_id, profiles=[], groups={},
                                questions=[])
        dbs.add(offer_row)
    for key, value in data.items():
        setattr(offer_row, key, value)
    audit(dbs, viewer.person_id, viewer.organisation_id, "offer.settings",
                 "pathway_offer", viewer.organisation_id, **data)
    services.refresh_progress(dbs, viewer.organisation_id, None, date.today())
    dbs.commit()
    flash("Настройки сохранены, показатели пересчитаны.")
    return redirect(app_url("pathways.offer_page"), code=303)
