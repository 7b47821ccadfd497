"""The route's states and who may move it where: a pure table, checked before any write.

draft → submitted → in_review → approved → active → completed; the tutor may return a route in
review to draft with recommendations. An active route that the student changes goes back
through draft/submitted/in_review while its approved plan stays in force; approving such a
change returns it straight to active.
"""

from __future__ import annotations

from dataclasses import dataclass

from lti_tool.pathways.messages import N_, Text

DRAFT, SUBMITTED, IN_REVIEW = "draft", "submitted", "in_review"
APPROVED, ACTIVE, COMPLETED = "approved", "active", "completed"
STATES = (DRAFT, SUBMITTED, IN_REVIEW, APPROVED, ACTIVE, COMPLETED)
STATE_NAMES = {DRAFT: N_("черновик"), SUBMITTED: N_("отправлен"), IN_REVIEW: N_("на рассмотрении"),
               APPROVED: N_("утверждён"), ACTIVE: N_("действует"), COMPLETED: N_("завершён")}

#: who acts: the student (owner), the parent, the tutor (reviewer)
STUDENT, PARENT, TUTOR = "student", "parent", "tutor"


@dataclass(frozen=True)
class Move:
    action: str
    source: tuple[str, ...]
    target: str  # "" = stays where it is
    actors: tuple[str, ...]
    title: str


MOVES: dict[str, Move] = {m.action: m for m in (
    Move("edit", (DRAFT, ACTIVE, APPROVED), DRAFT, (STUDENT,), N_("Изменить")),
    Move("submit", (DRAFT,), SUBMITTED, (STUDENT,), N_("Отправить на согласование")),
    Move("agree", (SUBMITTED, IN_REVIEW), "", (PARENT, TUTOR), N_("Согласие родителя")),
    Move("take", (SUBMITTED,), IN_REVIEW, (TUTOR,), N_("Взять на рассмотрение")),
    Move("return", (IN_REVIEW, SUBMITTED), DRAFT, (TUTOR,), N_("Вернуть с рекомендациями")),
    Move("approve", (IN_REVIEW,), APPROVED, (TUTOR,), N_("Утвердить")),
    Move("activate", (APPROVED,), ACTIVE, (TUTOR,), N_("Начать выполнение")),
    Move("complete", (ACTIVE,), COMPLETED, (TUTOR,), N_("Завершить")),
    # A planned olympiad, conference or competition took place: no review, the plan is kept.
    Move("event", (DRAFT, SUBMITTED, IN_REVIEW, APPROVED, ACTIVE), "", (STUDENT, TUTOR),
         N_("Мероприятие выполнено")),
)}


class Refused(Exception):
    """A move that is not allowed, with the reason (a ``Text``: Russian, translated when a
    page shows it through ``messages.shown``)."""


def target_of(action: str, state: str, actor: str, *, agreed: bool = False,
              plan_ok: bool = True, was_active: bool = False) -> str:
    """The state after ``action``, or :class:`Refused` saying why not."""
    move = MOVES.get(action)
    if move is None:
        raise Refused(Text(N_("Неизвестное действие «%(action)s»."), action=action))
    if actor not in move.actors:
        raise Refused(Text(N_("Действие «%(move)s» вам недоступно."), move=Text(move.title)))
    if state not in move.source:
        raise Refused(Text(N_("Действие «%(move)s» невозможно: маршрут в состоянии "
                              "«%(state)s»."), move=Text(move.title),
                           state=Text(STATE_NAMES.get(state, state))))
    if action == "submit" and not plan_ok:
        raise Refused(Text(N_("План не проходит проверку: исправьте нарушения и отправьте "
                              "снова.")))
    if action == "approve" and not agreed:
        raise Refused(Text(N_("Нет согласия родителя (законного представителя): его даёт "
                              "родитель в Маршруте или тьютор вносит бумажное согласие с "
                              "датой.")))
    if action == "approve" and was_active:
        return ACTIVE
    return move.target or state


def allowed(state: str, actor: str) -> list[Move]:
    """The moves an actor may try in a state (buttons on the page)."""
    return [m for m in MOVES.values() if state in m.source and actor in m.actors]
