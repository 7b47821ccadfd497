"""The network course form: what it shows and what it accepts, including the host's class
whose journal holds the course's marks (one of the host school's own classes, read through
``lti_tool.people.services``; any other is refused naming the field)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from lti_tool.db import db_session
from lti_tool.exchange.models import NetworkCourse
from lti_tool.exchange.schemas import CourseSchema, schedule_text
from lti_tool.people import services as people


def _classes(host_org_id: int) -> list[Any]:
    return people.classes_of(db_session(), host_org_id)


def load(host_org_id: int) -> dict[str, Any]:
    """The posted form, validated (``ValidationError`` with Russian messages per field)."""
    classes = {g.public_id: g.id for g in _classes(host_org_id)}
    return CourseSchema(classes=classes).load(request.form.to_dict())


def render(course: NetworkCourse | None, host_org_id: int,
           form: dict[str, Any] | None = None, errors: dict[str, Any] | None = None,
           status: int = 200) -> Any:
    classes = _classes(host_org_id)
    shown = form or ({} if course is None else {
        **{k: getattr(course, k) for k in CourseSchema().fields
           if k not in ("schedule", "host_class")},
        "schedule": schedule_text(course.schedule),
        "host_class": next((g.public_id for g in classes if g.id == course.host_class_id),
                           "")})
    return render_template("exchange/course_form.html", course=course, form=shown,
                           classes=classes, errors=errors or {}), status
