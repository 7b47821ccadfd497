"""Use cases of routes, one transaction each (the caller commits): start, edit, move, compare.

Every call decides access first (``pathways.access``), then the move (``lifecycle``), then
checks the optimistic lock, and only then writes the route, a new ``RouteVersion`` and an
audit entry. A refusal raises before anything is written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.core.viewer import Viewer
from lti_tool.db import utcnow
from lti_tool.pathways import access, lifecycle
from lti_tool.pathways.lifecycle import Refused
from lti_tool.pathways.messages import N_, Text
from lti_tool.pathways.models import Route, RouteVersion, SchoolOffer
from lti_tool.pathways.rules import Item, Plan, Verdict, check


class Conflict(Exception):
    """The route changed since the page was opened (optimistic lock)."""

    def __init__(self, current: int) -> None:
        super().__init__(Text(
            N_("Маршрут уже изменён кем-то другим (сейчас версия %(current)s). Ваши изменения "
               "не сохранены: обновите страницу, проверьте новую версию и внесите их снова."),
            current=current))
        self.current = current


class Forbidden(Exception):
    """The viewer may not see or do this; nothing about the route is told."""


def empty_data(profile: str = "universal", week_days: int = 6) -> dict[str, Any]:
    return {"profile": profile, "week_days": week_days, "items": [], "answers": {},
            "targets": {}, "events": [], "resources": []}


def plan_of(data: dict[str, Any], start: date) -> Plan:
    items = tuple(Item(str(i.get("course", "")), str(i.get("level", "basic")),
                       float(i.get("hours10") or 0), float(i.get("hours11") or 0),
                       str(i.get("kind", "subject")), str(i.get("subject") or "") or None)
                  for i in data.get("items", []))
    return Plan(str(data.get("profile", "")), start, items, int(data.get("week_days") or 6))


def verdict(session: Session, route: Route, data: dict[str, Any] | None = None) -> Verdict:
    """The one check of a school's plan (pages, API, jobs, bench): the national editions and
    those of the school's region (``regional.editions_for``), the region's in force first."""
    from lti_tool.pathways import regional

    return check(plan_of(route.data if data is None else data, route.start),
                 regional=regional.editions_for(session, route.organisation_id))


def offer_settings(session: Session, org_id: int) -> SchoolOffer:
    """The school's settings, or the defaults (not saved) when it has set none yet."""
    found = session.scalars(select(SchoolOffer).where(
        SchoolOffer.organisation_id == org_id)).first()
    return found or SchoolOffer(organisation_id=org_id, week_days=6, mark_margin=0.5,
                                absence_limit=10, term_scheme="halves", profiles=[],
                                groups={}, questions=[])


def week_days(session: Session, org_id: int) -> int:
    offer = session.scalars(select(SchoolOffer).where(
        SchoolOffer.organisation_id == org_id)).first()
    return offer.week_days if offer is not None else 6


def _record(session: Session, route: Route, action: str, actor_id: int | None,
            comment: str = "") -> None:
    number = (session.scalar(select(RouteVersion.number).where(
        RouteVersion.route_id == route.id).order_by(RouteVersion.number.desc()).limit(1)) or 0)
    session.add(RouteVersion(route_id=route.id, number=number + 1, action=action,
                             state=route.state, actor_id=actor_id, comment=comment,
                             data=copy.deepcopy(route.data)))
    audit(session, actor_id, route.organisation_id, f"route.{action}", "pathway_route",
          route.public_id, state=route.state)


def start_route(session: Session, viewer: Viewer, start: date,
                data: dict[str, Any] | None = None) -> Route:
    if not access.can_start_route(viewer):
        raise Forbidden()
    existing = session.scalars(select(Route).where(
        Route.organisation_id == viewer.organisation_id, Route.student_id == viewer.person_id,
        Route.state != lifecycle.COMPLETED)).first()
    if existing is not None:
        return existing
    route = Route(organisation_id=viewer.organisation_id, student_id=viewer.person_id,
                  start=start, state=lifecycle.DRAFT,
                  data=data or empty_data(week_days=week_days(session,
                                                              viewer.organisation_id)))
    session.add(route)
    session.flush()
    _record(session, route, "create", viewer.person_id)
    return route


def route_for(session: Session, viewer: Viewer, public_id: str) -> tuple[Route, str]:
    """The route and the viewer's relation, or Forbidden (another school's: the same)."""
    route = session.scalars(select(Route).where(Route.public_id == public_id)).first()
    rel = None if route is None else access.relation(session, viewer, route)
    if route is None or rel is None:
        raise Forbidden()
    return route, rel


