"""Use cases of signing in: with a «Сетевой город» account, listing and ending sessions.

The Сетевой город password goes from the form to the school's server (salted hash, through
the landed client) and nowhere else: not to the database, not to a log, not to an error
message. One submit makes at most one login attempt on that server, and attempts are
counted per account and per address *before* the attempt, so two quick submits cannot
together lock a parent out (Сетевой город locks an account after three wrong passwords).
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from adapters.base import AuthFailed, RemoteError
from adapters.netschool.client import NetSchoolClient
from adapters.outbound import guard_session
from lti_tool.accounts import rules
from lti_tool.accounts.models import AccountSession, SignInAttempt
from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.lti.services import address_key
from lti_tool.people import services as people
from lti_tool.sync.services import SignInSchool

log = logging.getLogger("marshrut.accounts")
SOURCE = "netschool"


class Refused(Exception):
    """A sign-in refused, with the Russian message the visitor reads and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class SignedIn:
    person_id: int
    organisation_id: int
    roles: frozenset[str]


def _attempts(dbs: Session, scope: str, key: str, since: datetime, failed_only: bool) -> int:
    query = select(func.count(SignInAttempt.id)).where(
        SignInAttempt.scope == scope, SignInAttempt.key == key, SignInAttempt.at >= since)
    if failed_only:
        query = query.where(SignInAttempt.ok.is_(False))
    return int(dbs.scalar(query) or 0)


