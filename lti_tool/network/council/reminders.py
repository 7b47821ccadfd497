"""The quarter reminder by e-mail (seed 004 §5.5: a meeting at least once a quarter): in the
last month of a quarter that has no meeting held or planned, once per quarter, to the chair
(else the coordinator school's registry contact). Each reminder sent is an audit entry, which
is also how «once» is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import AuditEntry, audit
from lti_tool.network import services as network_services
from lti_tool.network.council import rules, services
from lti_tool.network.council.models import Council
from lti_tool.network.models import Network
from lti_tool.people import services as people

Mailer = Callable[[str, str, str], bool]
ACTION = "council.quarter_reminder"


def _address(session: Session, network: Network, council: Council) -> str:
    chair = services.officer(session, council.id, "chair")
    if chair is not None:
        email = people.contacts(session, [chair.person_id]).get(chair.person_id, ("", None))[1]
        if email:
            return email
    member = network_services.membership(session, network.id, network.coordinator_id)
    return member.contact_email if member is not None else ""


def send_due(session: Session, mailer: Mailer | None, today: date | None = None
             ) -> dict[str, int]:
    day = today or date.today()
    year, quarter = rules.quarter_of(day)
    if day.month % 3 != 0:  # only in the quarter's last month: there is still time
        return {"due": 0, "mailed": 0}
    due = mailed = 0
    for council in session.scalars(select(Council)):
        if (year, quarter) not in services.quarter_gaps(session, council, day):
            continue
        key = f"{year}-Q{quarter}"
        sent = session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == ACTION, AuditEntry.entity_id == str(council.id),
            AuditEntry.details["quarter"].as_string() == key).limit(1))
        if sent is not None:
            continue
        network = session.get(Network, council.network_id)
        if network is None:
            continue
        due += 1
        to = _address(session, network, council)
        if to and mailer is not None:
            body = (f"В {quarter}-й четверти {year} года у координационного совета сети "
                    f"«{network.name}» нет заседания. По положению совет собирается не реже "
                    "одного раза в четверть: назначьте заседание в Маршруте.")
            mailed += bool(mailer(to, f"Нет заседания совета в {quarter}-й четверти", body))
        audit(session, None, network.coordinator_id, ACTION, "council", council.id,
              quarter=key, to=bool(to))
    return {"due": due, "mailed": mailed}
