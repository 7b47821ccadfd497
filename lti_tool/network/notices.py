"""Who hears what from the network's daily job: the council's chair when a quarter has no
meeting, a cycle task's owner when it is due soon or overdue, the registered teachers when an
event is near. Through ``notifications`` (an entry in the tool, e-mail per the person's own
preference), keyed so a re-run of the job tells nobody twice — as the exchange does in
``exchange/notices.py``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.network.events import rules as event_rules
from lti_tool.network.events.models import EventRegistration, NetworkEvent
from lti_tool.network.models import Network
from lti_tool.notifications import services as notifications
from lti_tool.people import services as people


def _told(rows: list[object | None]) -> int:
    return sum(1 for r in rows if r is not None)


def quarter_without_meeting(session: Session, network: Network, chair_id: int | None,
                            council_id: int, year: int, quarter: int) -> int:
    """To the chair; before the council has one, to the coordinator school's admins (they
    convene the first meeting)."""
    to = [chair_id] if chair_id is not None else people.admins_of(session,
                                                                  network.coordinator_id)
    title = f"Нет заседания совета в {quarter}-й четверти {year} года"
    body = (f"У координационного совета сети «{network.name}» нет заседания в этой четверти. "
            "По положению совет собирается не реже одного раза в четверть: назначьте заседание.")
    return _told([notifications.notify(
        session, pid, "network.council.quarter", title, body=body,
        link=("council.index", {"network_id": network.public_id}),
        organisation_id=network.coordinator_id,
        key=f"council.quarter:{council_id}:{year}-Q{quarter}") for pid in to])


def task_owners(session: Session, network: Network, owner_org_id: int | None,
                owner_email: str) -> list[int]:
    """The task's owner as a person: the staff member of the owner school with the task's
    e-mail; else that school's admins; a task without a school falls to the coordinator's."""
    org_id = owner_org_id if owner_org_id is not None else network.coordinator_id
    if owner_email:
        staff = people.staff_of(session, [org_id], ("admin", "teacher", "tutor"))
        same = [p.id for p, _org in staff if (p.email or "").lower() == owner_email.lower()]
        if same:
            return same[:1]
    return people.admins_of(session, org_id)


def task_due(session: Session, network: Network, task_id: str, title: str, details: str,
             due: str, overdue: bool, owners: list[int]) -> int:
    subject = f"Просрочено: {title}" if overdue else f"Срок {due}: {title}"
    body = (f"Задача сетевого календаря «{network.name}». Срок: {due}.\n{details}".strip()
            + "\nОтметьте выполнение в календаре сети.")
    phase = "overdue" if overdue else "due"
    return _told([notifications.notify(
        session, pid, "network.cycle.task", subject, body=body,
        link=("cycle.index", {"network_id": network.public_id}),
        organisation_id=network.coordinator_id, key=f"network.cycle:{task_id}:{phase}")
        for pid in owners])


def event_soon(session: Session, network: Network, event: NetworkEvent,
               registration: EventRegistration) -> bool:
    """One reminder per registered teacher, in Moscow time and in their region's time."""
    moscow = event_rules.local(event.starts_at, event_rules.MOSCOW)
    when = moscow.strftime("%d.%m.%Y %H:%M") + " (МСК)"
    if registration.timezone != event_rules.MOSCOW:
        mine = event_rules.local(event.starts_at, registration.timezone)
        zone = event_rules.ZONES.get(registration.timezone, registration.timezone)
        when += f", у вас {mine.strftime('%H:%M')} — {zone}"
    body = f"Сеть «{network.name}». Начало: {when}."
    if event.room_url:
        body += f"\nСсылка на комнату: {event.room_url}"
    return notifications.notify(
        session, registration.person_id, "network.event.soon", f"Скоро: «{event.title}»",
        body=body, link=("events.detail", {"network_id": network.public_id,
                                           "event_id": event.public_id}),
        organisation_id=registration.organisation_id,
        key=f"network.event.soon:{event.public_id}") is not None


def regional_change(session: Session, parent: Network, child: Network, attached: bool) -> int:
    """The network's own coordinators learn that a regional network took it in (and now reads
    its pages) or let it go."""
    title = (f"Сеть «{child.name}» включена в региональную сеть «{parent.name}»" if attached
             else f"Сеть «{child.name}» исключена из региональной сети «{parent.name}»")
    # No key: attach, detach and attach again are three changes, each told once.
    body = ("Координатор региональной сети видит страницы вашей сети (участники, совет, "
            "календарь) без права изменять их." if attached else "")
    return _told([notifications.notify(
        session, pid, "network.regional", title, body=body,
        link=("network.detail", {"public_id": child.public_id}),
        organisation_id=child.coordinator_id)
        for pid in people.admins_of(session, child.coordinator_id)])