def reserve_attempt(dbs: Session, account: str, address: str | None,
                    limits: rules.Limits, *, local: bool = False) -> list[int]:
    """Count this submit against both limits (committed before the remote call, so a
    parallel submit sees it), or refuse with 429 when a limit is reached."""
    now = utcnow()
    since = now - limits.window
    if secrets.randbelow(50) == 0:
        dbs.execute(delete(SignInAttempt).where(SignInAttempt.at < since))
    addr = address_key(address)
    if local:  # our own password: no remote lockout to protect, so a few more tries
        limits = dataclasses.replace(limits, per_account=limits.per_local_account)
    stop = rules.may_try(_attempts(dbs, "account", account, since, True),
                         _attempts(dbs, "address", addr, since, False), limits)
    minutes = int(limits.window.total_seconds() // 60)
    if stop == "account" and local:
        raise Refused("rate_account", _(
            "Слишком много неудачных попыток входа с этим адресом почты: подождите %(m)s мин. "
            "или восстановите пароль.", m=minutes), 429)
    if stop == "account":
        raise Refused("rate_account", _(
            "С этой учётной записью уже было %(n)s неудачных попыток входа. Сетевой город "
            "блокирует вход после трёх, поэтому Маршрут не пробует снова %(m)s мин. Проверьте "
            "логин и пароль на сайте Сетевого города своей школы.",
            n=limits.per_account, m=minutes), 429)
    if stop == "address":
        raise Refused("rate_address", _(
            "Слишком много попыток входа с этого адреса: подождите %(m)s мин.", m=minutes), 429)
    rows = [SignInAttempt(scope="account", key=account, at=now),
            SignInAttempt(scope="address", key=addr, at=now)]
    dbs.add_all(rows)
    dbs.commit()
    return [r.id for r in rows]


def _remaining(dbs: Session, account: str, limits: rules.Limits) -> int:
    since = utcnow() - limits.window
    return max(0, limits.per_account - _attempts(dbs, "account", account, since, True))


def _refusal(exc: AuthFailed, remaining: int) -> Refused:
    server = str(exc)
    if exc.reason == "locked":
        return Refused("locked", _(
            "Сетевой город заблокировал вход для этой учётной записи. Ответ сервера школы: "
            "«%(s)s»", s=server), 403)
    if exc.reason == "maintenance":
        return Refused("maintenance", _(
            "Сервер Сетевого города школы сейчас не пускает: «%(s)s». Попробуйте позже.",
            s=server), 503)
    if exc.reason == "wrong_credentials":
        return Refused("wrong_password", _(
            "Сетевой город не принял логин или пароль: «%(s)s». Осталось попыток: %(n)s. После "
            "трёх неудачных попыток Сетевой город блокирует вход на время.",
            s=server, n=remaining), 401)
    return Refused("refused", _("Сервер Сетевого города отказал во входе: «%(s)s».", s=server),
                   403)


def netschool_sign_in(dbs: Session, school: SignInSchool, login: str, password: str,
                      address: str | None, limits: rules.Limits, *,
                      allow_private: bool = False, timeout: Any = (5.0, 20.0)) -> SignedIn:
    """Check the login once on the school's server, find the person by their link, and say
    who signed in. Raises :class:`Refused` with the reason the visitor reads."""
    account = rules.account_key(school.public_id, login)
    ids = reserve_attempt(dbs, account, address, limits)
    client = NetSchoolClient(school.base_url, login, password, school.school, timeout=timeout)
    guard_session(client.http, allow_private=allow_private)
    try:
        try:
            client.login()
        except AuthFailed as exc:
            raise _refusal(exc, _remaining(dbs, account, limits)) from None
        dbs.execute(update(SignInAttempt).where(SignInAttempt.id == ids[0]).values(ok=True))
        dbs.commit()
        me = client.my_settings()
        remote_roles = rules.netschool_roles(me.get("roles") or [])
        user_id = str(me.get("userId") or "")
        children: dict[str, int] = {}
        if "parent" in remote_roles:
            listed = client.diary_init().get("students") or []
            if isinstance(listed, dict):
                listed = list(listed.values())
            children = people.people_by_identities(
                dbs, SOURCE, school.namespace,
                [str(s.get("studentId")) for s in listed if isinstance(s, dict)])
    except RemoteError as exc:
        if isinstance(exc, AuthFailed):
            raise _refusal(exc, _remaining(dbs, account, limits)) from None
        log.warning("netschool sign-in: server unavailable", extra={"server": school.base_url,
                                                                     "error": type(exc).__name__})
        raise Refused("unavailable", _(
            "Сервер Сетевого города школы не отвечает. Попробуйте позже."), 502) from None
    finally:
        client.close()
    person = people.person_by_identity(dbs, SOURCE, school.namespace, user_id)
    if children:  # the server just listed this parent's children: the relation it knows
        name = " ".join(str(me.get(k) or "") for k in ("lastName", "firstName", "middleName"))
        person = people.add_guardian(dbs, school.organisation_id, source=SOURCE,
                                     namespace=school.namespace, external_id=user_id,
                                     display_name=name.strip() or login,
                                     child_ids=list(children.values()))
    if person is None:
        raise Refused("not_linked", _(
            "Сетевой город вас узнал, но в Маршруте школы «%(o)s» вас пока нет: школа ещё не "
            "загрузила ваши данные. Обратитесь к администратору школы.",
            o=school.organisation_name), 403)
    roles = frozenset(people.roles_in(dbs, person.id, school.organisation_id))
    audit(dbs, person.id, school.organisation_id, "signin.netschool", "person",
          person.public_id, school=school.public_id)
    return SignedIn(person.id, school.organisation_id, roles)


# --- sessions ---------------------------------------------------------------------------------

def active_sessions(dbs: Session, person_id: int, limits: rules.Limits) -> list[AccountSession]:
    now = utcnow()
    rows = dbs.scalars(select(AccountSession).where(
        AccountSession.person_id == person_id, AccountSession.ended_at.is_(None),
        AccountSession.expires_at > now).order_by(AccountSession.last_seen_at.desc()))
    return [r for r in rows if rules.alive(r.expires_at, r.last_seen_at, False, now, limits)]


def end_session(dbs: Session, person_id: int, public_id: str) -> bool:
    """End one of the person's own sessions; another person's id ends nothing."""
    result = dbs.execute(update(AccountSession).where(
        AccountSession.public_id == public_id, AccountSession.person_id == person_id,
        AccountSession.ended_at.is_(None)).values(ended_at=utcnow()))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end_all(dbs: Session, person_id: int) -> int:
    """Sign out everywhere: every session of the person ends at its next request."""
    result = dbs.execute(update(AccountSession).where(
        AccountSession.person_id == person_id, AccountSession.ended_at.is_(None))
        .values(ended_at=utcnow()))
    return int(result.rowcount)  # type: ignore[attr-defined]