def act(session: Session, viewer: Viewer, route: Route, action: str, expected: int, *,
        data: dict[str, Any] | None = None, comment: str = "",
        paper_date: date | None = None, event: int | None = None) -> Route:
    """Apply one lifecycle move (``edit`` saves ``data``); refusals raise before any write."""
    who = access.actor(session, viewer, route)
    if who is None:
        raise Forbidden() if not access.can_view_route(session, viewer, route) else Refused(
            Text(N_("У вас доступ к маршруту только для чтения.")))
    if action == "agree" and who == lifecycle.TUTOR and paper_date is None:
        raise Refused(Text(N_("Укажите дату бумажного согласия родителя.")))
    target = lifecycle.target_of(
        action, route.state, who, agreed=route.agreed_at is not None,
        plan_ok=verdict(session, route).ok, was_active=route.in_force is not None)
    if action == "event" and not 0 <= (event if event is not None else -1) < len(
            route.data.get("events", [])):
        raise Refused(Text(N_("Нет такого мероприятия в маршруте.")))
    if route.version != expected:
        raise Conflict(route.version)
    if action == "event":
        assert event is not None
        for holder in ("data", "in_force"):
            value = copy.deepcopy(getattr(route, holder))
            if value and event < len(value.get("events", [])):
                value["events"][event]["done"] = True
                setattr(route, holder, value)
    elif action == "edit":
        route.data = copy.deepcopy(data if data is not None else route.data)
        route.agreed_at, route.agreed_by, route.agreement, route.paper_date = (
            None, None, "", None)  # the parent agreed to another plan
    elif action == "agree":
        route.agreed_at, route.agreed_by = utcnow(), viewer.person_id
        route.agreement = "paper" if who == lifecycle.TUTOR else "tool"
        route.paper_date = paper_date
    elif action == "return":
        route.recommendation = comment
    elif action == "approve":
        route.in_force = copy.deepcopy(route.data)
        route.recommendation = ""
    route.state = target
    route.updated_at = utcnow()
    session.flush()  # the version counter: a concurrent writer makes this UPDATE fail
    _record(session, route, action, viewer.person_id, comment)
    if action in ("edit", "approve", "event"):  # new targets, a new plan, an event done
        refresh_progress(session, route.organisation_id, [route.student_id], date.today())
    return route


def refresh_progress(session: Session, org_id: int, student_ids: list[int] | None,
                     today: date) -> int:
    """Store the progress rows of these students' latest routes (all routes: None)."""
    from lti_tool.pathways import progress

    query = select(Route).where(Route.organisation_id == org_id).order_by(Route.id)
    if student_ids is not None:
        query = query.where(Route.student_id.in_(student_ids))
    plans = {r.student_id: progress.Measured(r.start, r.in_force or r.data)
             for r in session.scalars(query)}
    settings = offer_settings(session, org_id)
    if plans:
        progress.refresh(session, org_id, plans, scheme=settings.term_scheme,
                         margin=settings.mark_margin, absence_limit=settings.absence_limit,
                         today=today)
    return len(plans)


def versions(session: Session, route: Route) -> list[RouteVersion]:
    return list(session.scalars(select(RouteVersion).where(
        RouteVersion.route_id == route.id).order_by(RouteVersion.number)))


@dataclass(frozen=True)
class Change:
    course: str
    before: str
    after: str


def _line(item: dict[str, Any]) -> str:
    level = "углубл." if item.get("level") == "advanced" else "баз."
    return f"{level} {item.get('hours10', 0):g}/{item.get('hours11', 0):g} ч"


def _name(item: dict[str, Any]) -> str:
    """A network course is named with its host school (a course title is not unique)."""
    if item.get("kind") == "network":
        return f"{item.get('course', '')} (сетевой курс, {item.get('host', '')})"
    return str(item.get("course", ""))


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Two versions side by side: each course whose level or hours differ, added or removed."""
    a = {_name(i): _line(i) for i in old.get("items", [])}
    b = {_name(i): _line(i) for i in new.get("items", [])}
    out = [Change(c, a.get(c, "—"), b.get(c, "—")) for c in sorted(a.keys() | b.keys())
           if a.get(c) != b.get(c)]
    if old.get("profile") != new.get("profile"):
        out.insert(0, Change("Профиль", str(old.get("profile")), str(new.get("profile"))))
    return out
