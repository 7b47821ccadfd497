"""Keys per purpose and a secret that can be changed (issue 7: one MARSHRUT_SECRET_KEY signed
launch tokens and encrypted credentials and private keys through one SHA-256, unrotatable)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select

from lti_tool import crypto
from lti_tool.cli import main
from lti_tool.db import Database
from lti_tool.lti.keys import ensure_keys, signing_key
from lti_tool.lti.models import ToolKey
from lti_tool.people.models import Organisation
from lti_tool.sync.models import SourceConnection
from lti_tool.sync.services import create_connection, open_source

OLD, NEW = "old-secret-" + "x" * 20, "new-secret-" + "y" * 20
FORM = {"kind": "moodle", "title": "Moodle", "base_url": "https://moodle.example.ru",
        "token": "ws-token-123"}


def test_each_purpose_has_its_own_key():
    assert crypto.derive(NEW, crypto.AT_REST) != crypto.derive(NEW, crypto.LAUNCH_TOKENS)
    assert crypto.derive(NEW, crypto.AT_REST) != crypto.derive(OLD, crypto.AT_REST)
    assert len(crypto.derive(NEW, crypto.AT_REST)) == 32


def test_values_stored_before_the_change_are_still_read():
    legacy = Fernet(base64.urlsafe_b64encode(
        hashlib.sha256(b"marshrut-at-rest:" + NEW.encode()).digest()))
    token = legacy.encrypt(b"password").decode()
    assert crypto.decrypt(token, NEW) == "password"
    assert crypto.decrypt(crypto.reencrypt(token, NEW), NEW) == "password"


def _cli(url: str, tmp_path, *args: str, **env: str) -> str:
    result = CliRunner().invoke(main, list(args), env={
        "MARSHRUT_DATABASE_URL": url, "MARSHRUT_INSTANCE_PATH": str(tmp_path), **env})
    assert result.exit_code == 0, result.output
    return result.output


def test_rotate_the_secret_then_reencrypt_and_drop_the_old_one(database_url, tmp_path,
                                                              monkeypatch):
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="s", name="S")
        s.add(org)
        s.flush()
        conn_id = create_connection(s, org.id, FORM, OLD, None).id
        ensure_keys(s, OLD)
        kid, pem = signing_key(s, OLD)

    # The operator changes the secret and keeps the old one readable for now.
    monkeypatch.setenv("MARSHRUT_OLD_SECRET_KEYS", OLD)
    with db.session() as s:
        assert signing_key(s, NEW) == (kid, pem)
        assert open_source(s.get_one(SourceConnection, conn_id), NEW).client._token == \
            "ws-token-123"
    out = _cli(database_url, tmp_path, "keys", "reencrypt", MARSHRUT_SECRET_KEY=NEW,
               MARSHRUT_OLD_SECRET_KEYS=OLD)
    assert "re-encrypted 2 tool key(s) and 1 connection secret(s)" in out

    monkeypatch.delenv("MARSHRUT_OLD_SECRET_KEYS")  # the old secret is gone for good
    with db.session() as s:
        assert signing_key(s, NEW) == (kid, pem)
        assert open_source(s.get_one(SourceConnection, conn_id), NEW).client._token == \
            "ws-token-123"
        stored = s.scalars(select(ToolKey.private_key_encrypted)).first()
    with pytest.raises(InvalidToken):
        crypto.decrypt(stored, OLD)  # and what is stored no longer opens with the old one
    db.engine.dispose()


def test_launch_tokens_signed_before_a_rotation_stay_valid(monkeypatch):
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    token = URLSafeTimedSerializer(list(crypto.signing_keys(OLD)), salt="s").dumps("launch")
    with pytest.raises(BadSignature):
        URLSafeTimedSerializer(list(crypto.signing_keys(NEW)), salt="s").loads(token)
    monkeypatch.setenv("MARSHRUT_OLD_SECRET_KEYS", OLD)
    assert URLSafeTimedSerializer(list(crypto.signing_keys(NEW)), salt="s").loads(
        token) == "launch"


def test_data_from_before_the_upgrade_survives_a_rotation(database_url, tmp_path, monkeypatch):
    """The whole migration path: secrets stored by the old release (SHA-256 derivation of
    OLD) are read after the upgrade, the secret is rotated, `keys reencrypt` runs, OLD is
    removed, and everything still opens."""
    legacy = Fernet(base64.urlsafe_b64encode(
        hashlib.sha256(b"marshrut-at-rest:" + OLD.encode()).digest()))
    db = Database(database_url)
    with db.session() as s:  # what the old release left in the database
        org = Organisation(slug="s", name="S")
        s.add(org)
        s.flush()
        conn = create_connection(s, org.id, FORM, OLD, None)
        conn.secret = legacy.encrypt(b"ws-token-123").decode()
        ensure_keys(s, OLD)
        kid, pem = signing_key(s, OLD)
        for key in s.scalars(select(ToolKey)):
            key.private_key_encrypted = legacy.encrypt(
                crypto.decrypt(key.private_key_encrypted, OLD).encode()).decode()
        conn_id = conn.id
    with db.session() as s:  # the upgraded release, same secret
        assert signing_key(s, OLD) == (kid, pem)
        assert open_source(s.get_one(SourceConnection, conn_id), OLD).client._token == \
            "ws-token-123"

    _cli(database_url, tmp_path, "keys", "reencrypt", MARSHRUT_SECRET_KEY=NEW,
         MARSHRUT_OLD_SECRET_KEYS=OLD)
    monkeypatch.delenv("MARSHRUT_OLD_SECRET_KEYS", raising=False)
    with db.session() as s:
        assert signing_key(s, NEW) == (kid, pem)
        assert open_source(s.get_one(SourceConnection, conn_id), NEW).client._token == \
            "ws-token-123"
        stored = s.get_one(SourceConnection, conn_id).secret
    with pytest.raises(InvalidToken):
        legacy.decrypt(stored.encode())  # no longer under the old derivation
    db.engine.dispose()


def test_reencrypt_without_the_old_secret_says_so_and_changes_nothing(database_url, tmp_path,
                                                                      monkeypatch):
    monkeypatch.delenv("MARSHRUT_OLD_SECRET_KEYS", raising=False)
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="s", name="S")
        s.add(org)
        s.flush()
        create_connection(s, org.id, FORM, OLD, None)
        ensure_keys(s, OLD)
        before = sorted([*s.scalars(select(ToolKey.private_key_encrypted)),
                         *s.scalars(select(SourceConnection.secret))])
    result = CliRunner().invoke(main, ["keys", "reencrypt"], env={
        "MARSHRUT_DATABASE_URL": database_url, "MARSHRUT_INSTANCE_PATH": str(tmp_path),
        "MARSHRUT_SECRET_KEY": NEW})
    assert result.exit_code != 0 and "MARSHRUT_OLD_SECRET_KEYS" in result.output
    with db.session() as s:
        after = sorted([*s.scalars(select(ToolKey.private_key_encrypted)),
                        *s.scalars(select(SourceConnection.secret))])
    assert after == before
    db.engine.dispose()
