"""Pages after launch: the home page by role and the class overview (a Deep Linking target)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from pylti1p3.exception import LtiServiceException
from requests import RequestException
from sqlalchemy import bindparam, select

from adapters.base import RemoteError
from lti_tool.core.access import load_or_404
from lti_tool.core.audit import audit
from lti_tool.core.viewer import Viewer, app_url, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.jobs import jobs
from lti_tool.journal.queries import subject_totals, summaries
from lti_tool.lms_scores import services as lms_scores
from lti_tool.lms_scores.schemas import SCORE_MAXIMUM, ScoreForm
from lti_tool.lti import targets
from lti_tool.lti.connector import issuer_of
from lti_tool.lti.sessions import LmsContext, current_lms_context
from lti_tool.people import access
from lti_tool.people import services as people
from lti_tool.people.models import ClassEnrolment, ClassGroup, IdentityLink, Person
from lti_tool.people.roster import pull_roster
from lti_tool.web import form_errors, nav

bp = Blueprint("people", __name__, url_prefix="/app", template_folder="templates")

# No line item with the placement: the overview is not an activity graded once per student.
# A teacher's score from it goes to a column found or created when the first score is sent
# (``lms_scores.enqueue_score``), so a placement nobody grades adds no empty 0–5 column.
targets.register(targets.Target(
    key="class_overview", title=_l("Обзор класса"),
    description=_l("Список учеников курса с их отметками и баллами."),
    endpoint="people.home"))


def _class_overview_link(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    group = access.home_class(dbs, viewer)
    return None if group is None else ("people.class_overview", {"class_id": group.public_id})


def _my_page_link(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    # A teacher's or admin's home is their class overview (the view redirects there).
    return None if access.home_class(dbs, viewer) is not None else ("people.home", {})


nav.register("class_overview", nav.Entry(_l("Обзор класса"), _class_overview_link, order=10))
nav.register("my_page", nav.Entry(_l("Моя страница"), _my_page_link, order=20))


def _viewer() -> Viewer:
    viewer = current_viewer()
    assert viewer is not None
    return viewer


def _launch() -> LmsContext | None:
    """The LTI launch behind this request; None for a sign-in session (no LMS services)."""
    return current_lms_context()


def _services(launch: LmsContext | None) -> dict[str, Any]:
    return launch.services if launch is not None else {}


def _lms_launch() -> LmsContext:
    """Sending to the LMS (roster, scores) needs the launch that carries its services."""
    launch = _launch()
    if launch is None:
        abort(400, _("Это действие доступно только при входе из курса LMS."))
    return launch


@bp.get("/")
@login_required
def home() -> Any:
    viewer = _viewer()
    dbs = db_session()
    group = access.home_class(dbs, viewer)
    if group is not None:
        return redirect(app_url("people.class_overview", class_id=group.public_id))
    person = Person(**dbs.execute(_PERSON_BY_ID, {"id": viewer.person_id}).one()._mapping)
    scores = _scores_of(dbs, person, viewer.organisation_id)
    # Whose journal this viewer may read: themself, and a parent their own children only.
    readers = [person] + (access.children(dbs, person.id) if viewer.has("parent") else [])
    marks = summaries(dbs, viewer.organisation_id, [p.id for p in readers])
    journal = [(p, marks[p.id]) for p in readers if marks[p.id].subjects]
    # No launch named a class (a sign-in without the LMS): the teacher's classes to pick.
    classes = access.taught_classes(dbs, viewer) if viewer.class_id is None else []
    return render_template("people/home.html", person=person, viewer=viewer, scores=scores,
                           journal=journal, classes=classes)


# The first page after every launch: statements built once, values bound per request.
_PERSON_BY_ID = select(Person.__table__).where(Person.id == bindparam("id"))
_SUBS_OF = select(IdentityLink.external_id).where(
    IdentityLink.person_id == bindparam("person_id"), IdentityLink.source == "lti")


def _scores_of(dbs: Any, person: Person, org_id: int) -> list[Any]:
    subs = list(dbs.scalars(_SUBS_OF, {"person_id": person.id}))
    return lms_scores.recent_scores(dbs, org_id, subs)


SHOWN_MARKS = 10  # per pupil in the class overview's subject column


@bp.get("/class/<class_id>")
@login_required
def class_overview(class_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    group = load_or_404(dbs, ClassGroup, class_id, viewer, access.can_view_class)
    students = people.class_roster(dbs, group.id)
    subs = people.lms_subs(dbs, [s.id for s in students])
    scores = lms_scores.latest_scores(dbs, group.organisation_id, list(subs.values()))
    launch = _launch()
    ids = [s.id for s in students]
    # Averages of every subject, but the marks of the one subject shown: a class's year of
    # marks in 15 subjects is not read on each launch to show one column (issue 8's bench).
    totals = subject_totals(dbs, group.organisation_id, ids)
    subjects = sorted({subject for by in totals.values() for subject in by})
    subject = _chosen_subject(request.args.get("subject"), group, subjects)
    journal = summaries(dbs, group.organisation_id, ids, SHOWN_MARKS, subject=subject,
                        totals=totals) if subject else {}
    lines = {sid: {line.subject: line for line in summary.subjects}
             for sid, summary in journal.items()}
    return render_template(
        "people/class_overview.html", group=group, students=students, subs=subs,
        scores=scores, lines=lines, subjects=subjects, subject=subject,
        can_grade=access.can_grade_class(dbs, viewer, group)
        and "ags" in _services(launch), can_pull=access.can_grade_class(dbs, viewer, group)
        and "nrps" in _services(launch) and launch is not None and launch.class_id == group.id,
        score_maximum=SCORE_MAXIMUM)


def _chosen_subject(asked: str | None, group: ClassGroup, subjects: list[str]) -> str | None:
    """The subject asked for, else the course's own («Алгебра, 10 А» → Алгебра), else the
    first: one subject's marks per pupil, never every subject in one cell."""
    if asked in subjects:
        return asked
    title = (group.title or group.label or "").lower()
    own = [s for s in subjects if title.startswith(s.lower())]
    return max(own, key=len) if own else (subjects[0] if subjects else None)


