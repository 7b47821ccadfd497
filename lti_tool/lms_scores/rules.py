"""The score outbox's rules: a score's identity, and the retry policy it shares with the
other outboxes (:mod:`lti_tool.core.retry`)."""

from __future__ import annotations

from lti_tool.core.retry import BASE, CAP, LEASE, MAX_ATTEMPTS, backoff

# The retry policy is the outboxes' one (lti_tool/core/retry.py), named here as before.
__all__ = ["BASE", "CAP", "LEASE", "MAX_ATTEMPTS", "backoff", "score_key"]


def score_key(deployment_pk: int, resource: str, user_sub: str, timestamp: str) -> str:
    """One score of one user on one line item at one moment: enqueued at most once."""
    return f"{deployment_pk}|{resource}|{user_sub}|{timestamp}"
