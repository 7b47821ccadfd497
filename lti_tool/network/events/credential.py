"""The participant's Open Badges 3.0 AchievementCredential for an attended event, as a VC-JWT
signed (EdDSA) by the organising school's key — the same per-school key and ``did:key``
issuer the portfolio export uses (``portfolio.export.school_key``), so a school has one
issuer identity and anyone verifies the file offline from the key in its id."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from openbadgeslib.ob3 import (  # type: ignore[import-untyped,unused-ignore]
    Achievement,
    Issuer,
    OB3Signer,
    OpenBadgeCredential,
)

from lti_tool.network.events import rules
from lti_tool.network.events.models import EventRegistration, NetworkEvent
from lti_tool.network.models import Network
from lti_tool.portfolio.export import school_key

KIND_NAMES = {"webinar": "Вебинар", "master_class": "Мастер-класс", "seminar": "Семинар",
              "vcs_lesson": "Видеоконференц-урок"}
MEDIA_TYPE = "application/vc+jwt"


def token(secret: str, base_url: str, network: Network, event: NetworkEvent,
          reg: EventRegistration, person_public_id: str, organiser_name: str,
          organiser_slug: str) -> str:
    key = school_key(secret, organiser_slug)
    when = rules.local(event.starts_at, rules.MOSCOW).strftime("%d.%m.%Y")
    achievement = Achievement(
        id=f"{base_url.rstrip('/')}/network/{network.slug}/events/{event.public_id}",
        name=f"{KIND_NAMES.get(event.kind, '')} «{event.title}»",
        description=f"{when}, {event.hours} ч. Сеть «{network.name}», организатор: "
                    f"{organiser_name}.",
        criteria_narrative="Участие в мероприятии, отмеченное организатором.",
        achievement_type="Achievement", tags=[f"marshrut:hours={event.hours}"])
    subject = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                           f"marshrut:person:{person_public_id}"))
    credential = OpenBadgeCredential(
        issuer=Issuer(id=key.did, name=organiser_name), recipient_id=subject,
        achievement=achievement,
        id="urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                        f"marshrut:certificate:{reg.certificate_no}")),
        name=f"Сертификат № {reg.certificate_no}", issuance_date=datetime.now(UTC))
    return str(OB3Signer(key.private_pem, algorithm="EdDSA").sign(credential))
