"""The sandbox's WSGI app: Moodle's REST server.php with the shapes and quirks of a real one.

Like PHP, it keeps only the first ``max_input_vars`` POST variables and silently drops the
rest; like Moodle, it answers exceptions with HTTP 200 and ``{exception, errorcode, message}``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request, Response

from adapters.moodle import phpform
from adapters.moodle.sandbox.state import SITE_COURSE_ID, Grade, MoodleState

GRADE_UPDATE_OK, GRADE_UPDATE_FAILED, GRADE_UPDATE_MULTIPLE, GRADE_UPDATE_ITEM_LOCKED = 0, 1, 2, 4


class WSException(Exception):
    def __init__(self, exception: str, errorcode: str, message: str) -> None:
        super().__init__(message)
        self.payload = {"exception": exception, "errorcode": errorcode, "message": message}


def _invalid(message: str = "Invalid parameter value detected") -> WSException:
    return WSException("invalid_parameter_exception", "invalidparameter", message)


def _missing(table: str) -> WSException:
    return WSException("dml_missing_record_exception", "invalidrecord",
                       f"Can't find data record in database table {table}.")


def _int(params: dict[str, Any], name: str, default: int | None = None) -> int:
    raw = params.get(name)
    if raw is None:
        if default is None:
            raise _invalid(f"Invalid parameter value detected ({name} => Missing required key "
                           f"in single structure: {name})")
        return default
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise _invalid(f"Invalid parameter value detected ({name} => Invalid parameter "
                       f"value detected)") from exc


def site_info(state: MoodleState, params: dict[str, Any], user: int) -> Any:
    return {"sitename": state.sitename, "username": "marshrut-ws", "firstname": "Маршрут",
            "lastname": "Синхронизация", "fullname": "Маршрут Синхронизация", "lang": "ru",
            "userid": 2, "siteurl": params["_siteurl"], "release": state.release,
            "version": "2023100903", "functions": [{"name": n, "version": "2023100903"}
                                                   for n in sorted(FUNCTIONS)],
            "downloadfiles": 0, "uploadfiles": 0, "mobilecssurl": ""}


def courses(state: MoodleState, params: dict[str, Any], user: int) -> Any:
    return [{"id": c.id, "shortname": c.shortname, "fullname": c.fullname,
             "displayname": c.fullname, "categoryid": c.categoryid, "idnumber": "",
             "summary": "", "summaryformat": 1, "format": c.format, "startdate": c.startdate,
             "enddate": 0, "visible": 1, "showgrades": 1, "lang": "", "timecreated": 0}
            for c in sorted(state.courses.values(), key=lambda c: c.id)]


def enrolled_users(state: MoodleState, params: dict[str, Any], user: int) -> Any:
    course_id = _int(params, "courseid")
    if course_id not in state.courses:
        raise _missing("course")
    options = {o.get("name"): o.get("value") for o in phpform.as_list(params.get("options"))
               if isinstance(o, dict)}
    start = int(options.get("limitfrom") or 0)
    limit = int(options.get("limitnumber") or 0)
    people = state.course_users(course_id)
    if str(options.get("onlyactive") or "0") == "1":
        people = [u for u in people if (course_id, u.id) not in state.suspended]
    page = people[start:start + limit] if limit else people[start:]
    course = state.courses[course_id]
    out = []
    for u in page:
        shortname = state.roles[(course_id, u.id)]
        item: dict[str, Any] = {
            "id": u.id, "username": u.username, "firstname": u.firstname,
            "lastname": u.lastname, "fullname": f"{u.firstname} {u.lastname}",
            "email": u.email, "department": "", "firstaccess": 0, "lastaccess": 0,
            "groups": [], "roles": [{"roleid": 5 if shortname == "student" else 3,
                                     "name": "", "shortname": shortname, "sortorder": 0}],
            "enrolledcourses": [{"id": course.id, "fullname": course.fullname,
                                 "shortname": course.shortname}]}
        if u.middlename:
            item["middlename"] = u.middlename
        out.append(item)
    return out


def grade_items(state: MoodleState, params: dict[str, Any], user: int) -> Any:
    course_id = _int(params, "courseid")
    only = _int(params, "userid", 0)
    if course_id not in state.courses or course_id == SITE_COURSE_ID:
        raise _missing("course")
    students = [u for u in state.course_users(course_id)
                if state.roles[(course_id, u.id)] == "student" and (not only or u.id == only)]
    activities = sorted(state.course_activities(course_id), key=lambda a: a.cmid)
    usergrades = []
    for u in students:
        items = []
        for a in activities:
            g = state.grades.get((a.cmid, u.id))
            raw = g.value if g else None
            items.append({
                "id": a.itemid, "itemname": a.name, "itemtype": "mod", "itemmodule": a.modname,
                "iteminstance": a.instance, "itemnumber": 0, "idnumber": "", "categoryid": 1,
                "outcomeid": None, "scaleid": None, "locked": a.cmid in state.locked,
                "cmid": a.cmid, "weightraw": 1, "graderaw": raw,
                "gradedatesubmitted": None, "gradedategraded": g.dategraded if g else None,
                "gradehiddenbydate": False, "gradeneedsupdate": False, "gradeishidden": False,
                "gradeislocked": a.cmid in state.locked, "gradeisoverridden": False,
                "gradeformatted": "-" if raw is None else f"{raw:.2f}".replace(".", ","),
                "grademin": a.grademin, "grademax": a.grademax,
                "rangeformatted": f"{a.grademin:.0f}–{a.grademax:.0f}",
                "feedback": g.feedback if g else "", "feedbackformat": 1})
        items.append({"id": 9000 + course_id, "itemname": None, "itemtype": "course",
                      "itemmodule": None, "iteminstance": course_id, "itemnumber": None,
                      "cmid": None, "graderaw": None, "grademin": 0, "grademax": 100,
                      "gradedategraded": None, "feedback": "", "locked": False})
        usergrades.append({"courseid": course_id, "courseidnumber": "", "userid": u.id,
                           "userfullname": f"{u.firstname} {u.lastname}", "useridnumber": "",
                           "maxdepth": 2, "gradeitems": items})
    return {"usergrades": usergrades, "warnings": []}


def assignments(state: MoodleState, params: dict[str, Any], user: int) -> Any:
    """As Moodle's ``mod_assign_get_assignments``: without ``includenotenrolledcourses=1``
    only courses the calling user is *enrolled* in are served (an empty ``courseids`` means
    all of them); others get warning 2. A WS service account is enrolled nowhere."""
    wanted = [int(c) for c in phpform.as_list(params.get("courseids"))]
    every = str(params.get("includenotenrolledcourses") or "0") in ("1", "true")
    mine = {c for (c, u) in state.roles if u == user}
    out, warnings = [], []
    if not wanted:
        chosen = sorted(mine)
    elif every:
        chosen = wanted
    else:
        chosen = [c for c in wanted if c in mine]
        warnings += [{"item": "course", "itemid": c, "warningcode": "2",
                      "message": "User is not enrolled or does not have requested capability"}
                     for c in wanted if c not in mine]
    for course_id in chosen:
        course = state.courses.get(course_id)
        if course is None:
            warnings.append({"item": "course", "itemid": course_id, "warningcode": "1",
                             "message": "No access rights in course context"})
            continue
        out.append({"id": course.id, "fullname": course.fullname,
                    "shortname": course.shortname, "timemodified": 0,
                    "assignments": [{"id": a.instance, "cmid": a.cmid, "course": a.course,
                                     "name": a.name, "duedate": a.duedate,
                                     "allowsubmissionsfromdate": 0, "grade": int(a.grademax),
                                     "nosubmissions": 0, "timemodified": 0}
                                    for a in state.course_activities(course_id)
                                    if a.modname == "assign"]})
    return {"courses": out, "warnings": warnings}


def course_module(state: MoodleState, params: dict[str, Any], user: int) -> Any:
    a = state.activities.get(_int(params, "cmid"))
    if a is None:
        raise _missing("course_modules")
    return {"cm": {"id": a.cmid, "course": a.course, "module": 1, "name": a.name,
                   "modname": a.modname, "instance": a.instance, "section": 1,
                   "visible": 1, "grade": a.grademax}, "warnings": []}


def update_grades(state: MoodleState, params: dict[str, Any], user: int) -> Any:
    course_id = _int(params, "courseid")
    a = state.activities.get(_int(params, "activityid"))
    if a is None or a.course != course_id or params.get("component") != f"mod_{a.modname}":
        raise _invalid("Invalid parameter value detected (activityid => no such activity)")
    if state.force_update_code is not None:
        return state.force_update_code
    if a.cmid in state.multiple:
        return GRADE_UPDATE_MULTIPLE
    if a.cmid in state.locked:
        return GRADE_UPDATE_ITEM_LOCKED
    entries = [g if isinstance(g, dict) else {} for g in phpform.as_list(params.get("grades"))]
    if any("grade" not in g for g in entries):
        # PARAM_FLOAT, VALUE_REQUIRED in core_grades_update_grades' parameters
        raise _invalid("Invalid parameter value detected (grades => Invalid parameter value "
                       "detected (Missing required key in single structure: grade))")
    failed = False
    now = int(time.time())
    for g in entries:
        student = int(g.get("studentid", 0))
        if student in state.failing_students or student not in state.users:
            failed = True
            continue
        old = state.grades.get((a.cmid, student))
        # Moodle validates ``str_feedback`` and then drops it: the grade structure it hands
        # to grade_update() holds only userid and rawgrade (grade/externallib.php).
        state.grades[(a.cmid, student)] = Grade(
            float(g["grade"]) if g["grade"] not in (None, "") else None,
            old.feedback if old else "", now)
    return GRADE_UPDATE_FAILED if failed else GRADE_UPDATE_OK


Handler = Callable[[MoodleState, dict[str, Any], int], Any]
FUNCTIONS: dict[str, Handler] = {
    "core_webservice_get_site_info": site_info,
    "core_course_get_courses": courses,
    "core_enrol_get_enrolled_users": enrolled_users,
    "gradereport_user_get_grade_items": grade_items,
    "mod_assign_get_assignments": assignments,
    "core_course_get_course_module": course_module,
    "core_grades_update_grades": update_grades,
}


def create_app(state: MoodleState | None = None) -> Callable[..., Any]:
    """A WSGI app serving ``/webservice/rest/server.php``; ``app.state`` is the live state."""
    from adapters.moodle.sandbox.state import seeded

    current = state if state is not None else seeded()

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        if request.path != "/webservice/rest/server.php":
            return Response("Not found", status=404)
        if current.slow_seconds:
            time.sleep(current.slow_seconds)
        if current.fail_status:
            return Response("<h1>Service unavailable</h1>", status=current.fail_status)
        query = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
        body = parse_qsl(request.get_data(as_text=True), keep_blank_values=True)
        # PHP: max_input_vars applies to $_GET and $_POST separately; the excess is dropped.
        params = {**phpform.decode(query[:current.max_input_vars]),
                  **phpform.decode(body[:current.max_input_vars])}
        function = str(params.get("wsfunction", ""))
        with current.lock:
            current.calls.append((function, min(len(body), current.max_input_vars), len(body)))
        if current.malformed:
            return Response('{"sitename": "Moodle", ', content_type="application/json")
        try:
            result = _dispatch(current, function, params, request.host_url.rstrip("/"))
        except WSException as exc:
            result = exc.payload
        return Response(json.dumps(result, ensure_ascii=False),
                        content_type="application/json; charset=utf-8")

    app.state = current  # type: ignore[attr-defined]
    return app  # type: ignore[no-any-return]


def _dispatch(state: MoodleState, function: str, params: dict[str, Any], site: str) -> Any:
    if state.maintenance:
        raise WSException("moodle_exception", "sitemaintenance",
                          "Сайт находится на техническом обслуживании и сейчас недоступен")
    token = params.get("wstoken")
    if not isinstance(token, str) or token not in state.tokens:
        raise WSException("moodle_exception", "invalidtoken",
                          "Неверный токен - токен не найден")
    handler = FUNCTIONS.get(function)
    if handler is None:
        raise _missing("external_functions")
    allowed = state.tokens[token]
    if allowed is not None and function not in allowed:
        raise WSException("webservice_access_exception", "accessexception",
                          "Исключение контроля доступа")
    params["_siteurl"] = site
    with state.lock:
        return handler(state, params, 2)
