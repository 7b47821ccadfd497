"""The /webapi/ WSGI app of the Сетевой город sandbox (plain werkzeug, no Flask app).

Routes are matched case-insensitively because real servers run on IIS/ASP.NET, and clients
rely on it (netschoolapi for Node posts ``/auth/getData``). Faults from :class:`State` are
applied around every /webapi/ call; /sandbox/... is the control API tests and the demo use.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import date
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from adapters.netschool.sandbox import payloads as P
from adapters.netschool.sandbox.data import DEMO_PASSWORD
from adapters.netschool.sandbox.state import Session, State

WARNING_PAGE = ('<html><head><title>Предупреждение безопасности</title></head><body>'
                '<form method="post" action="/asp/SecurityWarning.asp">'
                '<input type="hidden" name="WarnType" value="2">Ваш пароль не отвечает '
                'требованиям безопасности.<input type="submit" value="Продолжить"></form>'
                '</body></html>')

PUBLIC = {"logindata", "getdata", "prepareloginform", "loginform", "search", "login",
          "sysinfo", "expired", "warning", "logout"}

URLS = Map([
    Rule("/webapi/logindata", endpoint="logindata", methods=["GET"]),
    Rule("/webapi/auth/getdata", endpoint="getdata", methods=["POST"]),
    Rule("/webapi/prepareloginform", endpoint="prepareloginform", methods=["GET"]),
    Rule("/webapi/loginform", endpoint="loginform", methods=["GET"]),
    Rule("/webapi/schools/search", endpoint="search", methods=["GET"]),
    Rule("/webapi/login", endpoint="login", methods=["POST"]),
    Rule("/webapi/auth/login", endpoint="login", methods=["POST"]),
    Rule("/webapi/sysinfo", endpoint="sysinfo", methods=["GET"]),
    Rule("/webapi/context/expired", endpoint="expired", methods=["GET"]),
    Rule("/asp/securitywarning.asp", endpoint="warning", methods=["GET", "POST"]),
    Rule("/webapi/auth/logout", endpoint="logout", methods=["POST"]),
    Rule("/webapi/context", endpoint="context", methods=["GET"]),
    Rule("/webapi/years/current", endpoint="year", methods=["GET"]),
    Rule("/webapi/years", endpoint="years", methods=["GET"]),
    Rule("/webapi/student/diary/init", endpoint="diary_init", methods=["GET"]),
    Rule("/webapi/student/diary", endpoint="diary", methods=["GET"]),
    Rule("/webapi/student/diary/assigns/<int:aid>", endpoint="assign", methods=["GET"]),
    Rule("/webapi/student/diary/pastmandatory", endpoint="overdue", methods=["GET"]),
    Rule("/webapi/student/diary/get-attachments", endpoint="attachments", methods=["POST"]),
    Rule("/webapi/grade/assignment/types", endpoint="types", methods=["GET"]),
    Rule("/webapi/announcements", endpoint="announcements", methods=["GET"]),
    Rule("/webapi/schools/<int:school_id>/card", endpoint="card", methods=["GET"]),
    Rule("/webapi/mysettings", endpoint="mysettings", methods=["GET"]),
    Rule("/webapi/reports/studentgrades", endpoint="report", methods=["GET"]),
    Rule("/webapi/v2/reports/studentgrades/initfilters", endpoint="initfilters",
         methods=["POST"]),
    Rule("/sandbox/faults", endpoint="c_faults", methods=["GET", "POST", "DELETE"]),
    Rule("/sandbox/expire", endpoint="c_expire", methods=["POST"]),
    Rule("/sandbox/marks", endpoint="c_marks", methods=["POST", "DELETE"]),
    Rule("/sandbox/state", endpoint="c_state", methods=["GET"]),
    Rule("/sandbox/accounts", endpoint="c_accounts", methods=["GET"]),
])


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    content_type="application/json; charset=utf-8")


def _message(status: int, text: str) -> Response:
    return _json({"message": text}, status)


def _day(raw: str | None) -> date:
    if not raw:
        raise ValueError("date missing")
    return date.fromisoformat(raw.split("T")[0])


class SandboxApp:
    """WSGI callable; ``state`` is public so tests can flip faults from Python."""

    def __init__(self, state: State | None = None) -> None:
        self.state = state or State()
        self.today: date | None = None  # the server's "today"; None = the real one

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self.dispatch(request)(environ, start_response)

    def current_day(self) -> date:
        w = self.state.world
        today = self.today or date.today()
        return min(max(today, w.year_start), w.year_end)

    def dispatch(self, request: Request) -> Response:
        path = request.path.lower()
        st = self.state
        st.requests.append((request.method, path))
        try:
            endpoint, args = URLS.bind_to_environ(request.environ).match(path, request.method)
        except HTTPException as exc:
            return _message(exc.code or 404, "Страница не найдена")
        if not path.startswith("/webapi/") or endpoint == "warning":
            return self._call(endpoint, request, None, args)
        st.enter()
        try:
            return self._webapi(request, endpoint, path.removeprefix("/webapi/"), args)
        finally:
            st.leave()

    def _webapi(self, request: Request, endpoint: str, api_path: str,
                args: Mapping[str, Any]) -> Response:
        st = self.state
        if st.faults.delay and st.faults.applies(api_path):
            time.sleep(st.faults.delay)
        fault = st.take_fault(api_path)
        if fault == "error":
            return Response("<html><body><h1>Service Unavailable</h1></body></html>",
                            status=st.faults.error_status, content_type="text/html")
        session = None
        if endpoint not in PUBLIC:
            session = st.session(self._token(request))
            if session is None:
                return _message(401, "Сессия истекла или недействительна. Войдите заново.")
            if session.warned:
                return Response(WARNING_PAGE, content_type="text/html; charset=utf-8")
        response = self._call(endpoint, request, session, args)
        if fault == "malformed" and response.mimetype == "application/json":
            text = response.get_data()
            response.set_data(text[: max(1, len(text) // 2)])
        return response

    @staticmethod
    def _token(request: Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        bearer = auth[7:] if auth.lower().startswith("bearer ") else None
        return (request.headers.get("at") or bearer or request.args.get("at")
                or request.form.get("at"))

    def _call(self, endpoint: str, request: Request, session: Session | None,
              args: Mapping[str, Any]) -> Response:
        handler = getattr(self, f"_{endpoint}")
        try:
            result: Response = handler(request, session, **args)
        except (ValueError, KeyError) as exc:
            return _message(400, f"Неверный запрос: {exc}")
        except NotFound:
            return _message(404, "Не найдено")
        return result

    # --- login ------------------------------------------------------------------------------

    def _logindata(self, request: Request, session: None) -> Response:
        resp = _json(P.logindata())
        if "NSSESSIONID" not in request.cookies:
            resp.set_cookie("NSSESSIONID", str(time.monotonic_ns()), httponly=True)
        return resp

    def _getdata(self, request: Request, session: None) -> Response:
        ver = str(int(time.time()))
        lt, salt = self.state.new_salt(ver)
        return _json({"lt": lt, "ver": ver, "salt": salt})

    def _prepareloginform(self, request: Request, session: None) -> Response:
        schools = list(self.state.world.schools.values())
        first = schools[0]
        return _json({"cid": 2, "sid": 1, "pid": first.province_id, "cn": first.city_id,
                      "sft": 2, "scid": first.id, "hlevels": None, "ems": None,
                      "countries": [{"id": 2, "name": "Россия"}],
                      "states": [{"id": 1, "name": "Костромская обл"}],
                      "provinces": [{"id": first.province_id, "name": "Кострома"}],
                      "cities": [{"id": s.city_id, "name": s.city} for s in schools],
                      "funcs": [{"id": 2, "name": "Общеобразовательная"}],
                      "schools": [{"id": s.id, "name": s.short_name} for s in schools]})

    def _loginform(self, request: Request, session: None) -> Response:
        last = request.args.get("LASTNAME", "").lower()
        schools = self.state.world.schools.values()
        if last == "scid":
            items = [{"id": s.id, "name": s.short_name} for s in schools]
        elif last == "cn":
            items = [{"id": s.city_id, "name": s.city} for s in schools]
        else:
            items = []
        return _json({"items": items})

    def _search(self, request: Request, session: None) -> Response:
        name = (request.args.get("name") or "").strip().lower()
        if not name:
            return _message(403, "Укажите часть названия организации для поиска")
        found = [P.school_short(s) for s in self.state.world.schools.values()
                 if name in f"{s.short_name} ({s.city})".lower()]
        return _json(found)

    def _login(self, request: Request, session: None) -> Response:
        form = {k.lower(): v for k, v in request.form.items()}
        raw_school = form.get("scid") or form.get("schoolid") or "0"
        school_id = int(raw_school) if raw_school.isdigit() else 0
        new, message = self.state.check_login(school_id, form.get("un", ""),
                                              form.get("pw2", ""), form.get("pw", ""),
                                              form.get("lt", ""))
        if new is None:
            return _message(409, message)
        person = self.state.world.people[new.person_id]
        school = self.state.world.schools[school_id]
        entry = "/asp/SecurityWarning.asp" if new.warned else "/app/school/studentdiary/"
        return _json({
            "at": new.token, "accessToken": new.token, "refreshToken": None,
            "tokenType": "Bearer", "timeOut": int(new.lifetime * 1000), "code": None,
            "errorMessage": None, "entryPoint": entry,
            "requestData": {"warnType": "2"} if new.warned else {},
            "accountInfo": {"activeToken": None, "secureActiveToken": False,
                            "currentOrganization": {"id": school.id, "name": school.short_name},
                            "user": {"id": person.id, "name": person.name},
                            "userRoles": [{"id": 1, "name": P.ROLE_NAMES[person.role]}],
                            "organizations": [{"id": school.id, "name": school.short_name}]},
        })

    def _sysinfo(self, request: Request, session: None) -> Response:
        return Response(f"Id: sandbox-37\nВерсия системы: {P.VERSION}\nПродукт: {P.PRODUCT}\n",
                        content_type="text/plain; charset=utf-8")

    def _expired(self, request: Request, session: None) -> Response:
        return _json(self.state.session(request.args.get("token")) is None)

    def _warning(self, request: Request, session: None) -> Response:
        found = self.state.session(self._token(request))
        if found is None:
            return _message(401, "Сессия истекла")
        found.warned = False
        return Response("<html><body>OK</body></html>", content_type="text/html")

    def _logout(self, request: Request, session: None) -> Response:
        found = self.state.session(self._token(request))
        if found is None:
            return _message(401, "Сессия уже завершена")
        found.alive = False
        return Response(b"", status=200)

    # --- reads ------------------------------------------------------------------------------

    def _person(self, session: Session) -> Any:
        return self.state.world.people[session.person_id]

    def _context(self, request: Request, session: Session) -> Response:
        return _json(P.context(self.state, self._person(session), session.school_id))

    def _year(self, request: Request, session: Session) -> Response:
        return _json(P.year(self.state, session.school_id))

    def _years(self, request: Request, session: Session) -> Response:
        return _json([P.year(self.state, session.school_id)])

    def _diary_init(self, request: Request, session: Session) -> Response:
        students = self.state.students_for(session.person_id)
        return _json(P.diary_init(self.state, self._person(session), students,
                                  self.current_day()))

    def _student(self, request: Request, session: Session) -> int:
        sid = int(request.args.get("studentId", "0"))
        if sid not in self.state.students_for(session.person_id):
            raise PermissionError(sid)
        return sid

    def _diary(self, request: Request, session: Session) -> Response:
        try:
            sid = self._student(request, session)
        except PermissionError:
            return _message(403, "Нет доступа к дневнику этого ученика")
        start, end = _day(request.args.get("weekStart")), _day(request.args.get("weekEnd"))
        if end < start or (end - start).days > 31:
            return _message(400, "Неверный период")
        return _json(P.diary(self.state, sid, start, end))

    def _overdue(self, request: Request, session: Session) -> Response:
        try:
            sid = self._student(request, session)
        except PermissionError:
            return _message(403, "Нет доступа к дневнику этого ученика")
        start, end = _day(request.args.get("weekStart")), _day(request.args.get("weekEnd"))
        body = P.diary(self.state, sid, start, end)
        return _json([a for d in body["weekDays"] for lesson in d["lessons"]
                      for a in lesson["assignments"] if (a["mark"] or {}).get("dutyMark")])

    def _attachments(self, request: Request, session: Session) -> Response:
        return _json([])

    def _assign(self, request: Request, session: Session, aid: int) -> Response:
        card = P.assignment_card(self.state, aid)
        return _json(card) if card else _message(404, "Задание не найдено")

    def _types(self, request: Request, session: Session) -> Response:
        return _json(P.assignment_types())

    def _announcements(self, request: Request, session: Session) -> Response:
        items = P.announcements(self.state, self.state.world.schools[session.school_id])
        take = int(request.args.get("take", "-1"))
        return _json(items if take < 0 else items[:take])

    def _card(self, request: Request, session: Session, school_id: int) -> Response:
        school = self.state.world.schools.get(school_id)
        return _json(P.school_card(school)) if school else _message(404, "Школа не найдена")

    def _mysettings(self, request: Request, session: Session) -> Response:
        return _json(P.mysettings(self.state, self._person(session)))

    def _report(self, request: Request, session: Session) -> Response:
        return _json(P.report_filters(self.state, self.state.students_for(session.person_id),
                                      self.current_day()))

    def _initfilters(self, request: Request, session: Session) -> Response:
        body = request.get_json(silent=True) or {}
        chosen = {s.get("filterId"): str(s.get("filterValue"))
                  for s in body.get("selectedData") or []}
        return _json(P.term_range(self.state, chosen.get("TERMID", "")))

    # --- control API ------------------------------------------------------------------------

    def _c_faults(self, request: Request, session: None) -> Response:
        if request.method == "DELETE":
            self.state.reset_faults()
        elif request.method == "POST":
            self.state.faults.update(request.get_json(force=True) or {})
        return _json(self.state.snapshot()["faults"])

    def _c_expire(self, request: Request, session: None) -> Response:
        return _json({"expired": self.state.expire_tokens()})

    def _c_marks(self, request: Request, session: None) -> Response:
        body = request.get_json(force=True) or {}
        aid, sid = int(body["assignmentId"]), int(body["studentId"])
        if request.method == "DELETE":
            self.state.set_mark(aid, sid, None)
        else:
            self.state.set_mark(aid, sid, {"mark": body.get("mark"),
                                           "dutyMark": bool(body.get("dutyMark", False))})
        return _json({"assignmentId": aid, "studentId": sid,
                      "mark": self.state.mark(aid, sid)})

    def _c_state(self, request: Request, session: None) -> Response:
        return _json(self.state.snapshot())

    def _c_accounts(self, request: Request, session: None) -> Response:
        w = self.state.world
        out = []
        for school in w.schools.values():
            parents = [p for p in w.children_of if w.people[p].school_id == school.id]
            multi = [p for p in parents if len(w.children_of[p]) > 1][:3]
            out.append({"schoolId": school.id, "school": school.short_name,
                        "admin": school.admin_login,
                        "parents": list(dict.fromkeys(w.people[p].login
                                                      for p in parents[:2] + multi)),
                        "students": [w.people[s].login for s in w.students_of(school.id)[:2]]})
        return _json({"password": DEMO_PASSWORD, "schools": out})
