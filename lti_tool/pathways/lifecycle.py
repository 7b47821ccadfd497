"""The route's states and who may move it where: a pure table, checked before any write.

draft → submitted → in_review → approved → active → completed; the tutor may return a route in
review to draft with recommendations. An active route that the student changes goes back
through draft/submitted/in_review while its approved plan stays in force; approving such a
change returns it straight to active.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT, SUBMITTED, IN_REVIEW = "draft", "submitted", "in_review"
APPROVED, ACTIVE, COMPLETED = "approved", "active", "completed"
STATES = (DRAFT, SUBMITTED, IN_REVIEW, APPROVED, ACTIVE, COMPLETED)
STATE_NAMES = {DRAFT: "черновик", SUBMITTED: "отправлен", IN_REVIEW: "на рассмотрении",
               APPROVED: "утверждён", ACTIVE: "действует", COMPLETED: "завершён"}

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
    Move("edit", (DRAFT, ACTIVE, APPROVED), DRAFT, (STUDENT,), "Изменить"),
    Move("submit", (DRAFT,), SUBMITTED, (STUDENT,), "Отправить на согласование"),
    Move("agree", (SUBMITTED, IN_REVIEW), "", (PARENT, TUTOR), "Согласие родителя"),
    Move("take", (SUBMITTED,), IN_REVIEW, (TUTOR,), "Взять на рассмотрение"),
    Move("return", (IN_REVIEW, SUBMITTED), DRAFT, (TUTOR,), "Вернуть с рекомендациями"),
    Move("approve", (IN_REVIEW,), APPROVED, (TUTOR,), "Утвердить"),
    Move("activate", (APPROVED,), ACTIVE, (TUTOR,), "Начать выполнение"),
    Move("complete", (ACTIVE,), COMPLETED, (TUTOR,), "Завершить"),
    # A planned olympiad, conference or competition took place: no review, the plan is kept.
    Move("event", (DRAFT, SUBMITTED, IN_REVIEW, APPROVED, ACTIVE), "", (STUDENT, TUTOR),
         "Мероприятие выполнено"),
)}


class Refused(Exception):
    """A move that is not allowed, with the reason in Russian."""


def target_of(action: str, state: str, actor: str, *, agreed: bool = False,
              plan_ok: bool = True, was_active: bool = False) -> str:
    """The state after ``action``, or :class:`Refused` saying why not."""
    move = MOVES.get(action)
    if move is None:
        raise Refused(f"Неизвестное действие «{action}».")
    if actor not in move.actors:
        raise Refused(f"Действие «{move.title}» вам недоступно.")
    if state not in move.source:
        raise Refused(f"Действие «{move.title}» невозможно: маршрут в состоянии "
                      f"«{STATE_NAMES.get(state, state)}».")
    if action == "submit" and not plan_ok:
        raise Refused("План не проходит проверку: исправьте нарушения и отправьте снова.")
    if action == "approve" and not agreed:
        raise Refused("Нет согласия родителя (законного представителя): его даёт родитель в "
                      "Маршруте или тьютор вносит бумажное согласие с датой.")
    if action == "approve" and was_active:
        return ACTIVE
    return move.target or state


def allowed(state: str, actor: str) -> list[Move]:
    """The moves an actor may try in a state (buttons on the page)."""
    return [m for m in MOVES.values() if state in m.source and actor in m.actors]
