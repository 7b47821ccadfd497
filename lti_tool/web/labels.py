"""Words shown to people for the codes stored in rows (a role, a score's delivery state).

One table per code, used by every page, so no page shows a raw ``sent`` or ``student``.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

ROLES = {"teacher": _l("учитель"), "student": _l("ученик"), "admin": _l("администратор"),
         "parent": _l("родитель")}
SCORE_STATUS = {"pending": _l("в очереди"), "sending": _l("отправляется"),
                "sent": _l("доставлен"), "failed": _l("ошибка")}


def role_label(code: str) -> str:
    return str(ROLES.get(code, _l("другая роль")))


def score_status_label(code: str) -> str:
    return str(SCORE_STATUS.get(code, _l("неизвестно")))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(role_label=role_label, score_status_label=score_status_label)
