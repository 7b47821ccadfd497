"""Mutable state of the sandbox: sessions, login attempts, faults to inject, changed marks.

Every behaviour a test needs (wrong password, lockout, maintenance, expired tokens, the
SecurityWarning interstitial, slow answers, 5xx, broken JSON) is an attribute here, settable
from Python (``app.state.faults.fail_next = 2``) or over HTTP (``POST /sandbox/faults``), so
the same knobs work for in-process tests, the third-party clients and the demo.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from adapters.netschool.sandbox.data import DEMO_PASSWORD, World

MSG_WRONG = "Неправильный пароль или имя пользователя"
MSG_LOCKED = ("Вы совершили 3 неудачные попытки входа. Следующая попытка может быть "
              "совершена не ранее чем через {minutes} мин.")
MSG_MAINTENANCE = "На сервере ведутся технические работы. Вход в систему временно невозможен."
LOCK_AFTER = 3


@dataclass
class Faults:
    """What goes wrong; the defaults are a healthy server."""

    maintenance: bool = False  # login answers 409 with a maintenance message
    security_warning: bool = False  # login leads to /asp/SecurityWarning.asp first
    token_lifetime: float = 2700.0  # seconds; 0 makes every new token expire at once
    lockout_seconds: float = 60.0
    delay: float = 0.0  # seconds added to every /webapi/ answer (within ``paths``)
    error_rate: float = 0.0  # fraction of /webapi/ requests answered with ``error_status``
    fail_next: int = 0  # the next N /webapi/ requests answer ``error_status``
    error_status: int = 503
    malformed_next: int = 0  # the next N JSON answers are cut in half
    malformed_rate: float = 0.0
    paths: list[str] = field(default_factory=list)  # limit the faults above to these prefixes

    def update(self, values: dict[str, Any]) -> None:
        known = {f.name: f for f in fields(self)}
        for name, value in values.items():
            if name not in known:
                raise KeyError(name)
            setattr(self, name, list(value) if name == "paths" else type(
                getattr(self, name))(value))

    def applies(self, path: str) -> bool:
        # "student/diary" matches that prefix; "student/diary$" only that exact path.
        return not self.paths or any(
            path == p[:-1].lower() if p.endswith("$") else path.startswith(p.lower())
            for p in self.paths)


@dataclass
class Session:
    token: str
    person_id: int
    school_id: int
    issued: float
    lifetime: float
    warned: bool  # SecurityWarning still to be acknowledged
    ver: str
    alive: bool = True

    def expired(self, now: float) -> bool:
        return not self.alive or now - self.issued >= self.lifetime


def password_hashes(password: str, salt: str) -> tuple[str, str]:
    """(pw, pw2) as the login form sends them: md5(salt + md5hex(cp1251)), cut to len."""
    inner = hashlib.md5(password.encode("cp1251")).hexdigest()  # noqa: S324 - the protocol
    pw2 = hashlib.md5((salt + inner).encode()).hexdigest()  # noqa: S324
    return pw2[: len(password)], pw2


class State:
    """Everything the sandbox remembers between requests; one lock guards the dicts."""

    def __init__(self, world: World | None = None, seed: int = 37) -> None:
        self.world = world or World(seed=seed)
        self.faults = Faults()
        self.passwords: dict[str, str] = {}  # login -> password (default DEMO_PASSWORD)
        self.sessions: dict[str, Session] = {}
        self.salts: dict[str, tuple[str, str]] = {}  # lt -> (salt, ver)
        self.failures: dict[str, int] = {}
        self.locked_until: dict[str, float] = {}
        self.overrides: dict[tuple[int, int], dict[str, Any] | None] = {}
        self.requests: deque[tuple[str, str]] = deque(maxlen=20000)
        self.logins = 0
        self.in_flight = 0  # /webapi/ requests being answered now
        self.peak_in_flight = 0  # the most at once since start (a client's politeness)
        self.lock = threading.Lock()
        self._rng = random.Random(seed)
        self.by_login = {p.login.lower(): p.id for p in self.world.people.values() if p.login}
        for school in self.world.schools.values():
            admin = next(p for p in self.world.people.values() if p.login == school.admin_login)
            self.by_login[school.admin_login.lower()] = admin.id

    # --- faults -----------------------------------------------------------------------------

    def take_fault(self, path: str) -> str | None:
        """Which fault this request gets: ``"error"``, ``"malformed"`` or None."""
        f = self.faults
        if not f.applies(path):
            return None
        with self.lock:
            if f.fail_next > 0:
                f.fail_next -= 1
                return "error"
            if f.error_rate and self._rng.random() < f.error_rate:
                return "error"
            if f.malformed_next > 0:
                f.malformed_next -= 1
                return "malformed"
            if f.malformed_rate and self._rng.random() < f.malformed_rate:
                return "malformed"
        return None

    def reset_faults(self) -> None:
        with self.lock:
            self.faults = Faults()
            self.failures.clear()
            self.locked_until.clear()

    # --- login ------------------------------------------------------------------------------

    def new_salt(self, ver: str) -> tuple[str, str]:
        lt, salt = str(secrets.randbelow(10**9)), str(secrets.randbelow(10**9))
        with self.lock:
            self.salts[lt] = (salt, ver)
        return lt, salt

    def check_login(self, school_id: int, login: str, pw2: str, pw: str, lt: str
                    ) -> tuple[Session | None, str]:
        """A new session, or None and the Russian message the server answers 409 with."""
        if self.faults.maintenance:
            return None, MSG_MAINTENANCE
        key = f"{school_id}:{login.lower()}"
        now = time.monotonic()
        with self.lock:
            salt_ver = self.salts.pop(lt, None)
            if self.locked_until.get(key, 0) > now:
                minutes = max(1, round(self.faults.lockout_seconds / 60))
                return None, MSG_LOCKED.format(minutes=minutes)
            person_id = self.by_login.get(login.lower())
            person = self.world.people.get(person_id or -1)
            ok = False
            if salt_ver and person and person.school_id == school_id:
                password = self.passwords.get(person.login, DEMO_PASSWORD)
                good_pw, good_pw2 = password_hashes(password, salt_ver[0])
                ok = pw2 == good_pw2 and (not pw or pw == good_pw)
            if not ok or person is None or salt_ver is None:
                self.failures[key] = self.failures.get(key, 0) + 1
                if self.failures[key] >= LOCK_AFTER:
                    self.locked_until[key] = now + self.faults.lockout_seconds
                    self.failures[key] = 0
                return None, MSG_WRONG
            self.failures.pop(key, None)
            session = Session(secrets.token_hex(16), person.id, school_id, now,
                              self.faults.token_lifetime, self.faults.security_warning,
                              salt_ver[1])
            self.sessions[session.token] = session
            self.logins += 1
            return session, ""

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self.lock:
            found = self.sessions.get(token)
        if found is None or found.expired(time.monotonic()):
            return None
        return found

    def expire_tokens(self) -> int:
        """Forced expiry of every session: what a server restart does."""
        with self.lock:
            alive = [s for s in self.sessions.values() if s.alive]
            for s in alive:
                s.alive = False
            return len(alive)

    # --- access and marks -------------------------------------------------------------------

    def students_for(self, person_id: int) -> list[int]:
        """Whom an account may read: a school's admin all its students, a parent their
        children, a student themself (the assumption documented in the adapter)."""
        person = self.world.people[person_id]
        if person.role == "admin":
            return self.world.students_of(person.school_id)
        if person.role == "parent":
            return list(self.world.children_of.get(person_id, []))
        if person.role == "student":
            return [person_id]
        return []

    def mark(self, assignment_id: int, student_id: int) -> dict[str, Any] | None:
        key = (assignment_id, student_id)
        if key in self.overrides:
            return self.overrides[key]
        class_id, index = self.world.locate(assignment_id)
        if class_id not in self.world.classes:
            return None
        found = self.world.week(class_id, index).marks.get(key)
        return None if found is None else {"mark": found[0], "dutyMark": found[1]}

    def set_mark(self, assignment_id: int, student_id: int, mark: dict[str, Any] | None) -> None:
        with self.lock:
            self.overrides[(assignment_id, student_id)] = mark

    def snapshot(self) -> dict[str, Any]:
        return {"faults": asdict(self.faults), "logins": self.logins,
                "sessions": sum(1 for s in self.sessions.values() if s.alive),
                "overrides": len(self.overrides), "requests": len(self.requests),
                "in_flight": self.in_flight, "peak_in_flight": self.peak_in_flight}

    def enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1
