"""A refusal leaves no trace (issue 8): not only the status code, but nothing written.

A rejected launch makes no launch, person or identity row; a refused score puts nothing in
the outbox; a refused admin call makes no registration invite; none of them is audited as
if it had happened.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from jwcrypto.jwk import JWK
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.lms_scores.models import OutboxScore
from lti_tool.lti.models import Launch, RegistrationInvite
from lti_tool.people.models import IdentityLink, Person
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims
from tests.e2e.test_access import _person_id, school  # noqa: F401 (the fixture)

COUNTED = (Launch, Person, IdentityLink, OutboxScore, RegistrationInvite, AuditEntry)


def _counts(tool) -> dict[str, int]:
    with tool.db.session() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in COUNTED}


def _broken(platform, auth: dict[str, str]) -> dict[str, tuple[dict[str, Any], Any]]:
    """One newcomer (never seen: a person row is what a careless order would leave) with
    the launch broken in one way each: claims and the key to sign with."""
    newcomer = {"sub": "s-newcomer", "name": "Новый Ученик"}
    return {
        "bad_signature": (valid_claims(platform, auth, **newcomer),
                          JWK.generate(kty="RSA", size=2048)),
        "unknown_deployment": (valid_claims(platform, auth, lti_deployment_id="dep-unknown",
                                            **newcomer), None),
        "expired": (valid_claims(platform, auth, exp=int(time.time()) - 600,
                                 iat=int(time.time()) - 700, **newcomer), None),
        "wrong_nonce": ({**valid_claims(platform, auth, **newcomer), "nonce": "n-forged"},
                        None),
        "wrong_audience": (valid_claims(platform, auth, aud="other-client", azp="other-client",
                                        **newcomer), None),
    }


@pytest.mark.parametrize("case", ["bad_signature", "unknown_deployment", "expired",
                                  "wrong_nonce", "wrong_audience"])
def test_a_rejected_launch_writes_nothing(platform, tool, case):
    before = _counts(tool)
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    claims, key = _broken(platform, auth)[case]
    resp = post_launch(client, tool.base, sign(platform, claims, key=key), auth["state"])
    assert resp.status_code in (400, 401, 403), resp.text
    assert "Запуск отклонён" in resp.text
    assert _counts(tool) == before


def test_a_refused_score_puts_nothing_in_the_outbox(tool, school, platform):  # noqa: F811
    people, classes = school
    pupil, stranger = _person_id(tool, "s-petrov"), _person_id(tool, "s-popova")
    before = _counts(tool)
    cases = [(people["colleague"], pupil, 403),        # same school, not their class
             (people["other_school"], pupil, 404),     # another school's class
             (people["student"], pupil, 403),          # a pupil grading
             (people["teacher"], stranger, 403),       # not a pupil of this class
             (people["teacher"], "no-such-pupil", 403)]
    for who, student, status in cases:
        resp = requests.post(tool.base + f"/app/class/{classes['algebra-10a']}/scores",
                             data={"lt": who.token, "student": student, "score": "5"},
                             timeout=30, allow_redirects=False)
        assert resp.status_code == status
    assert _counts(tool) == before
    assert platform.score_posts == 0


def test_a_refused_admin_call_makes_no_invite(tool, school):  # noqa: F811
    people, _ = school
    before = _counts(tool)
    for token in (None, people["teacher"].token, people["student"].token,
                  people["other_pupil"].token):
        resp = requests.post(tool.base + "/app/admin/lti/invite",
                             data={"lt": token} if token else {}, timeout=30)
        assert resp.status_code in (401, 403)
        resp = requests.post(tool.base + "/app/admin/lti/revoke",
                             data={"lt": token} if token else {}, timeout=30)
        assert resp.status_code in (401, 403)
    assert _counts(tool) == before
