"""A blocking client of the «Сетевой город. Образование» /webapi/ on ``requests``.

Written by hand: the public clients (netschoolpy, netschoolapi) are asyncio/httpx or
Node, pin old dependencies and raise their own errors; the sync engine needs a small
thread-safe client that speaks the ports' errors. They were the reference for the protocol:

- login: ``GET logindata`` (session cookie) → ``POST auth/getdata`` (``lt``, ``ver``,
  ``salt``) → ``POST login`` with ``pw2 = md5(salt + md5hex(password in cp1251))`` and
  ``pw = pw2[:len(password)]``; the answer's ``at`` goes into the ``at`` header;
- 409 on login carries a Russian ``message``: a wrong password, a lockout after failed tries
  or maintenance — told apart by its words, as netschoolpy does;
- 401 means the token expired: log in again ONCE and repeat; a second 401 fails cleanly;
- some servers put a SecurityWarning page (``/asp/SecurityWarning.asp``) between login and
  the API: it is acknowledged with ``WarnType`` and the request repeated once.

Passwords and tokens are never logged or put into an error message.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from datetime import date
from typing import Any

import requests

from adapters.base import AuthFailed, MalformedResponse, RemoteError, RemoteUnavailable

log = logging.getLogger("marshrut.adapters.netschool")

_LOCK_WORDS = ("неудачные попытки", "неудачных попыт", "следующая попытка", "не ранее чем",
               "заблокир", "блокировк", "слишком много", "попыток не осталось", "locked")
_MAINTENANCE_WORDS = ("техническ", "профилактическ", "maintenance", "обновлени")


def password_hashes(password: str, salt: str) -> tuple[str, str]:
    """(pw, pw2) of the login form; the password itself never leaves the machine."""
    inner = hashlib.md5(password.encode("cp1251")).hexdigest()  # noqa: S324 - the protocol
    pw2 = hashlib.md5((salt + inner).encode()).hexdigest()  # noqa: S324
    return pw2[: len(password)], pw2


def login_refusal(message: str, status: int = 409) -> AuthFailed:
    """AuthFailed for a 409 on login, its reason read from the server's words."""
    low = message.lower()
    if any(w in low for w in _LOCK_WORDS):
        reason = "locked"
    elif any(w in low for w in _MAINTENANCE_WORDS):
        reason = "maintenance"
    else:
        reason = "wrong_credentials"
    return AuthFailed(message or "Сервер отказал во входе", reason=reason, status=status)


