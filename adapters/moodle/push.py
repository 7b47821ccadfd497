"""Writing grades into Moodle with ``core_grades_update_grades``.

The call returns one code for all grades it carried (``GRADE_UPDATE_*`` in
``lib/grade/constants.php``, formerly ``lib/gradelib.php``):

====  ==========================  ==========================================================
code  constant                    what a push gets
====  ==========================  ==========================================================
0     GRADE_UPDATE_OK             ok
1     GRADE_UPDATE_FAILED         some grade failed: the chunk is split in halves and re-sent
                                  (writes are idempotent) until each failing grade is found
2     GRADE_UPDATE_MULTIPLE       failed: the activity has several grade items per itemnumber
3     GRADE_UPDATE_ITEM_DELETED   failed: the grade item was deleted (Moodle ≤ 2.x only)
4     GRADE_UPDATE_ITEM_LOCKED    failed: the grade item is locked in the gradebook
====  ==========================  ==========================================================

Feedback does not travel this way: Moodle validates each grade's ``str_feedback`` and then
drops it (``core_grades_external::update_grades`` hands ``grade_update()`` only ``userid``
and ``rawgrade``), and every entry must carry a grade. So feedback is never sent; a push
with feedback reports ``feedback_delivered=False`` and says so, and a feedback-only push
fails without a call — the teacher learns that the comment is not in Moodle.

Requests are cut so a form never exceeds the server's ``max_input_vars``: PHP drops the
excess silently, and Moodle would then write only the grades that survived.
"""

from __future__ import annotations

from typing import Any

from adapters.base import GradePush, PushOutcome
from adapters.moodle.client import UPDATE_FIXED_VARS, MoodleClient, MoodleError, update_vars

GRADE_UPDATE_OK = 0
GRADE_UPDATE_FAILED = 1
GRADE_UPDATE_MULTIPLE = 2
GRADE_UPDATE_ITEM_DELETED = 3
GRADE_UPDATE_ITEM_LOCKED = 4

MESSAGES = {
    GRADE_UPDATE_FAILED: "Moodle не смог записать оценку (GRADE_UPDATE_FAILED)",
    GRADE_UPDATE_MULTIPLE: "у активности несколько элементов оценивания с одним номером "
                           "(GRADE_UPDATE_MULTIPLE)",
    GRADE_UPDATE_ITEM_DELETED: "элемент оценивания удалён (GRADE_UPDATE_ITEM_DELETED)",
    GRADE_UPDATE_ITEM_LOCKED: "элемент оценивания заблокирован в журнале Moodle "
                              "(GRADE_UPDATE_ITEM_LOCKED)",
}

FEEDBACK_DROPPED = ("отзыв не передан: Moodle не принимает отзывы через веб-сервис "
                    "core_grades_update_grades, впишите его в журнале Moodle")
FEEDBACK_ONLY = ("оценки нет, а отзыв не передан: Moodle не принимает отзывы через "
                 "веб-сервис core_grades_update_grades")

Item = tuple[int, dict[str, Any]]  # (index of the push, grade form entry)


def push_grades(client: MoodleClient, pushes: list[GradePush],
                modules: dict[str, dict[str, Any]] | None = None) -> list[PushOutcome]:
    """One outcome per push, in order; RemoteError for the whole call (auth, outage)."""
    modules = {} if modules is None else modules
    outcomes: list[PushOutcome | None] = [None] * len(pushes)
    groups: dict[str, list[Item]] = {}
    for index, push in enumerate(pushes):
        if not push.activity_id.isdigit() or not push.student_id.isdigit():
            outcomes[index] = PushOutcome(push, False, "нужны числовые id модуля курса и "
                                                       "пользователя Moodle")
            continue
        if push.grade is None:
            outcomes[index] = PushOutcome(push, False, FEEDBACK_ONLY if push.feedback
                                          else "нет оценки для отправки",
                                          False if push.feedback else None)
            continue
        grade: dict[str, Any] = {"studentid": int(push.student_id), "grade": push.grade}
        groups.setdefault(push.activity_id, []).append((index, grade))
    for activity, items in groups.items():
        try:
            cm = modules.get(activity) or client.course_module(int(activity))
        except MoodleError as exc:
            for index, _ in items:
                outcomes[index] = _failed(pushes[index], exc.message)
            continue
        modules[activity] = cm
        for part in split(items, client.max_input_vars):
            _send(client, cm, part, pushes, outcomes)
    return [o if o is not None else PushOutcome(pushes[i], False, "не отправлено")
            for i, o in enumerate(outcomes)]


def _failed(push: GradePush, message: str) -> PushOutcome:
    return PushOutcome(push, False, message, False if push.feedback else None)


def split(items: list[Item], max_input_vars: int) -> list[list[Item]]:
    """Consecutive parts whose forms stay within ``max_input_vars`` variables."""
    budget = max_input_vars - UPDATE_FIXED_VARS
    parts: list[list[Item]] = []
    current: list[Item] = []
    used = 0
    for item in items:
        size = update_vars(item[1])
        if size > budget:
            raise ValueError(f"max_input_vars={max_input_vars} cannot carry one grade")
        if current and used + size > budget:
            parts.append(current)
            current, used = [], 0
        current.append(item)
        used += size
    if current:
        parts.append(current)
    return parts


def _send(client: MoodleClient, cm: dict[str, Any], items: list[Item],
          pushes: list[GradePush], outcomes: list[PushOutcome | None]) -> None:
    try:
        code = client.update_grades(int(cm["course"]), int(cm["id"]), [g for _, g in items],
                                    component=f"mod_{cm.get('modname') or 'assign'}")
    except MoodleError as exc:
        for index, _ in items:
            outcomes[index] = _failed(pushes[index], exc.message)
        return
    if code == GRADE_UPDATE_FAILED and len(items) > 1:
        middle = len(items) // 2
        _send(client, cm, items[:middle], pushes, outcomes)
        _send(client, cm, items[middle:], pushes, outcomes)
        return
    message = "" if code == GRADE_UPDATE_OK else MESSAGES.get(
        code, f"неизвестный код ответа Moodle: {code}")
    for index, _ in items:
        push = pushes[index]
        ok = code == GRADE_UPDATE_OK
        if push.feedback:
            note = FEEDBACK_DROPPED if ok else f"{message}; {FEEDBACK_DROPPED}"
            outcomes[index] = PushOutcome(push, ok, note, False)
        else:
            outcomes[index] = PushOutcome(push, ok, message)
