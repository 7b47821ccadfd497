"""Event rules: who may still register, times in Moscow and in a participant's region,
hours for the teacher portfolio (seminars, master classes, webinars: 0–16 h)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

KINDS = ("webinar", "master_class", "seminar", "vcs_lesson")
MOSCOW = "Europe/Moscow"
#: Russia's time zones by a city people know them by.
ZONES = {
    "Europe/Kaliningrad": "Калининград (МСК−1)", "Europe/Moscow": "Москва (МСК)",
    "Europe/Samara": "Самара (МСК+1)", "Asia/Yekaterinburg": "Екатеринбург (МСК+2)",
    "Asia/Omsk": "Омск (МСК+3)", "Asia/Krasnoyarsk": "Красноярск (МСК+4)",
    "Asia/Irkutsk": "Иркутск (МСК+5)", "Asia/Yakutsk": "Якутск (МСК+6)",
    "Asia/Vladivostok": "Владивосток (МСК+7)", "Asia/Magadan": "Магадан (МСК+8)",
    "Asia/Kamchatka": "Камчатка (МСК+9)",
}
MAX_PORTFOLIO_HOURS = 16


def local(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone if zone in ZONES else MOSCOW))


def registration_problem(*, status: str, starts_at: datetime, now: datetime, taken: int,
                         capacity: int, already: bool) -> str | None:
    """Why a teacher cannot register now, or None."""
    if already:
        return "already"
    if status == "cancelled":
        return "cancelled"
    if now >= starts_at or status == "held":
        return "started"
    if capacity and taken >= capacity:
        return "full"
    return None


def certificate_due(status: str, attended: bool | None) -> bool:
    return status == "held" and attended is True


def portfolio_hours(hours: int) -> int:
    """The teacher portfolio's line counts 0–16 hours per event."""
    return max(0, min(hours, MAX_PORTFOLIO_HOURS))
