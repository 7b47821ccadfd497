"""The outboxes' retry policy (:mod:`lti_tool.core.outbox`): exponential backoff, capped;
pure, so it is tested without a clock (``tests/unit/test_roles_and_backoff.py``)."""

from __future__ import annotations

from datetime import timedelta

BASE = timedelta(seconds=30)
CAP = timedelta(hours=1)
#: A claimed row whose worker died is taken again after this lease.
LEASE = timedelta(minutes=5)
#: Automatic tries stop after about three days (a weekend of LMS outage: 7 tries in the first
#: hour, then one an hour). The row is never dropped: it stays ``failed`` and can be sent
#: again by a person.
MAX_ATTEMPTS = 80


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failures (1 → 30 s, 2 → 60 s, …)."""
    if attempts < 1:
        return timedelta(0)
    # Cap the exponent before multiplying: 2**41 × 30 s no longer fits in a timedelta.
    doublings = min(attempts - 1, (CAP // BASE).bit_length())
    return min(BASE * (2**doublings), CAP)
