"""Local accounts by invitation: argon2id passwords, reset links, TOTP with recovery codes.

For people in no other system (partner coordinators, regional staff). An admin invites by
e-mail; the link (single use, 7 days) lets the person set a password; a forgotten password
gets a reset link (single use, 1 hour) that also ends every open session. Two-factor sign-in
is TOTP (``pyotp``, RFC 6238) with ten recovery codes, each usable once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.accounts import rules
from lti_tool.accounts.models import AccountSession, AccountToken, LocalAccount, SignInAttempt
from lti_tool.accounts.services import Refused, SignedIn, reserve_attempt
from lti_tool.core.audit import audit
from lti_tool.crypto import decrypt, encrypt
from lti_tool.db import utcnow
from lti_tool.people import queries as people_q
from lti_tool.people import services as people

HASHER = PasswordHasher()  # argon2id, the library's RFC 9106 low-memory profile
INVITE_TTL, RESET_TTL = timedelta(days=7), timedelta(hours=1)
#: Verifying against this when there is no such account costs the same time (no e-mail probe).
_DUMMY = HASHER.hash("marshrut-no-such-account")


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """A link to send: the path with its secret and where it goes."""

    email: str
    path: str


def _token(dbs: Session, account: LocalAccount, kind: str) -> str:
    secret = secrets.token_urlsafe(32)
    ttl = INVITE_TTL if kind == "invite" else RESET_TTL
    dbs.add(AccountToken(account_id=account.id, kind=kind, token_hash=_sha(secret),
                         expires_at=utcnow() + ttl))
    return secret


def invite(dbs: Session, org_id: int, actor_id: int, email: str, name: str, role: str) -> Link:
    email = email.strip().lower()
    if dbs.scalars(select(LocalAccount.id).where(LocalAccount.email == email)).first():
        raise Refused("exists", _("Учётная запись с этим адресом уже есть."), 409)
    person = people_q.add_person(dbs, name.strip(), email)
    people.ensure_roles(dbs, person, org_id, [role])
    account = LocalAccount(person_id=person.id, organisation_id=org_id, email=email)
    dbs.add(account)
    dbs.flush()
    secret = _token(dbs, account, "invite")
    audit(dbs, actor_id, org_id, "account.invite", "person", person.public_id, role=role)
    return Link(email, f"/account/invite/{secret}")


def invited(dbs: Session, org_id: int) -> list[LocalAccount]:
    return list(dbs.scalars(select(LocalAccount).where(
        LocalAccount.organisation_id == org_id).order_by(LocalAccount.email)))


def _take(dbs: Session, kind: str, secret: str) -> LocalAccount:
    """The account of a valid unused link, marking it used; Refused with the reason."""
    row = dbs.scalars(select(AccountToken).where(
        AccountToken.token_hash == _sha(secret), AccountToken.kind == kind)).first()
    if row is None:
        raise Refused("bad_link", _("Ссылка неверна. Попросите прислать новую."), 404)
    if row.used_at is not None:
        raise Refused("used_link", _("Эта ссылка уже использована: каждая ссылка действует "
                                     "один раз. Попросите прислать новую."), 410)
    if row.expires_at <= utcnow():
        raise Refused("expired_link", _("Срок действия ссылки истёк. Попросите прислать "
                                        "новую."), 410)
    row.used_at = utcnow()
    return dbs.get_one(LocalAccount, row.account_id)


def check_link(dbs: Session, kind: str, secret: str) -> None:
    """Refuse a bad, used or expired link before showing its form (nothing is marked)."""
    with dbs.begin_nested() as nested:
        _take(dbs, kind, secret)
        nested.rollback()


def _problem(password: str, email: str) -> None:
    problem = rules.password_problem(password, email)
    if problem == "short":
        raise Refused("password", _("Пароль: не короче %(n)s символов.", n=rules.PASSWORD_MIN))
    if problem == "long":
        raise Refused("password", _("Пароль: не длиннее 200 символов."))
    if problem == "weak":
        raise Refused("password", _("Пароль: слишком простой (совпадает с адресом или из "
                                    "повторяющихся символов)."))


def _signed(dbs: Session, account: LocalAccount) -> SignedIn:
    roles = frozenset(people.roles_in(dbs, account.person_id, account.organisation_id))
    return SignedIn(account.person_id, account.organisation_id, roles)


def accept_invite(dbs: Session, secret: str, password: str, repeat: str) -> SignedIn:
    if password != repeat:
        raise Refused("password", _("Пароли не совпадают."))
    account = _take(dbs, "invite", secret)
    _problem(password, account.email)
    account.password_hash = HASHER.hash(password)
    audit(dbs, account.person_id, account.organisation_id, "account.accept", "person",
                 account.person_id)
    return _signed(dbs, account)


def request_reset(dbs: Session, email: str) -> Link | None:
    """A reset link for an account that has a password; None otherwise (the page says the
    same either way, so nobody learns which addresses have accounts)."""
    account = dbs.scalars(select(LocalAccount).where(
        LocalAccount.email == email.strip().lower(),
        LocalAccount.password_hash.is_not(None))).first()
    if account is None:
        return None
    return Link(account.email, f"/account/reset/{_token(dbs, account, 'reset')}")


def reset(dbs: Session, secret: str, password: str, repeat: str) -> None:
    if password != repeat:
        raise Refused("password", _("Пароли не совпадают."))
    account = _take(dbs, "reset", secret)
    _problem(password, account.email)
    account.password_hash = HASHER.hash(password)
    dbs.execute(update(AccountSession).where(AccountSession.person_id == account.person_id,
                                             AccountSession.ended_at.is_(None))
                .values(ended_at=utcnow()))
    audit(dbs, account.person_id, account.organisation_id, "account.reset", "person",
                 account.person_id)


def sign_in(dbs: Session, email: str, password: str, code: str, address: str | None,
            limits: rules.Limits, secret_key: str) -> SignedIn:
    key = rules.account_key("local", email)
    ids = reserve_attempt(dbs, key, address, limits, local=True)
    account = dbs.scalars(select(LocalAccount).where(
        LocalAccount.email == email.strip().lower())).first()
    try:
        HASHER.verify(account.password_hash if account and account.password_hash else _DUMMY,
                      password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None or account.password_hash is None:
        raise Refused("wrong_password", _("Неверный адрес или пароль."), 401)
    if account.totp_enabled and not _second_factor(dbs, account, code, secret_key):
        raise Refused("wrong_code", _("Неверный код двухфакторной проверки (или код "
                                      "восстановления)."), 401)
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    dbs.execute(update(SignInAttempt).where(SignInAttempt.id == ids[0]).values(ok=True))
    audit(dbs, account.person_id, account.organisation_id, "signin.local", "person",
                 account.person_id)
    return _signed(dbs, account)


def _second_factor(dbs: Session, account: LocalAccount, code: str, secret_key: str) -> bool:
    code = code.strip().replace(" ", "")
    if not code or not account.totp_secret:
        return False
    if code.isdigit() and len(code) == 6:
        return pyotp.TOTP(decrypt(account.totp_secret, secret_key)).verify(code, valid_window=1)
    digest = _sha(code.lower())
    if digest in account.recovery_codes:
        account.recovery_codes = [c for c in account.recovery_codes if c != digest]
        return True
    return False


def account_of(dbs: Session, person_id: int) -> LocalAccount | None:
    return dbs.scalars(select(LocalAccount).where(LocalAccount.person_id == person_id)).first()


def totp_begin(dbs: Session, account: LocalAccount, secret_key: str) -> str:
    """A new secret (not yet in force until a code confirms it); the otpauth URI."""
    secret = pyotp.random_base32()
    account.totp_secret = encrypt(secret, secret_key)
    account.totp_enabled = False
    return pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name="Маршрут")


def totp_confirm(dbs: Session, account: LocalAccount, code: str, secret_key: str) -> list[str]:
    """Turn TOTP on once a code from the app matches; returns the recovery codes (shown once)."""
    if not account.totp_secret or not pyotp.TOTP(decrypt(account.totp_secret, secret_key)
                                                 ).verify(code.strip(), valid_window=1):
        raise Refused("wrong_code", _("Код не подошёл: проверьте время на телефоне и введите "
                                      "новый код."))
    codes = [secrets.token_hex(5) for _ in range(10)]
    account.recovery_codes = [_sha(c) for c in codes]
    account.totp_enabled = True
    audit(dbs, account.person_id, account.organisation_id, "account.totp_on", "person",
                 account.person_id)
    return codes


def totp_required(dbs: Session, account: LocalAccount) -> bool:
    """Admins and coordinators must keep TOTP on (their roles now, not at sign-in)."""
    return rules.totp_required(people.roles_in(dbs, account.person_id, account.organisation_id))


def totp_off(dbs: Session, account: LocalAccount, code: str, secret_key: str) -> None:
    if totp_required(dbs, account):
        raise Refused("totp_required", _("Администраторам и координаторам двухфакторную "
                                         "проверку выключить нельзя."), 403)
    if not _second_factor(dbs, account, code, secret_key):
        raise Refused("wrong_code", _("Неверный код двухфакторной проверки (или код "
                                      "восстановления)."))
    account.totp_enabled, account.totp_secret, account.recovery_codes = False, None, []
    audit(dbs, account.person_id, account.organisation_id, "account.totp_off", "person",
                 account.person_id)
