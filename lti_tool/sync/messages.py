"""A sync run's message is stored as a code with parameters and rendered when it is shown.

Runs end in a job, far from any request, so a message rendered there is always Russian: the
English UI could not translate it. The run keeps ``{"code": ..., "params": {...}}``; the page
renders it in the reader's language. A parameter may itself be a message (the cause of a
stop); text that came from the remote server stays as it came. Rows written before codes
existed keep their rendered text, shown as it is.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import gettext

from adapters.base import AuthFailed, RemoteError, RemoteUnavailable
from schemas.messages import render_data

Message = dict[str, Any]  # {"code": str, "params": {name: str | int | Message}}


def N_(text: str) -> str:  # noqa: N802 - Babel's marker: extracted, translated at display
    return text


CATALOGUE: dict[str, str] = {
    "auth.wrong_credentials": N_("Неверный логин или пароль."),
    "auth.unknown_school": N_("На сервере нет школы с таким названием. Впишите его точно так, "
                              "как в «Сетевом городе» (пароль не проверялся)."),
    "auth.locked": N_("Учётная запись временно заблокирована после неудачных попыток входа. "
                      "Подождите и проверьте пароль."),
    "auth.maintenance": N_("Сервер на техническом обслуживании. Повторите позже."),
    "auth.forbidden": N_("Учётной записи не хватает прав на чтение данных."),
    "auth.expired": N_("Сеанс истёк и не восстановился."),
    "auth.failed": N_("Вход не выполнен."),
    "auth.answered": N_("%(reason)s Ответ сервера: %(answer)s"),
    "remote.unavailable": N_("Сервер недоступен, повторите позже: %(answer)s"),
    "remote.unexpected": N_("Сервер ответил не так, как ожидалось: %(answer)s"),
    "run.interrupted": N_("Синхронизация прервалась (процесс остановлен)."),
    "run.internal_error": N_("Внутренняя ошибка: %(error)s"),
    "run.source_down": N_("Источник недоступен, синхронизация остановлена: %(cause)s"),
    "run.chunks_failed": N_("Не получены %(failed)s частей из %(total)s: %(cause)s"),
    "reject.unknown_student": N_("неизвестный ученик: %(id)s"),
    "reject.unknown_assignment": N_("неизвестное задание: %(id)s"),
}


def msg(code: str, **params: Any) -> Message:
    if code not in CATALOGUE:
        raise KeyError(code)
    return {"code": code, "params": params}


def describe(exc: RemoteError) -> Message:
    """What happened and what to do, for the school admin; never a secret."""
    if isinstance(exc, AuthFailed):
        code = f"auth.{exc.reason}"
        reason = msg(code if code in CATALOGUE else "auth.failed")
        return msg("auth.answered", reason=reason, answer=exc.message) if exc.message else reason
    if isinstance(exc, RemoteUnavailable):
        return msg("remote.unavailable", answer=exc.message)
    return msg("remote.unexpected", answer=exc.message)


def render(message: Message | None, fallback: str = "") -> str:
    """The message in the current language; ``fallback`` (an old row's text) otherwise."""
    if message and message.get("code") == "reject.invalid":  # a schema's verdict, per field
        return ", ".join(
            f"{name}: " + "; ".join(render_data(p) for p in problems)
            for name, problems in (message.get("params") or {}).get("fields", []))
    if not message or message.get("code") not in CATALOGUE:
        return fallback
    params = {k: render(v) if isinstance(v, dict) else v
              for k, v in (message.get("params") or {}).items()}
    text = CATALOGUE[message["code"]]
    if has_request_context():  # a page: the reader's language (a job or the CLI: Russian)
        return gettext(text, **params)
    return text % params if params else text


#: The run report's detailed counts («marks.created») in words (it showed the raw keys).
COUNT_SUBJECTS = {
    "people": N_("Люди"), "classes": N_("Классы"), "enrolments": N_("Зачисления в классы"),
    "assignments": N_("Задания"), "marks": N_("Отметки"), "attendance": N_("Посещаемость"),
    "final_marks": N_("Итоговые отметки"), "chunks": N_("Части загрузки"),
}
COUNT_ACTIONS = {
    "created": N_("добавлено"), "updated": N_("изменено"), "unchanged": N_("без изменений"),
    "deleted": N_("удалено"), "linked": N_("связано с известными"), "resumed": N_("уже были"),
    "failed": N_("не получено"), "rejected": N_("отклонено"), "fetched": N_("получено"),
}


def count_label(key: str) -> str:
    """«marks.created» → «Отметки: добавлено» in the reader's language; unknown keys as they
    are (a new counter shows up rather than vanishing)."""
    subject, _, action = key.rpartition(".")
    if action not in COUNT_ACTIONS or (subject and subject not in COUNT_SUBJECTS):
        return key
    words = gettext(COUNT_ACTIONS[action]) if has_request_context() else COUNT_ACTIONS[action]
    if not subject:
        return words.capitalize()
    head = gettext(COUNT_SUBJECTS[subject]) if has_request_context() else COUNT_SUBJECTS[subject]
    return f"{head}: {words}"
