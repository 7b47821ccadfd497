"""Tool signing keys with rotation (``marshrut keys rotate``).

Platforms cache our JWKS, so a key is published one rotation *before* it signs anything
(state ``next``), and a replaced key stays published as ``retiring`` until every token it
signed has expired.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from lti_tool.crypto import decrypt, encrypt, reencrypt
from lti_tool.db import Database, utcnow
from lti_tool.lti.models import ToolKey

#: The longest-lived token we sign (client assertions, deep-linking responses) plus margin.
SIGNED_TOKEN_LIFETIME = timedelta(minutes=10)


def _new_key(state: str, secret_key: str) -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    kid = secrets.token_hex(8)
    jwk: dict[str, object] = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.pop("key_ops", None)  # RFC 7517 §4.3: not beside "use"; platforms read "use"
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return ToolKey(
        kid=kid,
        state=state,
        private_key_encrypted=encrypt(pem, secret_key),
        public_jwk=jwk,
    )


def ensure_keys(session: Session, secret_key: str) -> None:
    """First start: one signing key and the next one already published."""
    states = set(session.scalars(select(ToolKey.state)))
    if "current" not in states:
        session.add(_new_key("current", secret_key))
    if "next" not in states:
        session.add(_new_key("next", secret_key))
    session.flush()


def rotate(session: Session, secret_key: str) -> ToolKey:
    """next → current, current → retiring (kept until its tokens expire), a new next."""
    ensure_keys(session, secret_key)
    now = utcnow()
    session.execute(delete(ToolKey).where(ToolKey.state == "retiring", ToolKey.retire_at < now))
    current = session.scalars(select(ToolKey).where(ToolKey.state == "current")).one()
    nxt = session.scalars(select(ToolKey).where(ToolKey.state == "next")).one()
    current.state = "retiring"
    current.retire_at = now + SIGNED_TOKEN_LIFETIME
    nxt.state = "current"
    session.add(_new_key("next", secret_key))
    session.flush()
    return nxt


def jwks(session: Session) -> dict[str, list[dict[str, object]]]:
    now = utcnow()
    keys = session.scalars(select(ToolKey).order_by(ToolKey.id)).all()
    published = [k.public_jwk for k in keys if k.state != "retiring" or (k.retire_at or now) > now]
    return {"keys": published}


def signing_key(session: Session, secret_key: str) -> tuple[str, str]:
    """(kid, private PEM) of the current key (created at start-up, see ``ensure_at_startup``)."""
    key = session.scalars(select(ToolKey).where(ToolKey.state == "current")).one()
    return key.kid, decrypt(key.private_key_encrypted, secret_key)


def ensure_at_startup(db: Database, secret_key: str) -> None:
    """Create the first keys in their own transaction, never inside a request: a request
    that held the write lock while the platform fetched our JWKS would wait on itself."""
    try:
        with db.session() as session:
            ensure_keys(session, secret_key)
    except (OperationalError, ProgrammingError):
        pass  # not migrated yet: ``marshrut db upgrade`` runs first, the next start creates


def reencrypt_private_keys(session: Session, secret_key: str) -> int:
    """Every stored private key under the current secret (after a rotation)."""
    rows = session.scalars(select(ToolKey)).all()
    for key in rows:
        key.private_key_encrypted = reencrypt(key.private_key_encrypted, secret_key)
    return len(rows)
