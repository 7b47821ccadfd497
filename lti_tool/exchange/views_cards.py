"""Report card pages: the host generates and signs off a term's cards; the home school
records the delivered final marks; a student sees their own. Thin, as the other views."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from lti_tool.core.viewer import Viewer, app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.exchange import access, cards, gradebook, rules, services
from lti_tool.exchange.messages import rule_message
from lti_tool.exchange.models import NetworkCourse
from lti_tool.exchange.schemas import LABELS, CorrectionSchema, TermSchema
from lti_tool.jobs import jobs
from lti_tool.people import queries as people_q
from lti_tool.web import form_errors

bp = Blueprint("exchange_cards", __name__, url_prefix="/app/exchange/cards",
               template_folder="templates")
CARD_STATES = {"draft": _l("черновик"), "signed": _l("подписан"),
               "delivered": _l("передан в школу ученика"), "recorded": _l("внесён в журнал")}
PUSH_STATES = {"pending": _l("в очереди"), "sending": _l("отправляется"),
               "sent": _l("в журнале LMS"), "failed": _l("не доставлена"),
               "superseded": _l("заменена исправлением"), "outbox": _l("в очереди")}
CHANNELS = {"ags": _l("LMS (LTI AGS)"), "moodle": _l("Moodle")}
PUSH_ERRORS = {"no_lms_account": _l("ученик ни разу не входил из LMS школы: нет его id в LMS"),
               "no_moodle_account": _l("ученик не найден в Moodle школы (синхронизация не "
                                       "связала его)"),
               "moodle_gone": _l("подключение к Moodle удалено или выключено")}


def _viewer() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    return viewer


def _back() -> Any:
    return redirect(app_url("exchange_cards.index"), 303)


def _chosen_cards(dbs: Any, viewer: Viewer, fits: Any) -> list[int]:
    """The home school's cards ticked in the form that this viewer may record and that
    ``fits``; 404 when none (another school's ids look the same as made-up ones)."""
    wanted = set(request.form.getlist("card"))
    ids = [r.card.id for r in cards.cards_for(dbs, viewer.organisation_id)
           if r.card.public_id in wanted and fits(r.card)
           and access.can_record_card(viewer, r.card)]
    if not ids:
        abort(404)
    return ids


def _course(dbs: Any, viewer: Viewer, allowed: Any) -> Any:
    """The form's network course: 404 unless the viewer's school may see it (a course is
    shared across the network, so not core.access.load_or_404), 403 unless ``allowed``."""
    course = services.course_by_public_id(dbs, request.form.get("course", ""))
    if course is None or not access.can_view_course(dbs, viewer, course):
        abort(404)
    if not allowed(course):
        abort(403)
    return course


@bp.get("/")
@login_required
def index() -> Any:
    viewer, dbs = _viewer(), db_session()
    if viewer.has("admin"):
        rows = cards.cards_for(dbs, viewer.organisation_id)
    elif viewer.has("teacher"):
        # the network teacher: the cards of the groups they teach, to correct a final mark
        rows = [r for r in cards.cards_for(dbs, viewer.organisation_id)
                if access.can_correct_card(viewer, r.course)]
    elif viewer.has("student"):
        rows = cards.cards_for(dbs, viewer.organisation_id, viewer.person_id)
    else:
        abort(403)
    courses = list(dbs.scalars(select(NetworkCourse).where(
        NetworkCourse.host_org_id == viewer.organisation_id).order_by(NetworkCourse.title))) \
        if viewer.has("admin") else []
    home = [r for r in rows if r.card.home_org_id == viewer.organisation_id] \
        if viewer.has("admin") else []
    attended = {r.course.id: r.course for r in home}
    links = {cid: gradebook.link_of(dbs, cid, viewer.organisation_id) for cid in attended}
    return render_template(
        "exchange/cards.html", rows=rows, courses=courses, viewer=viewer, states=CARD_STATES,
        labels=LABELS, push_states=PUSH_STATES, channels=CHANNELS, push_errors=PUSH_ERRORS,
        pushes=gradebook.views_for(dbs, viewer.organisation_id, [r.card.id for r in home]),
        routes=gradebook.channels_for(dbs, viewer.organisation_id, list(attended)),
        attended=list(attended.values()), links=links,
        moodles=gradebook.moodle_connections(dbs, viewer.organisation_id) if home else [])


def _deliver() -> None:
    """Send now what was queued (the periodic jobs pick up anything this misses)."""
    jobs().deliver_outbox()
    jobs().deliver_mark_pushes()


@bp.post("/generate")
@login_required
def generate() -> Any:
    viewer, dbs = _viewer(), db_session()
    course = _course(dbs, viewer, lambda c: access.can_sign_card(viewer, c))
    try:
        form = TermSchema().load(request.form.to_dict())
    except ValidationError as exc:
        flash(" ".join(form_errors.lines(exc, LABELS, sep=" ")), "error")
        return _back()
    made = cards.generate(dbs, course, form["term_id"], form["start"], form["end"],
                          viewer.person_id)
    dbs.commit()
    flash(_("Табели подготовлены: %(n)s.", n=made))
    return _back()


@bp.post("/sign")
@login_required
def sign() -> Any:
    viewer, dbs = _viewer(), db_session()
    course = _course(dbs, viewer, lambda c: access.can_sign_card(viewer, c))
    signed = cards.sign_and_deliver(dbs, course, request.form.get("term_id", "")[:40],
                                    viewer.person_id)
    dbs.commit()
    flash(_("Подписано и передано: %(n)s.", n=signed))
    return _back()


@bp.post("/record")
@login_required
def record() -> Any:
    viewer, dbs = _viewer(), db_session()
    if not viewer.has("admin"):
        abort(403)
    ids = _chosen_cards(dbs, viewer, lambda card: card.state == rules.CARD_DELIVERED)
    try:
        done = cards.record(dbs, viewer.organisation_id, ids, viewer.person_id)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return _back()
    dbs.commit()
    _deliver()
    flash(_("Итоговые отметки внесены в журнал: %(n)s.", n=done))
    return _back()


@bp.post("/resend")
@login_required
def resend() -> Any:
    """The home coordinator sends again the marks its LMS did not take in the tries."""
    viewer, dbs = _viewer(), db_session()
    if not viewer.has("admin"):
        abort(403)
    ids = _chosen_cards(dbs, viewer, lambda card: True)
    count = gradebook.resend(dbs, viewer.organisation_id, ids, viewer.person_id)
    dbs.commit()
    if count:
        _deliver()
    flash(_("Снова отправляются отметки: %(n)s.", n=count))
    return _back()


@bp.post("/correct")
@login_required
def correct() -> Any:
    """The host's network teacher or coordinator corrects a final mark; a recorded one goes
    to the home school's journal and LMS gradebook as the next version."""
    viewer, dbs = _viewer(), db_session()
    card = cards.card_by_public_id(dbs, request.form.get("card", "")[:24])
    course = dbs.get(NetworkCourse, card.course_id) if card is not None else None
    if card is None or course is None or not access.can_view_card(viewer, card, course):
        abort(404)
    if not access.can_correct_card(viewer, course):
        abort(403)
    try:
        form = CorrectionSchema().load(request.form.to_dict())
    except ValidationError as exc:
        flash(" ".join(form_errors.lines(exc, LABELS, sep=" ")), "error")
        return _back()
    changed = cards.correct(dbs, card, course, form["mark"], viewer.person_id)
    dbs.commit()
    if changed:
        _deliver()
    flash(_("Отметка исправлена.") if changed else _("Отметка та же: ничего не изменилось."))
    return _back()


@bp.post("/gradebook")
@login_required
def link_gradebook() -> Any:
    """The home coordinator names the Moodle activity that takes the course's final marks."""
    viewer, dbs = _viewer(), db_session()
    course = _course(dbs, viewer, lambda c: access.can_link_gradebook(dbs, viewer, c))
    try:
        gradebook.set_moodle(dbs, course, viewer.organisation_id,
                             request.form.get("connection", "")[:24],
                             request.form.get("activity", "")[:40], viewer.person_id)
    except rules.RuleError as exc:
        dbs.rollback()
        flash(rule_message(exc), "error")
        return _back()
    dbs.commit()
    _deliver()
    flash(_("Журнал Moodle для курса сохранён."))
    return _back()


# The home timetable (clash checks) lives here too: a coordinator's page of the same size.
@bp.route("/timetable", methods=["GET", "POST"])
@login_required
def timetable() -> Any:
    from lti_tool.exchange import timetable as home_timetable

    viewer, dbs = _viewer(), db_session()
    if not viewer.has("admin"):
        abort(403)
    if request.method == "POST":
        try:
            if request.form.get("remove"):
                if not home_timetable.remove(dbs, viewer.organisation_id,
                                             int(request.form["remove"]), viewer.person_id):
                    abort(404)
            else:
                home_timetable.add(dbs, viewer.organisation_id, request.form.get("class", ""),
                                   int(request.form.get("weekday") or 0),
                                   request.form.get("start", ""), request.form.get("end", ""),
                                   request.form.get("subject", ""), viewer.person_id)
        except (rules.RuleError, ValueError):
            dbs.rollback()
            flash(_("Урок не добавлен: выберите класс, день и время «ЧЧ:ММ», конец позже "
                    "начала."), "error")
        else:
            dbs.commit()
            flash(_("Расписание сохранено."))
        return redirect(app_url("exchange_cards.timetable"), 303)
    return render_template("exchange/timetable.html",
                           slots=home_timetable.slots(dbs, viewer.organisation_id),
                           classes=people_q.classes_by_label(dbs, viewer.organisation_id),
                           labels=LABELS)
