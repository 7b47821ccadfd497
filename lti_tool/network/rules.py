"""Pure rules of network membership and agreements (no I/O: tested without a database)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

#: An agreement «expires soon» this many days before its end (a term's notice).
EXPIRING_DAYS = 60


class AgreementStatus(StrEnum):
    PENDING = "pending"      # signed, not started yet
    IN_FORCE = "in_force"
    EXPIRING = "expiring"    # in force, ends within EXPIRING_DAYS
    EXPIRED = "expired"


def agreement_status(starts_on: date, ends_on: date | None, today: date,
                     soon_days: int = EXPIRING_DAYS) -> AgreementStatus:
    """Where an agreement stands on ``today``; an open end never expires."""
    if today < starts_on:
        return AgreementStatus.PENDING
    if ends_on is not None and today > ends_on:
        return AgreementStatus.EXPIRED
    if ends_on is not None and ends_on - today <= timedelta(days=soon_days):
        return AgreementStatus.EXPIRING
    return AgreementStatus.IN_FORCE


def days_left(ends_on: date | None, today: date) -> int | None:
    return None if ends_on is None else (ends_on - today).days


def member_on(joined_on: date, left_on: date | None, day: date) -> bool:
    """Membership is a half-open interval: from the day of joining until (not incl.) leaving."""
    return joined_on <= day and (left_on is None or day < left_on)


def period_error(starts_on: date, ends_on: date | None) -> str | None:
    """A period that ends before it starts is a typo, never an agreement."""
    if ends_on is not None and ends_on < starts_on:
        return "ends_before_start"
    return None
