"""Moodle Web Services REST client: one method per WS function we use, errors as ports' errors.

Moodle reports most failures as ``{"exception", "errorcode", "message"}`` with HTTP 200, so
every answer is inspected, not just the status. The token travels in the POST body, never
in the URL, so neither access logs nor urllib3's debug log ever see it; ``repr`` hides it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import requests

from adapters.base import AuthFailed, MalformedResponse, RemoteError, RemoteUnavailable
from adapters.moodle import phpform

log = logging.getLogger(__name__)

ENDPOINT = "/webservice/rest/server.php"

# errorcode → AuthFailed.reason: the token or the site refuses us, a person must act
# (or wait, for maintenance).
AUTH_ERRORS = {
    "invalidtoken": "wrong_credentials",
    "invalidtimedtoken": "expired",
    "accessexception": "forbidden",
    "servicerequireslogin": "forbidden",
    "sitemaintenance": "maintenance",
    "usernotfullysetup": "forbidden",
}


class MoodleError(RemoteError):
    """Moodle answered with an exception that is not about access (bad parameter, missing
    record...). ``errorcode`` is Moodle's; ``message`` is Moodle's text for the admin."""

    def __init__(self, message: str, *, errorcode: str, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.errorcode = errorcode


class MoodleClient:
    """Thin REST client; ``max_input_vars`` is the server's PHP limit, callers chunk by it."""

    def __init__(self, base_url: str, token: str, *, timeout: float | tuple[float, float] = (
            5.0, 30.0), page_size: int = 200, max_input_vars: int = 1000,
            session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.page_size = page_size
        self.max_input_vars = max_input_vars
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "Marshrut-Moodle-adapter/1")

    def __repr__(self) -> str:
        return f"MoodleClient({self.base_url!r}, token=***)"

    def close(self) -> None:
        self.session.close()

    # --- transport ------------------------------------------------------------------------

    def call(self, function: str, params: dict[str, Any] | None = None) -> Any:
        """Call one WS function; returns the decoded JSON or raises a RemoteError."""
        if not self._token:  # checked here, not in __init__: the run records the failure
            raise AuthFailed("Не задан токен веб-службы Moodle", reason="wrong_credentials")
        body = [("wstoken", self._token), *phpform.encode(params or {})]
        url = f"{self.base_url}{ENDPOINT}"
        query = {"wsfunction": function, "moodlewsrestformat": "json"}
        try:
            response = self.session.post(url, params=query, data=body, timeout=self.timeout)
        except requests.Timeout as exc:
            raise RemoteUnavailable(f"Moodle не ответил вовремя ({function})") from exc
        except requests.RequestException as exc:
            raise RemoteUnavailable(
                f"Нет соединения с Moodle ({function}): {type(exc).__name__}") from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise RemoteUnavailable(f"Moodle вернул HTTP {status} ({function})", status=status)
        if status in (401, 403):
            raise AuthFailed(f"Moodle отказал в доступе (HTTP {status})", reason="forbidden",
                             status=status)
        if status != 200:
            raise RemoteError(f"Moodle вернул HTTP {status} ({function}): это точно адрес "
                              "сайта Moodle с включёнными веб-службами?", status=status)
        try:
            payload = response.json()
        except (json.JSONDecodeError, ValueError) as exc:
            raise MalformedResponse(f"Moodle вернул не JSON ({function})", status=status) from exc
        if isinstance(payload, dict) and ("exception" in payload or "errorcode" in payload):
            raise _error(payload, function)
        log.debug("moodle call", extra={"function": function, "vars": len(body)})
        return payload

    # --- WS functions ---------------------------------------------------------------------

    def site_info(self) -> dict[str, Any]:
        return _expect(self.call("core_webservice_get_site_info"), dict, "site info")

    def courses(self) -> list[dict[str, Any]]:
        return _expect(self.call("core_course_get_courses"), list, "courses")

    def enrolled_users(self, course_id: int) -> Iterator[dict[str, Any]]:
        """Users actively enrolled in a course, ``page_size`` at a time (``limitfrom`` /
        ``limitnumber``); suspended enrolments (pupils who left) are not asked for."""
        offset = 0
        while True:
            page = _expect(self.call("core_enrol_get_enrolled_users", {
                "courseid": course_id,
                "options": [{"name": "onlyactive", "value": 1},
                            {"name": "limitfrom", "value": offset},
                            {"name": "limitnumber", "value": self.page_size}]}),
                list, "enrolled users")
            yield from page
            if len(page) < self.page_size:
                return
            offset += len(page)

    def grade_items(self, course_id: int, user_id: int = 0) -> list[dict[str, Any]]:
        """``usergrades`` of a course (every user when ``user_id`` is 0)."""
        params: dict[str, Any] = {"courseid": course_id}
        if user_id:
            params["userid"] = user_id
        answer = _expect(self.call("gradereport_user_get_grade_items", params), dict,
                         "grade items")
        return _expect(answer.get("usergrades"), list, "usergrades")

    def assignments(self, course_ids: list[int]) -> list[dict[str, Any]]:
        """``mod_assign_get_assignments``: the courses with their assignments (due dates).

        ``includenotenrolledcourses=1``: without it Moodle serves only courses the calling
        user is *enrolled* in, and a WS service account is enrolled nowhere — every course
        came back as warning 2 and due dates fell back to the course start."""
        answer = _expect(self.call("mod_assign_get_assignments", {
            "courseids": course_ids, "includenotenrolledcourses": 1}), dict, "assignments")
        return _expect(answer.get("courses"), list, "assignment courses")

    def course_module(self, cmid: int) -> dict[str, Any]:
        answer = _expect(self.call("core_course_get_course_module", {"cmid": cmid}), dict,
                         "course module")
        return _expect(answer.get("cm"), dict, "cm")

    def update_grades(self, course_id: int, cmid: int, grades: list[dict[str, Any]], *,
                      component: str = "mod_assign", itemnumber: int = 0,
                      source: str = "marshrut") -> int:
        """One ``core_grades_update_grades`` call; returns Moodle's GRADE_UPDATE_* code.

        The caller keeps the form under ``max_input_vars`` (see :func:`update_vars`)."""
        answer = self.call("core_grades_update_grades", {
            "source": source, "courseid": course_id, "component": component,
            "activityid": cmid, "itemnumber": itemnumber, "grades": grades})
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise MalformedResponse("core_grades_update_grades вернул не код результата")
        return answer


UPDATE_FIXED_VARS = 6  # wstoken, source, courseid, component, activityid, itemnumber


def update_vars(grade: dict[str, Any]) -> int:
    """Form variables one grade adds to a ``core_grades_update_grades`` request."""
    return len(phpform.encode({"g": [grade]}))


def _error(payload: dict[str, Any], function: str) -> RemoteError:
    code = str(payload.get("errorcode") or "")
    message = str(payload.get("message") or payload.get("exception") or "ошибка Moodle")
    if code in AUTH_ERRORS:
        return AuthFailed(f"Moodle: {message}", reason=AUTH_ERRORS[code])
    return MoodleError(f"Moodle ({function}): {message}", errorcode=code)


def _expect(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind):
        raise MalformedResponse(f"Moodle вернул неожиданный ответ: {what}")
    return value
