"""Error pages in the user's language; JSON errors for the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

_TITLES = {
    400: _l("Неверный запрос"),
    401: _l("Нужно открыть Маршрут из курса"),
    403: _l("Доступ запрещён"),
    404: _l("Не найдено"),
    405: _l("Метод не поддерживается"),
    413: _l("Файл слишком большой"),
    502: _l("Внешняя система не ответила"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        status = err.code or 500
        title = str(_TITLES.get(status, _("Ошибка")))
        api = app.extensions.get("marshrut.api")
        if api is not None and request.path.startswith("/api/"):
            return api.handle_http_exception(err)  # the API's documented error shape
        if wants_json():
            payload: dict[str, Any] = {"error": status, "message": title}
            data = getattr(err, "data", None)
            if isinstance(data, dict) and "messages" in data:
                payload["errors"] = data["messages"]
            return jsonify(payload), status
        detail = err.description if status not in (401, 403, 404) else ""
        return render_template("error.html", title=title, code=status, message=detail), status
