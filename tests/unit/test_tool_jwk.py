"""The tool's published key (``lti_tool/lti/keys.py``), exported by PyJWT since jwcrypto left
the dependencies: a platform must verify what the private key signs with the JWK alone."""

from __future__ import annotations

import jwt

from lti_tool.crypto import decrypt
from lti_tool.lti.keys import _new_key

SECRET = "unit-test-secret-key-unit-test-secret"


def test_published_jwk_verifies_what_the_private_key_signs() -> None:
    key = _new_key("current", SECRET)
    pem = decrypt(key.private_key_encrypted, SECRET)
    token = jwt.encode({"sub": "x"}, pem, algorithm="RS256", headers={"kid": key.kid})

    public = jwt.PyJWK(key.public_jwk)

    assert jwt.decode(token, public.key, algorithms=["RS256"]) == {"sub": "x"}
    assert set(key.public_jwk) == {"kty", "n", "e", "kid", "alg", "use"}
    assert key.public_jwk["kid"] == key.kid and key.public_jwk["use"] == "sig"
    assert "d" not in key.public_jwk  # only the public half is published
