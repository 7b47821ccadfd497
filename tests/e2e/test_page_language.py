"""``<html lang>`` follows the UI language of the launch (issue 7: it was always ``ru``,
because base.html asked for a ``get_locale`` the templates were never given)."""

from __future__ import annotations

import pytest
import requests

from lti_tool.sandbox.platform import LEARNER
from tests.e2e.flow import follow
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims


@pytest.mark.parametrize(("locale", "lang", "heading"), [
    ("en-US", "en", "My scores in the LMS gradebook"), ("ru-RU", "ru", "Мои баллы в журнале LMS")])
def test_a_launched_page_declares_its_language(platform, tool, locale, lang, heading):
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    claims = valid_claims(platform, auth, lti_roles=[LEARNER],
                          lti_launch_presentation={"locale": locale})
    resp = follow(client, post_launch(client, tool.base, sign(platform, claims), auth["state"]))
    assert resp.status_code == 200
    assert f'<html lang="{lang}">' in resp.text
    assert heading in resp.text
