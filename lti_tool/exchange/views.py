"""Network course pages: catalog, course, requests and decisions, a student's network
schedule. Thin: each view finds the thing, asks :mod:`.access`, calls :mod:`.services`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from lti_tool.core.viewer import Viewer, app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.exchange import access, course_form, gradebook, rules, services
from lti_tool.exchange.messages import rule_message
from lti_tool.exchange.models import NetworkCourse
from lti_tool.exchange.partners import partner_ids
from lti_tool.exchange.schemas import (
    FORMAT_LABELS,
    LABELS,
    LEVEL_LABELS,
    WEEKDAY_NAMES,
    DecisionSchema,
    schedule_text,
)
from lti_tool.lti import targets
from lti_tool.lti.sessions import current_launch
from lti_tool.web import form_errors, nav

bp = Blueprint("exchange", __name__, url_prefix="/app/exchange", template_folder="templates")


def _exchange_link(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    """Network courses: for a school that has partners (the catalog decides the rest)."""
    if not viewer.has("student", "teacher", "admin"):
        return None
    return ("exchange.catalog", {}) if partner_ids(dbs, viewer.organisation_id) else None


nav.register("exchange", nav.Entry(_l("Сетевые курсы"), _exchange_link, order=40))

targets.register(targets.Target(
    key="network_catalog", title=_l("Сетевые курсы"),
    description=_l("Каталог курсов школ-партнёров: заявки, группы и расписание."),
    endpoint="exchange.catalog"))


def _placeable() -> list[tuple[str, str]]:
    """Courses the picking teacher's school hosts, and partners' courses its students attend
    (placed at home, the course's final marks reach that LMS's gradebook)."""
    viewer = current_viewer()
    if viewer is None or not viewer.has("teacher", "admin"):
        return []
    dbs = db_session()
    return [(c.public_id, c.title) for c in (
        *services.hosted_courses(dbs, viewer.organisation_id),
        *gradebook.attended_courses(dbs, viewer.organisation_id))]


targets.register(targets.Target(
    key="network_course", title=_l("Сетевой курс"),
    description=_l("Страница курса для сетевой группы: расписание, состав, школа ученика."),
    endpoint="exchange.placed_course", choices=_placeable))


@bp.record_once
def _globals(state: Any) -> None:
    state.app.jinja_env.filters["exchange_state"] = state_label


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"labels": LABELS, "level_labels": LEVEL_LABELS, "format_labels": FORMAT_LABELS,
            "weekday_names": WEEKDAY_NAMES, "schedule_text": schedule_text,
            "state_label": state_label}


STATE_LABELS = {"requested": _l("ждёт решения школ"), "home_approved": _l("одобрена своей школой"),
                "host_approved": _l("одобрена школой-партнёром"), "enrolled": _l("зачислен"),
                "refused": _l("отказ"), "withdrawn": _l("отозвана")}


def state_label(code: str) -> str:
    return str(STATE_LABELS.get(code, code))


def _viewer() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    return viewer


def _course_or_404(public_id: str, viewer: Viewer) -> NetworkCourse:
    """Another network's course does not exist for this viewer (404, not 403)."""
    course = services.course_by_public_id(db_session(), public_id)
    if course is None or not access.can_view_course(db_session(), viewer, course):
        abort(404)
    return course


@bp.get("/")
@login_required
def catalog() -> Any:
    viewer, dbs = _viewer(), db_session()
    filters = services.Filters(**{k: request.args.get(k, "")[:200] for k in (
        "q", "subject", "level", "format", "host")})
    entries = services.catalog(dbs, viewer.organisation_id, filters)
    mine = services.student_requests(dbs, viewer.person_id, viewer.organisation_id) \
        if viewer.has("student") else []
    return render_template(
        "exchange/catalog.html", entries=entries, filters=filters, mine=mine,
        facets=services.facets(dbs, viewer.organisation_id),
        can_add=access.can_manage_course(viewer, org_id=viewer.organisation_id),
        is_admin=viewer.has("admin"),
        schedule=services.student_schedule(dbs, viewer.person_id, viewer.organisation_id)
        if viewer.has("student") else [])


