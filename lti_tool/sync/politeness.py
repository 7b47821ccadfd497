"""At most N requests in flight to one remote *server*, across every sync that uses it.

Two schools on one regional «Сетевой город» server are two connections but one server:
bounding per connection gave that server 8 requests at once. The bound is keyed by the
server's host and port. In one process a semaphore does it; when the job queue runs on
Redis (many worker processes, many machines), a Redis lease set does: each request holds a
lease that expires on its own, so a worker that dies mid-request frees its place.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any
from urllib.parse import urlsplit

_lock = threading.Lock()
_local: dict[str, threading.BoundedSemaphore] = {}

#: Take a place if fewer than ARGV[2] unexpired leases exist (KEYS[1] a sorted set of
#: lease → expiry). One script, so two workers never both take the last place.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


def server_key(source: Any) -> str:
    """The remote server a source talks to (host:port), or its namespace when it has none
    (a OneRoster file)."""
    for holder in (source, getattr(source, "client", None)):
        url = getattr(holder, "base_url", None)
        if isinstance(url, str) and url:
            parts = urlsplit(url)
            return f"{(parts.hostname or '').lower()}:{parts.port or parts.scheme}"
    return str(source.namespace)


def local_slot(key: str, limit: int) -> threading.BoundedSemaphore:
    with _lock:
        return _local.setdefault(key, threading.BoundedSemaphore(limit))


class RedisSlot:
    """A slot shared by every process that talks to one Redis."""

    def __init__(self, redis_url: str, key: str, limit: int, *, lease: float = 120.0,
                 poll: float = 0.05) -> None:
        import redis

        self.redis = redis.Redis.from_url(redis_url)
        self.key, self.limit, self.lease, self.poll = f"marshrut:slot:{key}", limit, lease, poll
        self._acquire = self.redis.register_script(_ACQUIRE)
        self._tokens = threading.local()  # one slot object serves the engine's threads

    def __enter__(self) -> None:
        token = secrets.token_hex(8)
        while True:
            now = time.time()
            if self._acquire(keys=[self.key], args=[now, self.limit, now + self.lease, token,
                                                     int(self.lease) + 60]):
                break
            time.sleep(self.poll)
        self._tokens.__dict__.setdefault("held", []).append(token)

    def __exit__(self, *exc: Any) -> None:
        self.redis.zrem(self.key, self._tokens.held.pop())


def slot(source: Any, limit: int, redis_url: str | None) -> Any:
    """The bound for this source's server: a Redis lease set or an in-process semaphore."""
    key = server_key(source)
    return RedisSlot(redis_url, key, limit) if redis_url else local_slot(key, limit)
