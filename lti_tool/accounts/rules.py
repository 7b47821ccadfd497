"""Pure decisions of signing in: is a session still alive, may one more attempt go to the
school's server, which CSRF token belongs to a session. No I/O; tested without a database."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    """Session lifetime and idle timeout; attempts allowed per window (account, address).

    Сетевой город locks an account after three wrong passwords: two failures per account per
    window keep a typo from locking a parent out of their own school journal."""

    lifetime: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(minutes=15)
    per_account: int = 2
    per_address: int = 20
    per_local_account: int = 5
    #: last_seen_at is written at most this often (one write per page would halve throughput)
    touch_every: timedelta = timedelta(seconds=60)


def alive(expires_at: datetime, last_seen_at: datetime, ended: bool, now: datetime,
          limits: Limits) -> bool:
    """A session lives until it is ended, its fixed lifetime ends, or it sits idle too long."""
    return not ended and now < expires_at and now - last_seen_at < limits.idle


def needs_touch(last_seen_at: datetime, now: datetime, limits: Limits) -> bool:
    return now - last_seen_at >= limits.touch_every


def may_try(failures_for_account: int, attempts_from_address: int, limits: Limits) -> str | None:
    """None if one more remote attempt is allowed, else which limit stops it."""
    if failures_for_account >= limits.per_account:
        return "account"
    if attempts_from_address >= limits.per_address:
        return "address"
    return None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_key(school: str, login: str) -> str:
    """The account as the rate limit knows it: a school's login, case-insensitive, hashed."""
    return hashlib.sha256(f"{school}\n{login.strip().lower()}".encode()).hexdigest()


def csrf_token(key: bytes, session_public_id: str) -> str:
    """The form secret of a session: derived, so nothing more is stored, and useless for
    any other session."""
    return hmac.new(key, f"csrf:{session_public_id}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, session_public_id: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(key, session_public_id), given or "")


#: How Сетевой город names its roles (``mysettings.roles``) → ours.
_NETSCHOOL_ROLES = {"родител": "parent", "ученик": "student", "учител": "teacher",
                    "администратор": "admin", "завуч": "admin", "директор": "admin"}


def netschool_roles(names: Iterable[object]) -> set[str]:
    found = set()
    for name in names:
        low = str(name).lower()
        found |= {ours for theirs, ours in _NETSCHOOL_ROLES.items() if theirs in low}
    return found


#: Roles an admin may give by invitation (people in no other system).
INVITE_ROLES = ("partner", "teacher", "tutor", "admin")
#: A local account with one of these (school or regional admin, network or partner
#: coordinator) must use TOTP: until it is on, the session reaches only the set-up page.
TOTP_ROLES = frozenset(("admin", "partner"))


def totp_required(roles: Iterable[str]) -> bool:
    return bool(TOTP_ROLES & set(roles))
PASSWORD_MIN = 10


def password_problem(password: str, email: str) -> str | None:
    """Why a new password is refused (a msgid), or None. Length over rules: NIST 800-63B."""
    if len(password) < PASSWORD_MIN:
        return "short"
    if len(password) > 200:
        return "long"
    if password.strip().lower() == email.strip().lower() or len(set(password)) < 4:
        return "weak"
    return None