@bp.get("/placed")
@login_required
def placed_course() -> Any:
    """A network course placed in an LMS by Deep Linking: the launch's target names it.
    The student's home school comes from their enrolment, found through the person the
    launch's identity link resolved to; nobody is matched by name."""
    viewer, dbs, launch = _viewer(), db_session(), current_launch()
    if launch is None:  # placed in a course: reached only through its LTI launch
        abort(404)
    course = _course_or_404(targets.argument(launch.target), viewer)
    if gradebook.after_launch(dbs, course, launch.organisation_id, launch.deployment_pk,
                              launch.services or {}, viewer.person_id):
        dbs.commit()  # the home school's LMS keeps this course's marks: final marks go there
    home = services.home_school_of(dbs, viewer.person_id, course) \
        if viewer.has("student") else None
    if viewer.has("student") and home is None and not access.is_host(viewer, course):
        # A partner school's pupil not on the course (it sits in their LMS course all the
        # same): its page, where they may ask for a place, rather than a bare refusal.
        flash(_("Ты пока не в группе этого сетевого курса: подать заявку можно здесь."))
        return redirect(app_url("exchange.course", public_id=course.public_id), code=303)
    return course_page(course, viewer, home_name=home or "",
                       unidentified=viewer.has("student") and home is None)


@bp.get("/courses/new")
@login_required
def new_course() -> Any:
    if not access.can_manage_course(_viewer(), org_id=_viewer().organisation_id):
        abort(403)
    return course_form.render(None, _viewer().organisation_id)


@bp.post("/courses/new")
@login_required
def create_course() -> Any:
    viewer, dbs = _viewer(), db_session()
    if not access.can_manage_course(viewer, org_id=viewer.organisation_id):
        abort(403)
    try:
        data = course_form.load(viewer.organisation_id)
    except ValidationError as exc:
        return course_form.render(None, viewer.organisation_id, request.form.to_dict(),
                                  exc.normalized_messages(), 422)
    course = services.create_course(dbs, viewer.organisation_id, data, viewer.person_id)
    dbs.commit()
    flash(_("Курс «%(t)s» добавлен в каталог.", t=course.title))
    return redirect(app_url("exchange.course", public_id=course.public_id), 303)


@bp.post("/courses/import")
@login_required
def import_cartridge() -> Any:
    """A partner's Common Cartridge becomes a draft course of this school."""
    from lti_tool.exchange import cartridge_import

    viewer, dbs = _viewer(), db_session()
    if not access.can_manage_course(viewer, org_id=viewer.organisation_id):
        abort(403)
    upload = request.files.get("file")
    data = upload.read(cartridge_import.MAX_BYTES + 1) if upload is not None else b""
    try:
        course = cartridge_import.import_course(dbs, viewer.organisation_id, data,
                                                viewer.person_id)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return redirect(app_url("exchange.new_course"), 303)
    dbs.commit()
    flash(_("Курс «%(t)s» импортирован как черновик: укажите предмет, расписание и места, "
            "затем опубликуйте.", t=course.title))
    return redirect(app_url("exchange.edit_course", public_id=course.public_id), 303)


@bp.get("/courses/<public_id>/edit")
@login_required
def edit_course(public_id: str) -> Any:
    viewer = _viewer()
    course = _course_or_404(public_id, viewer)
    if not access.can_manage_course(viewer, course):
        abort(403)
    return course_form.render(course, course.host_org_id)