class NetSchoolClient:
    """One account's session; safe to share between the engine's fetch threads."""

    def __init__(self, base_url: str, login: str, password: str, school: str | int, *,
                 timeout: float | tuple[float, float] = (5.0, 30.0),
                 user_agent: str = "Marshrut/0.1 (+LTI tool)") -> None:
        self.base_url = base_url.rstrip("/")
        self.api = f"{self.base_url}/webapi/"
        self._login, self._password, self._school = login, password, school
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers.update({"User-Agent": user_agent, "Referer": self.base_url,
                                  "Accept": "application/json"})
        # Read the proxy / CA settings of the environment once, not on every request:
        # requests re-scans os.environ per call, a fifth of the client's time on a year of
        # diaries (bench/sync.py). Same behaviour, HTTP(S)_PROXY and REQUESTS_CA_BUNDLE kept.
        self.http.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            self.http.verify = bundle
        self.http.trust_env = False
        self.school_id: int | None = int(school) if str(school).isdigit() else None
        self._token: str | None = None
        self._lock = threading.Lock()
        self._refused: AuthFailed | None = None
        self.logins = 0

    def __repr__(self) -> str:  # no password, no token
        return f"<NetSchoolClient {self.base_url} login={self._login!r}>"

    # --- transport --------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kw: Any) -> requests.Response:
        url = path if path.startswith("http") else self.api + path.lstrip("/")
        try:
            resp = self.http.request(method, url, timeout=self.timeout, **kw)
        except requests.Timeout as exc:
            raise RemoteUnavailable(f"Сетевой город не ответил вовремя ({path})") from exc
        except requests.RequestException as exc:
            raise RemoteUnavailable(
                f"Сетевой город недоступен ({path}): {type(exc).__name__}") from exc
        log.debug("netschool %s %s -> %s", method, path, resp.status_code)
        if resp.status_code >= 500 or resp.status_code == 429:
            raise RemoteUnavailable(f"Сетевой город ответил {resp.status_code} ({path})",
                                    status=resp.status_code)
        return resp

    @staticmethod
    def _message(resp: requests.Response) -> str:
        try:
            body = resp.json()
        except ValueError:
            return ""
        if isinstance(body, dict):
            return str(body.get("message") or body.get("errorMessage") or "")
        return ""

    @staticmethod
    def _json(resp: requests.Response, path: str) -> Any:
        try:
            return resp.json()
        except ValueError as exc:
            raise MalformedResponse(f"Сетевой город прислал не JSON ({path})",
                                    status=resp.status_code) from exc

    @staticmethod
    def _is_warning(resp: requests.Response) -> bool:
        return ("text/html" in resp.headers.get("Content-Type", "")
                and "SecurityWarning.asp" in resp.text)

    # --- login ------------------------------------------------------------------------------

    def login(self) -> None:
        """Full login; raises AuthFailed (wrong_credentials | locked | maintenance).

        A wrong password or a lockout is remembered: the engine's worker threads must not
        each try again, since three failed tries lock the school's account for everyone.
        """
        if self._refused is not None:
            raise self._refused
        try:
            self._do_login()
        except AuthFailed as exc:
            if exc.reason in ("wrong_credentials", "locked"):
                self._refused = exc
            raise

    def _do_login(self) -> None:
        self._send("GET", "logindata")
        school_id = self.school_id or self._find_school()
        meta = self._json(self._send("POST", "auth/getdata"), "auth/getdata")
        if not isinstance(meta, dict) or not all(meta.get(k) for k in ("lt", "ver", "salt")):
            raise MalformedResponse("auth/getdata: нет lt, ver или salt")
        pw, pw2 = password_hashes(self._password, str(meta["salt"]))
        form = {"LoginType": 1, "scid": school_id, "un": self._login, "pw": pw, "pw2": pw2,
                "lt": meta["lt"], "ver": meta["ver"]}
        resp = self._send("POST", "login", data=form)
        if resp.status_code == 409:
            raise login_refusal(self._message(resp))
        if resp.status_code != 200:
            raise AuthFailed(self._message(resp) or f"Вход: сервер ответил {resp.status_code}",
                             reason="forbidden", status=resp.status_code)
        body = self._json(resp, "login")
        token = body.get("at") if isinstance(body, dict) else None
        if not token:
            text = body.get("errorMessage") or body.get("message") if isinstance(body, dict) else ""
            raise login_refusal(str(text or "Сервер не выдал токен"), status=200)
        self._token = str(token)
        self.http.headers["at"] = self._token
        self.logins += 1
        if "SecurityWarning" in str(body.get("entryPoint") or ""):
            warn = (body.get("requestData") or {}).get("warnType") or 2
            self._acknowledge(warn)
        log.info("netschool login ok", extra={"server": self.base_url, "school": school_id})

    def _acknowledge(self, warn_type: Any = 2) -> None:
        """Pass the SecurityWarning page the way a person clicks «Продолжить»."""
        resp = self._send("POST", f"{self.base_url}/asp/SecurityWarning.asp",
                          data={"at": self._token or "", "WarnType": warn_type})
        if resp.status_code >= 400:
            raise AuthFailed("Не удалось пройти предупреждение безопасности",
                             reason="forbidden", status=resp.status_code)

    def _find_school(self) -> int:
        name = str(self._school).strip()
        found = self._json(self._send("GET", "schools/search", params={"name": name}),
                           "schools/search")
        if not isinstance(found, list):
            raise MalformedResponse("schools/search: ожидался список")
        exact = [s for s in found if isinstance(s, dict) and name in (
            s.get("shortName"), str(s.get("name", "")).split(" (")[0], s.get("name"))]
        pick = exact or (found if len(found) == 1 else [])
        if not pick:
            # Not the password: no login was even tried (so no lockout risk either).
            raise AuthFailed(f"Организация «{name}» не найдена на сервере",
                             reason="unknown_school")
        self.school_id = int(pick[0]["id"])
        return self.school_id

    # --- authed requests --------------------------------------------------------------------

    def _ensure_login(self) -> str:
        with self._lock:
            if self._token is None:
                self.login()
            assert self._token is not None
            return self._token

    def _relogin(self, stale: str) -> None:
        with self._lock:
            if self._token == stale:  # another thread may have logged in meanwhile
                self._token = None
                self.login()

    def request(self, method: str, path: str, **kw: Any) -> Any:
        """JSON of an authed call: one relogin on 401, one pass through a SecurityWarning."""
        token = self._ensure_login()
        resp = self._send(method, path, **kw)
        if resp.status_code == 401:
            log.info("netschool token expired, logging in again")
            self._relogin(token)
            resp = self._send(method, path, **kw)
            if resp.status_code == 401:
                raise AuthFailed("Сетевой город не принимает новый токен: сессия истекает "
                                 "сразу после входа", reason="expired", status=401)
        if self._is_warning(resp):
            self._acknowledge()
            resp = self._send(method, path, **kw)
            if self._is_warning(resp):
                raise AuthFailed("Сервер снова показывает предупреждение безопасности",
                                 reason="forbidden")
        if resp.status_code == 403:
            raise AuthFailed(self._message(resp) or "Нет доступа", reason="forbidden",
                             status=403)
        if resp.status_code >= 400:
            raise RemoteError(self._message(resp) or f"Сетевой город ответил {resp.status_code}"
                              f" ({path})", status=resp.status_code)
        return self._json(resp, path)

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    # --- the reads the adapter uses ---------------------------------------------------------

    def diary_init(self) -> dict[str, Any]:
        return self._dict(self.get("student/diary/init"), "student/diary/init")

    def year(self) -> dict[str, Any]:
        return self._dict(self.get("years/current"), "years/current")

    def assignment_types(self) -> list[dict[str, Any]]:
        return self._list(self.get("grade/assignment/types", all="false"), "assignment types")

    def diary(self, student_id: int, start: date, end: date, year_id: int) -> dict[str, Any]:
        return self._dict(self.get("student/diary", studentId=student_id, yearId=year_id,
                                   weekStart=start.isoformat(), weekEnd=end.isoformat()),
                          "student/diary")

    def school_card(self, school_id: int) -> dict[str, Any]:
        return self._dict(self.get(f"schools/{school_id}/card"), "school card")

    def my_settings(self) -> dict[str, Any]:
        return self._dict(self.get("mysettings"), "mysettings")

    def context(self) -> dict[str, Any]:
        return self._dict(self.get("context"), "context")

    def terms(self) -> list[tuple[str, str, Any]]:
        """(id, name, period range) of each term, from the student grades report filters."""
        report = self._dict(self.get("reports/studentgrades"), "reports/studentgrades")
        sources = report.get("filterSources") or []
        term_source = next((s for s in sources if s.get("filterId") == "TERMID"), None)
        out = []
        for item in (term_source or {}).get("items") or []:
            body = {"params": None, "selectedData": [{"filterId": "TERMID",
                                                      "filterValue": item.get("value")}]}
            filters = self.request("POST", "v2/reports/studentgrades/initfilters", json=body)
            period = next((f for f in filters or [] if isinstance(f, dict)
                           and f.get("filterId") == "period"), {})
            out.append((str(item.get("value")), str(item.get("title")), period.get("range")))
        return out

    @staticmethod
    def _dict(value: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise MalformedResponse(f"{what}: ожидался объект JSON")
        return value

    @staticmethod
    def _list(value: Any, what: str) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise MalformedResponse(f"{what}: ожидался список")
        return value

    # --- the end ----------------------------------------------------------------------------

    def close(self) -> None:
        """``auth/logout`` (a server counts open sessions per account), then drop the pool."""
        with self._lock:
            token, self._token = self._token, None
        if token:
            try:
                self._send("POST", "auth/logout", data={"at": token})
            except RemoteError:
                log.info("netschool logout failed; the session will expire by itself")
            self.http.headers.pop("at", None)
        self.http.close()
