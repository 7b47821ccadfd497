"""At most N requests in flight per remote server, across connections and processes
(issue 7: two schools on one regional server got 8 at once; the bound was per school)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from typing import Any

import pytest

from adapters.netschool.adapter import NetSchoolSource
from lti_tool.sync import politeness


def test_two_schools_on_one_server_share_one_bound():
    a = NetSchoolSource(base_url="https://sgo.edu-44.ru", login="a", password="x",
                        school="СОШ № 37")
    b = NetSchoolSource(base_url="https://SGO.edu-44.ru/", login="b", password="y",
                        school="Гимназия № 1")
    other = NetSchoolSource(base_url="https://sgo.edu-74.ru", login="c", password="z",
                            school="СОШ № 1")
    assert a.namespace != b.namespace  # their ids stay apart…
    assert politeness.server_key(a) == politeness.server_key(b)  # …their server is one
    assert politeness.server_key(a) != politeness.server_key(other)
    assert politeness.slot(a, 4, None) is politeness.slot(b, 4, None)


def _hammer(redis_url: str, key: str, threads: int, seconds: float) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    slot = politeness.RedisSlot(redis_url, key, 4)
    enter = client.register_script(  # count in, and keep the peak, atomically
        "local n = redis.call('INCR', KEYS[1]) "
        "if n > tonumber(redis.call('GET', KEYS[2]) or '0') then "
        "redis.call('SET', KEYS[2], n) end return n")

    def one() -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with slot:
                enter(keys=[key + ":now", key + ":peak"])
                time.sleep(0.005)
                client.decr(key + ":now")

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


@pytest.mark.slow
def test_the_bound_holds_across_worker_processes_on_redis(redis_url: str):
    import redis

    key = "test-server:443"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer, args=(redis_url, key, 4, 2.0)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    client: Any = redis.Redis.from_url(redis_url)
    peak = int(client.get(key + ":peak"))
    assert 2 <= peak <= 4  # 8 threads in 2 processes, never more than 4 inside at once
    assert client.zcard("marshrut:slot:" + key) == 0  # every lease given back
