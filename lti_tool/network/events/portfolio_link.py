"""An attended network event lands in the participant's teacher portfolio (issue 13), in the
section «Профессиональное совершенствование» with its hours (band «семинары, мастер-классы,
вебинары (до 16 ч)») and the certificate attached, unconfirmed until the school's moderator
confirms it — the portfolio's own rule for anything added on a person's behalf."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy.orm import Session

from lti_tool.network.events import certificate, rules, services
from lti_tool.network.events.models import EventRegistration, NetworkEvent
from lti_tool.people import services as people

log = logging.getLogger("marshrut.network")
KIND_TITLES = {"webinar": "Вебинар", "master_class": "Мастер-класс", "seminar": "Семинар",
               "vcs_lesson": "Видеоконференц-урок"}


def record(session: Session, instance_path: Path, event: NetworkEvent,
           reg: EventRegistration, network_name: str, actor_id: int) -> bool:
    from lti_tool.portfolio import services as portfolio
    from lti_tool.portfolio.storage import store_for

    owner = people.person(session, reg.person_id)
    if owner is None:
        return False
    when = rules.local(event.starts_at, rules.MOSCOW).date()
    names = services.org_names(session, event)
    organiser = names.get(event.organiser_org_id, "")
    data = {"section": "development", "title": f"{KIND_TITLES.get(event.kind, '')} "
            f"«{event.title}»", "level": "municipal", "result": "participant",
            "achieved_on": when, "hours": rules.portfolio_hours(event.hours),
            "description": f"Сеть «{network_name}», организатор: {organiser}. "
                           f"Сертификат № {reg.certificate_no}."}
    pdf = portfolio.NewFile(f"certificate-{reg.certificate_no}.pdf",
                            certificate.render(event, reg, network_name, names))
    try:
        portfolio.add_achievement(
            session, store_for(instance_path, os.environ.get("MARSHRUT_EVIDENCE_DIR")),
            actor_id=actor_id, org_id=reg.organisation_id, owner=owner, kind="teacher",
            data=data, files=[pdf])
    except (LookupError, ValueError) as exc:  # the school removed the section: the list stays
        log.warning("event not added to the portfolio", extra={"error": type(exc).__name__})
        return False
    return True
