"""The lesson technological-map builder (seed 002's «Конструктор урока»): the teacher picks
planned results and УУД from the school's reference lists, fills the stages, and publishes
the map into their Вебфолио («Методики и технологии»), where it is moderated like any item.
On the portfolio blueprint."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _

from lti_tool.core.viewer import app_url, login_required
from lti_tool.db import db_session
from lti_tool.people import queries as people_q
from lti_tool.portfolio import rules, services, uud
from lti_tool.portfolio.models import LessonMap
from lti_tool.portfolio.views import _viewer, bp, store


@bp.route("/lesson-map", methods=["GET", "POST"])
@login_required
def lesson_map() -> Any:
    viewer, dbs = _viewer(), db_session()
    if not viewer.has("teacher", "admin"):
        abort(403)
    framework = uud.items(dbs, viewer.organisation_id)
    if request.method == "GET":
        dbs.commit()  # the УУД framework's defaults on first use
        return render_template("portfolio/lesson_map.html", framework=framework,
                               form={}, errors=[])
    form = request.form
    allowed_results = {r for group in rules.PLANNED_RESULTS.values() for r in group}
    allowed_uud = {i.title for i in framework}
    data: dict[str, Any] = {
        "subject": form.get("subject", "").strip()[:100],
        "grade": form.get("grade", "").strip()[:20],
        "topic": form.get("topic", "").strip()[:300],
        "lesson_type": form.get("lesson_type", ""),
        "goal": form.get("goal", "").strip()[:1000],
        "results": [r for r in form.getlist("results") if r in allowed_results],
        "uud": [u for u in form.getlist("uud") if u in allowed_uud],
        "stages": [{"name": name, "teacher": form.get(f"teacher-{n}", "").strip()[:1000],
                    "students": form.get(f"students-{n}", "").strip()[:1000]}
                   for n, name in enumerate(rules.MAP_STAGES)],
    }
    errors = []
    if len(data["topic"]) < 3 or not data["subject"]:
        errors.append(_("Тема и предмет: укажите их."))
    if data["lesson_type"] not in rules.LESSON_TYPES:
        errors.append(_("Тип урока: выберите из списка."))
    if not data["results"] or not data["uud"]:
        errors.append(_("Выберите хотя бы один планируемый результат и одно УУД."))
    if errors:
        return render_template("portfolio/lesson_map.html", framework=framework, form=form,
                               errors=errors), 422
    me = people_q.the_person(dbs, viewer.person_id)
    item = services.add_achievement(dbs, store(), actor_id=me.id, org_id=viewer.organisation_id,
                                    owner=me, kind=rules.TEACHER, data={
                                        "section": "methods",
                                        "title": f"Технологическая карта урока: {data['topic']}",
                                        "level": "school", "result": "participant",
                                        "achieved_on": date.today(),
                                        "description": rules.lesson_map_text(data)})
    dbs.add(LessonMap(organisation_id=viewer.organisation_id, teacher_id=me.id, data=data,
                      achievement_id=item.id))
    dbs.commit()
    flash(_("Технологическая карта опубликована в портфолио."))
    return redirect(app_url("portfolio.item", item_id=item.public_id), code=303)