@bp.post("/courses/<public_id>/edit")
@login_required
def update_course(public_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    course = _course_or_404(public_id, viewer)
    if not access.can_manage_course(viewer, course):
        abort(403)
    try:
        data = course_form.load(course.host_org_id)
    except ValidationError as exc:
        return course_form.render(course, course.host_org_id, request.form.to_dict(),
                                  exc.normalized_messages(), 422)
    services.update_course(dbs, course, data, viewer.person_id)
    dbs.commit()
    flash(_("Курс сохранён."))
    return redirect(app_url("exchange.course", public_id=course.public_id), 303)


@bp.get("/courses/<public_id>")
@login_required
def course(public_id: str) -> Any:
    viewer = _viewer()
    return course_page(_course_or_404(public_id, viewer), viewer)


def course_page(course: NetworkCourse, viewer: Viewer, home_name: str = "",
                unidentified: bool = False) -> Any:
    dbs = db_session()
    enrolled = services.enrolled_counts(dbs, [course.id]).get(course.id, 0)
    members = services.group_members(dbs, course.id) if access.can_teach(viewer, course) \
        else []  # the group (and its journal) is the host's teaching business
    mine = [r for r in services.student_requests(dbs, viewer.person_id, viewer.organisation_id)
            if r.course.id == course.id] if viewer.has("student") else []
    return render_template(
        "exchange/course.html", course=course, enrolled=enrolled, members=members, mine=mine,
        host_name=services.organisation_name(dbs, course.host_org_id),
        can_request=access.can_request(dbs, viewer, course),
        can_manage=access.can_manage_course(viewer, course), home_name=home_name,
        unidentified=unidentified, **_labels())  # also rendered from the LTI launch view


@bp.route("/courses/<public_id>/journal", methods=["GET", "POST"])
@login_required
def journal(public_id: str) -> Any:
    """The network teacher's journal page for the group, a month at a time."""
    from datetime import date, datetime

    from lti_tool.exchange import teacher_journal

    viewer, dbs = _viewer(), db_session()
    course = _course_or_404(public_id, viewer)
    if not access.can_teach(viewer, course):
        abort(403)
    period = (request.values.get("period") or rules.period_of(date.today()))[:7]
    try:
        rules.month_bounds(period)
    except rules.RuleError:
        abort(404)
    if request.method == "POST":
        values = {}
        for name, text in request.form.items():
            if name.startswith("c-"):
                _c, student, day = name.split("-", 2)
                values[(int(student), datetime.strptime(day, "%Y%m%d").date())] = text
        try:
            teacher_journal.save(dbs, course, period, values, viewer.person_id)
        except rules.RuleError as exc:
            dbs.rollback()
            flash(_("Отметка «%(v)s» за %(d)s не подходит: нужна цифра 1–5 или код пропуска "
                    "(Н, Б, УП, ОП, НП).", v=exc.params.get("value"), d=exc.params.get("day")),
                  "error")
        else:
            dbs.commit()
            flash(_("Журнал сохранён."))
        return redirect(app_url("exchange.journal", public_id=public_id, period=period), 303)
    first, _last = rules.month_bounds(period)
    prev = rules.period_of(first - timedelta(days=1))
    following = rules.period_of(_last + timedelta(days=1))
    return render_template("exchange/journal.html", course=course,
                           grid=teacher_journal.grid(dbs, course, period), prev=prev,
                           following=following)


@bp.get("/courses/<public_id>/cartridge.imscc")
@login_required
def cartridge(public_id: str) -> Any:
    """The course as a Common Cartridge 1.1 for Moodle's course import (host coordinator)."""
    import io

    from flask import current_app, send_file

    from lti_tool.exchange import cartridge as cc

    viewer, dbs = _viewer(), db_session()
    course = _course_or_404(public_id, viewer)
    if not access.can_manage_course(viewer, course):
        abort(403)
    data = cc.export(course, current_app.config["MARSHRUT"].base_url,
                     services.organisation_name(dbs, course.host_org_id))
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"network-course-{course.public_id}.imscc")


@bp.post("/courses/<public_id>/request")
@login_required
def request_course(public_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    course = _course_or_404(public_id, viewer)
    if not access.can_request(dbs, viewer, course):
        abort(403)
    try:
        services.request_course(dbs, course, viewer.person_id, viewer.organisation_id,
                                request.form.get("note", ""))
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return redirect(app_url("exchange.course", public_id=public_id), 303)
    dbs.commit()
    flash(_("Заявка отправлена. Её рассмотрят твоя школа и школа-партнёр."))
    return redirect(app_url("exchange.catalog"), 303)


@bp.get("/requests")
@login_required
def requests_page() -> Any:
    viewer, dbs = _viewer(), db_session()
    if not viewer.has("admin"):
        abort(403)
    rows = services.school_requests(dbs, viewer.organisation_id)
    return render_template("exchange/requests.html", rows=rows, viewer=viewer,
                           side_of=lambda r: access.decision_side(viewer, r.request, r.course))


@bp.post("/requests/<public_id>/decide")
@login_required
def decide(public_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    req = services.request_by_public_id(dbs, public_id)
    course = dbs.get(NetworkCourse, req.course_id) if req is not None else None
    if req is None or course is None or not access.can_view_request(dbs, viewer, req, course):
        abort(404)
    side = access.decision_side(viewer, req, course)
    if side is None:
        abort(403)
    try:
        form = DecisionSchema().load(request.form.to_dict())
        services.decide(dbs, req, course, side, form["action"], viewer.person_id,
                        form["reason"])
    except ValidationError as exc:
        dbs.rollback()
        flash(" ".join(form_errors.lines(exc, LABELS, sep=" ")), "error")
        return redirect(app_url("exchange.requests_page"), 303)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return redirect(app_url("exchange.requests_page"), 303)
    dbs.commit()
    flash(_("Решение сохранено: %(s)s.", s=state_label(req.state)))
    return redirect(app_url("exchange.requests_page"), 303)


@bp.post("/requests/<public_id>/withdraw")
@login_required
def withdraw(public_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    req = services.request_by_public_id(dbs, public_id)
    course = dbs.get(NetworkCourse, req.course_id) if req is not None else None
    if req is None or course is None or not access.can_view_request(dbs, viewer, req, course):
        abort(404)
    if not access.can_withdraw(viewer, req):
        abort(403)
    try:
        services.withdraw(dbs, req, viewer.person_id)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return redirect(app_url("exchange.catalog"), 303)
    dbs.commit()
    flash(_("Заявка отозвана."))
    return redirect(app_url("exchange.catalog"), 303)
