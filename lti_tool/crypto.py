"""Encryption at rest (tool private keys, adapter credentials) with Fernet from `cryptography`.

The Fernet key is derived from MARSHRUT_SECRET_KEY, so a database dump alone reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from flask import current_app


def fernet(secret_key: str | None = None) -> Fernet:
    secret = secret_key or current_app.config["SECRET_KEY"]
    digest = hashlib.sha256(b"marshrut-at-rest:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str, secret_key: str | None = None) -> str:
    return fernet(secret_key).encrypt(value.encode()).decode()


def decrypt(token: str, secret_key: str | None = None) -> str:
    return fernet(secret_key).decrypt(token.encode()).decode()


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
