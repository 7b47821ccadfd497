"""Events as iCalendar (RFC 5545, the ``icalendar`` library) for a teacher's calendar app.

The feed address carries a key derived from the server's secret and the network, so a
calendar app (which carries no launch token) can subscribe, and nobody can guess it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from icalendar import Calendar, Event

from lti_tool.network.events.models import NetworkEvent


def feed_key(secret: str, network_public_id: str) -> str:
    return hmac.new(secret.encode(), f"events:{network_public_id}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def calendar(events: list[NetworkEvent], name: str, base_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Marshrut//network events//RU")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for e in events:
        if e.status == "cancelled":
            continue
        item = Event()
        item.add("uid", f"{e.public_id}@marshrut")
        item.add("summary", e.title)
        item.add("dtstart", e.starts_at)
        item.add("dtend", e.starts_at + timedelta(minutes=e.duration_minutes))
        item.add("dtstamp", e.created_at)
        item.add("description", "\n".join(p for p in (e.description, e.room_url) if p))
        if e.room_url:
            item.add("location", e.room_url)
            item.add("url", e.room_url)
        cal.add_component(item)
    return cal.to_ical()
