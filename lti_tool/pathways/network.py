"""Network courses in a student's route (issue 12): the courses of partner schools
(``lti_tool/exchange``) offered in the builder, read back from the posted form, and shown
with the host school and the student's request on the route page, in the tutor's review and
in the class XLSX.

Pathways asks ``exchange.services`` only, never its tables. A route item of kind «network»
carries the course's public id and, as a snapshot, its title, subject and host school (the
plan keeps its reading if the host renames the course); its hours are the course's total
shared over the route's school years (``rules.network_hours``). The request's state is
never stored in the plan: it is read live, so a page shows the schools' latest decision.

Choosing a course puts it in the plan only. Asking the two schools for a place is the
student's explicit click («Выбрать и подать заявку»): a draft is saved many times before
the parent agrees, and a request on every save would reach two coordinators for courses the
student is only trying out; a course left in the plan without a request says so in the
builder, on the route page and to the tutor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lti_tool.core.viewer import Viewer
from lti_tool.exchange import access as exchange_access
from lti_tool.exchange import services as exchange
from lti_tool.journal.queries import Period, SubjectTotal
from lti_tool.pathways.models import Route
from lti_tool.pathways.rules import NETWORK, network_hours

#: request states in which the student is waiting for a place (and may still withdraw)
OPEN = ("requested", "home_approved", "host_approved")
#: request states in which the student holds or is waiting for a place
HELD = (*OPEN, "enrolled")
#: the request's state in the class XLSX (a Russian document, as the rest of the sheet)
STATE_NAMES = {"": "не подана", "requested": "ждёт решения школ",
               "home_approved": "одобрена своей школой",
               "host_approved": "одобрена школой-партнёром", "enrolled": "зачислен",
               "refused": "отказ", "withdrawn": "отозвана"}
REFUSED_FORM = "Сетевые курсы: такой курс не предлагается вашей школе; выберите курс из списка."


@dataclass(frozen=True)
class Choice:
    course: exchange.RouteCourse
    hours10: float
    hours11: float

    @property
    def public_id(self) -> str:
        return self.course.public_id

    @property
    def held(self) -> bool:
        """The student holds or awaits a place (a request both schools see)."""
        return self.course.state in HELD

    @property
    def can_request(self) -> bool:
        return self.course.state not in HELD and self.course.places_left > 0

    @property
    def can_withdraw(self) -> bool:
        """No school has decided both ways yet: the student may take the request back."""
        return self.course.state in OPEN and bool(self.course.request)


def choices(session: Session, route: Route) -> list[Choice]:
    """Courses of the student's networks that run within the route's two school years, in
    a grade the course admits."""
    out = []
    for course in exchange.route_courses(session, route.student_id, route.organisation_id):
        hours = network_hours(course.hours, course.starts_on, course.ends_on, route.start,
                              course.grades)
        if hours is not None:
            out.append(Choice(course, *hours))
    return out


def item(choice: Choice) -> dict[str, Any]:
    c = choice.course
    return {"course": c.title, "level": c.level, "hours10": choice.hours10,
            "hours11": choice.hours11, "kind": NETWORK, "network": c.public_id,
            "subject": c.subject, "host": c.host_name}


def in_plan(data: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Public id → the plan's network item."""
    return {str(i.get("network")): i for i in (data or {}).get("items", [])
            if i.get("kind") == NETWORK}


