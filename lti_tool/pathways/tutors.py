"""The school admin's tutor page: who tutors which class and which student, assigning and
taking back, and the latest changes with who made them. Thin: ``tutoring`` decides access,
validates and writes; a refusal answers 403 (not the admin) or 404 (not of this school)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request

from lti_tool.core.viewer import TUTOR_ROLES, app_url, login_required
from lti_tool.db import db_session
from lti_tool.pathways import access, tutoring
from lti_tool.pathways.views import _viewer, bp
from lti_tool.people import services as people


def _refuse_unless_admin() -> None:
    if not access.can_manage_offer(_viewer()):
        abort(403)


@bp.get("/tutors")
@login_required
def tutors_page() -> Any:
    _refuse_unless_admin()
    viewer, dbs = _viewer(), db_session()
    org = viewer.organisation_id
    return render_template(
        "pathways/tutors.html", held=tutoring.assignments(dbs, org),
        teachers=[p for p, _org in people.staff_of(dbs, [org], TUTOR_ROLES)],
        students=people.students_of(dbs, org), classes=people.classes_of(dbs, org),
        changes=tutoring.changes(dbs, org), labels=tutoring.LABELS)


def _assign(use_case: Any, done: str, again: str) -> Any:
    dbs = db_session()
    try:
        made = use_case(dbs, _viewer(), request.form.to_dict())
    except tutoring.Forbidden:
        dbs.rollback()
        abort(403)
    except tutoring.Invalid as exc:
        dbs.rollback()
        for line in exc.lines():
            flash(line, "error")
        return redirect(app_url("pathways.tutors_page"), code=303)
    dbs.commit()
    flash(done if made else again)
    return redirect(app_url("pathways.tutors_page"), code=303)


@bp.post("/tutors")
@login_required
def assign_tutor() -> Any:
    return _assign(tutoring.assign_to_class, "Тьютор класса назначен.",
                   "Этот учитель уже тьютор этого класса.")


@bp.post("/tutors/student")
@login_required
def assign_student_tutor() -> Any:
    return _assign(tutoring.assign_to_student, "Тьютор ученика назначен.",
                   "Этот учитель уже тьютор этого ученика.")


@bp.post("/tutors/<int:aid>/remove")
@login_required
def unassign_tutor(aid: int) -> Any:
    _refuse_unless_admin()
    dbs = db_session()
    try:
        held = tutoring.unassign(dbs, _viewer(), aid)
    except tutoring.Forbidden:
        dbs.rollback()
        abort(404)
    dbs.commit()
    flash(f"{held.tutor} больше не тьютор: {held.whom}.")
    return redirect(app_url("pathways.tutors_page"), code=303)
