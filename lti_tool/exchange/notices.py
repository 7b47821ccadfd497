"""Who hears what in the exchange: a pupil (and their parents) when a school decides on their
request, the home school's coordinators when a marks package or report cards arrive. Through
``notifications`` (in the tool and by e-mail), in the same transaction as the change, keyed
so a retried job tells nobody twice."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.exchange import rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse, TransferPackage
from lti_tool.notifications import services as notifications
from lti_tool.people import services as people


def request_decided(session: Session, req: CourseRequest, course: NetworkCourse) -> None:
    """Only the outcomes a family acts on: enrolled, or refused with the reason."""
    if req.state == rules.ENROLLED:
        title = f"Заявка на сетевой курс «{course.title}» одобрена"
        body = "Обе школы согласились: курс появился в вашем сетевом расписании."
    elif req.state == rules.REFUSED:
        title = f"Заявка на сетевой курс «{course.title}» отклонена"
        body = f"Причина: {req.reason}" if req.reason else ""
    else:
        return
    notifications.notify_family(
        session, req.student_id, f"exchange.request.{req.state}", title, body=body,
        link=("exchange.requests_page", {}), organisation_id=req.home_org_id,
        key=f"exchange.request:{req.public_id}:{req.state}")


def package_sent(session: Session, pkg: TransferPackage, host_name: str) -> None:
    title = f"Отметки за {pkg.period} от школы «{host_name}» (версия {pkg.version})"
    for admin in people.admins_of(session, pkg.home_org_id):
        notifications.notify(
            session, admin, "transfer.received", title,
            body="Проверьте пакет и подтвердите получение.",
            link=("exchange_transfer.package", {"public_id": pkg.public_id}),
            organisation_id=pkg.home_org_id, key=f"transfer.received:{pkg.public_id}")


def cards_delivered(session: Session, course: NetworkCourse, term_id: str,
                    home_org_ids: set[int]) -> None:
    title = f"Табели по сетевому курсу «{course.title}» ({term_id}) доставлены"
    for org_id in sorted(home_org_ids):
        for admin in people.admins_of(session, org_id):
            notifications.notify(
                session, admin, "exchange.cards.delivered", title,
                body="Внесите итоговые отметки в записи школы.",
                link=("exchange_cards.index", {}), organisation_id=org_id,
                key=f"exchange.cards:{course.public_id}:{term_id}:{org_id}")
