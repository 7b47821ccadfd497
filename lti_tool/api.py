"""The JSON API under /api/v1 (flask-smorest; OpenAPI at /api/v1/openapi.json), put together
from each feature's own ``api.py`` (issue 8: the API lives with its feature, as pages do).

Authentication is the launch token (``Authorization: Bearer`` or ``X-Marshrut-Launch``) or
the sign-in cookie, so the API answers exactly what the page that called it may see.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from lti_tool.pathways.api import blp as pathways_api
from lti_tool.people.api import blp as people_api


def init_api(app: Flask) -> Api:
    api = Api(app, spec_kwargs={"info": {"description": "Маршрут (Marshrut) JSON API"}})
    api.spec.components.security_scheme(
        "launchToken", {"type": "http", "scheme": "bearer",
                        "description": "Подписанный токен запуска LTI"})
    api.spec.options["security"] = [{"launchToken": []}]
    for blp in (people_api, pathways_api):
        api.register_blueprint(blp)
    app.extensions["marshrut.api"] = api  # web/errors.py answers API errors through it
    return api