@bp.post("/class/<class_id>/roster")
@login_required
def refresh_roster(class_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    group = load_or_404(dbs, ClassGroup, class_id, viewer, access.can_grade_class)
    launch = _lms_launch()
    if launch.class_id != group.id:
        abort(403)
    nrps = launch.services.get("nrps") or {}
    if not nrps.get("context_memberships_url"):
        abort(400, _("LMS не передала адрес списка участников (NRPS)."))
    try:
        report = pull_roster(dbs, group=group, deployment_pk=launch.deployment_pk,
                             memberships_url=nrps["context_memberships_url"],
                             issuer=issuer_of(dbs, launch.deployment_pk),
                             secret_key=current_app.config["SECRET_KEY"],
                             allow_private=current_app.config["MARSHRUT"].allow_private_urls)
    except (RemoteError, LtiServiceException, RequestException, KeyError, ValueError) as exc:
        dbs.rollback()
        current_app.logger.warning("NRPS pull failed: %s", exc)
        abort(502, _("LMS не отдала список участников курса; попробуйте позже."))
    audit(dbs, viewer.person_id, group.organisation_id, "roster.pull", "class_group",
                 group.public_id, fetched=report.fetched, added=report.added,
                 deactivated=report.deactivated)
    dbs.commit()
    flash(_("Список обновлён: получено %(f)s, добавлено %(a)s, выбыло %(d)s.",
            f=report.fetched, a=report.added, d=report.deactivated))
    return redirect(app_url("people.class_overview", class_id=group.public_id), code=303)


@bp.post("/class/<class_id>/scores")
@login_required
def post_score(class_id: str) -> Any:
    viewer, dbs = _viewer(), db_session()
    group = load_or_404(dbs, ClassGroup, class_id, viewer, access.can_grade_class)
    launch = _lms_launch()
    ags = launch.services.get("ags")
    if not ags or launch.class_id != group.id:
        abort(400, _("Запуск не разрешает выставлять баллы в журнал LMS (нет AGS)."))
    try:
        data = ScoreForm().load(request.form.to_dict())
    except ValidationError as err:
        for line in form_errors.lines(err, ScoreForm.labels, default=_("Форма")):
            flash(line, "error")
        return redirect(app_url("people.class_overview", class_id=group.public_id), code=303)
    student = dbs.scalars(select(Person).join(
        ClassEnrolment, ClassEnrolment.person_id == Person.id).where(
        Person.public_id == data["student"], ClassEnrolment.class_id == group.id,
        ClassEnrolment.role == "student", ClassEnrolment.active.is_(True))).first()
    if student is None:
        abort(403)
    sub = people.lms_subs(dbs, [student.id], issuer_of(dbs, launch.deployment_pk)).get(
        student.id)
    if sub is None:
        abort(400, _("Ученик не связан с учётной записью этой LMS."))
    row = lms_scores.enqueue_score(
        dbs, deployment_pk=launch.deployment_pk, organisation_id=group.organisation_id,
        ags=ags, actor_id=viewer.person_id, score=lms_scores.ScoreRequest(
            user_sub=sub, score_given=data["score"], score_maximum=SCORE_MAXIMUM,
            label=str(_("Маршрут: %(t)s", t=group.title or group.label)),
            resource_id=f"marshrut:{group.public_id}", comment=data["comment"]))
    audit(dbs, viewer.person_id, group.organisation_id, "score.enqueue", "person",
                 student.public_id, score=data["score"], outbox=row.id)
    dbs.commit()
    jobs().deliver_outbox()
    flash(_("Балл поставлен в очередь отправки в журнал LMS."))
    return redirect(app_url("people.class_overview", class_id=group.public_id), code=303)


@bp.post("/class/<class_id>/scores/retry")
@login_required
def retry_scores(class_id: str) -> Any:
    """Scores the LMS did not take for days are kept; the teacher sends them again."""
    viewer, dbs = _viewer(), db_session()
    group = load_or_404(dbs, ClassGroup, class_id, viewer, access.can_grade_class)
    students = [s.id for s in people.class_roster(dbs, group.id)]
    subs = people.every_lms_sub(dbs, students)
    count = lms_scores.retry_failed(dbs, group.organisation_id, user_subs=subs,
                                   actor_id=viewer.person_id)
    dbs.commit()
    if count:
        jobs().deliver_outbox()
    flash(_("Снова отправляются баллы: %(n)s.", n=count))
    return redirect(app_url("people.class_overview", class_id=group.public_id), code=303)