def read(posted: list[str], options: list[Choice], route: Route
         ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The network items of a posted builder form, and errors by field. A course no longer
    offered (the host unpublished it, the dates moved) stays when the saved plan has it;
    any other id — another network's course, the school's own, a made-up one — refuses the
    whole form, so nothing is saved."""
    offered = {o.public_id: o for o in options}
    saved = {**in_plan(route.in_force), **in_plan(route.data)}
    items, unknown = [], []
    for public_id in dict.fromkeys(p.strip() for p in posted if p.strip()):
        if public_id in offered:
            items.append(item(offered[public_id]))
        elif public_id in saved:
            items.append(dict(saved[public_id]))
        else:
            unknown.append(public_id)
    return items, ({"network": REFUSED_FORM} if unknown else {})


@dataclass(frozen=True)
class Line:
    """A network item of a plan as a page shows it: the item and the request's state now."""

    item: dict[str, Any]
    state: str  # "" = not requested
    reason: str
    request: str = ""  # the latest request's public id

    @property
    def can_withdraw(self) -> bool:
        return self.state in OPEN and bool(self.request)


def lines(session: Session, route: Route, data: dict[str, Any] | None = None) -> list[Line]:
    """The plan's network courses with the student's request for each, read now."""
    items = in_plan(route.data if data is None else data)
    if not items:
        return []
    known = {c.public_id: c for c in exchange.route_courses(
        session, route.student_id, route.organisation_id)}
    return [Line(i, known[p].state, known[p].reason, known[p].request) if p in known
            else Line(i, "", "") for p, i in items.items()]


def states(session: Session, route: Route) -> dict[str, tuple[str, str]]:
    """Public id → (request state, refusal reason) for the plan's network courses."""
    return {str(ln.item.get("network")): (ln.state, ln.reason) for ln in lines(
        session, route, {"items": [*in_plan(route.in_force).values(),
                                   *in_plan(route.data).values()]})}


def ask(session: Session, route: Route, public_id: str) -> str:
    """The student asks for a place from the builder; '' when sent, else the reason (the
    exchange decides: a course of their networks, no clash, room, not asked already)."""
    try:
        exchange.request_for_route(session, public_id, route.student_id, route.organisation_id)
    except exchange.RuleError as exc:
        return exchange.refusal(exc)
    return ""


@dataclass(frozen=True)
class Withdrawn:
    title: str
    in_plan: bool  # the course stays in the plan until the student unticks it and saves


def withdraw(session: Session, viewer: Viewer, route: Route, request_id: str
             ) -> Withdrawn | str | None:
    """The student takes back a request from the builder (as on the course page). None: no
    such request of this route's student at this school among their network courses (the
    view answers 404); a string: the exchange refuses (a school has decided: enrolled,
    refused, withdrawn already), nothing changed. The plan is not touched: the student
    unticks the course and saves, as any change of the plan."""
    found = next((c for c in exchange.route_courses(session, route.student_id,
                                                    route.organisation_id)
                  if request_id and c.request == request_id), None)
    req = exchange.request_by_public_id(session, request_id) if found else None
    if found is None or req is None or not exchange_access.can_withdraw(viewer, req):
        return None
    try:
        exchange.withdraw(session, req, viewer.person_id)
    except exchange.RuleError as exc:
        return exchange.refusal(exc)
    return Withdrawn(found.title, found.public_id in in_plan(route.data))


def unsettled(session: Session, org_id: int, routes: list[Route]
              ) -> dict[int, list[tuple[str, str, str]]]:
    """Student → the plan's network courses without a place asked for or held (no request,
    refused, withdrawn): (title, host, state) — the tutor's class view, one query a class."""
    planned = {r.student_id: in_plan(r.data) for r in routes}
    if not any(planned.values()):
        return {}
    states = exchange.request_states(session, [s for s, p in planned.items() if p], org_id)
    out: dict[int, list[tuple[str, str, str]]] = {}
    for sid, items in planned.items():
        for public_id, i in items.items():
            state = states.get((sid, public_id), "")
            if state not in HELD:
                out.setdefault(sid, []).append((str(i.get("course", "")),
                                                str(i.get("host", "")), state))
    return out


# --- the host's journal in the route's progress ----------------------------------------------


@dataclass(frozen=True)
class Counted:
    """A network course of the plan whose host marks count in the route's progress."""

    course: str  # public id
    title: str
    host: str
    marks: int
    absences: int


def host_journal(session: Session, org_id: int, plans: Mapping[int, Mapping[str, Any]],
                 first: date, last: date) -> exchange.HostJournal | None:
    """The hosts' marks and absences of the plans' network courses the students are
    enrolled in, for a whole class at once; None (no query) when no plan holds one."""
    wanted = {sid: set(in_plan(dict(plan))) for sid, plan in plans.items()}
    wanted = {sid: ids for sid, ids in wanted.items() if ids}
    if not wanted:
        return None
    return exchange.route_marks(session, org_id, wanted, first, last)


def _period(day: date, spans: Sequence[Period]) -> str | None:
    return next((key for key, start, end in spans if start <= day <= end), None)


def by_period(found: exchange.HostJournal | None, student_id: int, plan: Mapping[str, Any],
              spans: Sequence[Period]
              ) -> tuple[dict[str, dict[str, SubjectTotal]], dict[str, dict[str, int]],
                         list[Counted]]:
    """One student's host marks as the journal's period queries give the home ones (period
    → the host's subject → totals; period → subject → lessons missed), and what each
    enrolled course brought, for the page to name where the marks come from."""
    marks: dict[str, dict[str, SubjectTotal]] = {}
    missed: dict[str, dict[str, int]] = {}
    if found is None:
        return marks, missed, []
    tally: dict[str, list[int]] = {c: [0, 0] for s, c in found.enrolled if s == student_id}
    for m in found.marks:
        key = _period(m.date, spans) if m.student_id == student_id else None
        if key is None:
            continue
        held = marks.setdefault(key, {}).get(m.subject)
        marks[key][m.subject] = SubjectTotal(
            (held.marks if held else 0) + 1, 0, 0,
            (held.weighted_sum if held else 0.0) + m.value * m.weight,
            (held.weight_sum if held else 0.0) + m.weight,
            max(held.last, m.date) if held else m.date)
        tally[m.course][0] += 1
    for a in found.absences:
        key = _period(a.date, spans) if a.student_id == student_id else None
        if key is None:
            continue
        missed.setdefault(key, {})[a.subject] = missed.get(key, {}).get(a.subject, 0) + 1
        tally[a.course][1] += 1
    items = in_plan(dict(plan))
    return marks, missed, [Counted(c, str(items.get(c, {}).get("course", "")),
                                   str(items.get(c, {}).get("host", "")), n, k)
                           for c, (n, k) in tally.items()]
