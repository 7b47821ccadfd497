"""Keys derived from MARSHRUT_SECRET_KEY, one per purpose, and their rotation.

One secret used to sign launch tokens and (through one SHA-256) encrypt adapter passwords
and the tool's private keys: a leak of one use was a leak of all, and it could not be
changed without losing every stored secret. Now each purpose gets its own key by HKDF
(``cryptography``), and keys rotate: put the new secret in MARSHRUT_SECRET_KEY and the old
one(s) in MARSHRUT_OLD_SECRET_KEYS (comma-separated); everything encrypted or signed with
an old key is still read (MultiFernet; itsdangerous key lists), and
``marshrut keys reencrypt`` re-encrypts what is stored, after which the old key can go.
Values written before this scheme (SHA-256 derivation) are read as well.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from collections.abc import Sequence

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

AT_REST = "at-rest"
LAUNCH_TOKENS = "launch-tokens"


@functools.lru_cache(maxsize=64)  # every request checks a launch token: derive once
def derive(secret: str, purpose: str) -> bytes:
    """32 bytes for one purpose: knowing one purpose's key tells nothing of another's."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"marshrut",
                info=f"marshrut:{purpose}".encode()).derive(secret.encode())


def old_secret_keys() -> tuple[str, ...]:
    """Secrets replaced by rotation, still accepted for reading (MARSHRUT_OLD_SECRET_KEYS)."""
    raw = os.environ.get("MARSHRUT_OLD_SECRET_KEYS", "")
    return tuple(k.strip() for k in raw.split(",") if k.strip())


def _secrets(secret_key: str | None) -> list[str]:
    current = secret_key or current_app.config["SECRET_KEY"]
    return [current, *(k for k in old_secret_keys() if k != current)]


def _legacy(secret: str) -> Fernet:
    digest = hashlib.sha256(b"marshrut-at-rest:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def fernet(secret_key: str | None = None) -> MultiFernet:
    """Encrypts with the current secret's at-rest key; decrypts with any accepted one."""
    keys = _secrets(secret_key)
    derived = [Fernet(base64.urlsafe_b64encode(derive(k, AT_REST))) for k in keys]
    return MultiFernet([*derived, *(_legacy(k) for k in keys)])


def encrypt(value: str, secret_key: str | None = None) -> str:
    return fernet(secret_key).encrypt(value.encode()).decode()


def decrypt(token: str, secret_key: str | None = None) -> str:
    return fernet(secret_key).decrypt(token.encode()).decode()


def reencrypt(token: str, secret_key: str | None = None) -> str:
    """The same value under the current key (for ``marshrut keys reencrypt``)."""
    return fernet(secret_key).rotate(token.encode()).decode()


def signing_keys(secret_key: str | None = None) -> Sequence[bytes]:
    """Launch-token signing keys, oldest first (itsdangerous signs with the last), plus the
    raw secrets that signed tokens before this scheme (they live 8 hours at most)."""
    keys = _secrets(secret_key)
    return [*(k.encode() for k in reversed(keys)),
            *(derive(k, LAUNCH_TOKENS) for k in reversed(keys))]


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
