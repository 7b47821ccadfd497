"""``create_app()``: settings, database, i18n, the JSON API and every feature blueprint."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, g, jsonify, request
from flask_babel import Babel, get_locale
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from lti_tool import db as dbmod
from lti_tool.config import Settings
from lti_tool.crypto import old_secret_keys
from lti_tool.logging_setup import configure as configure_logging
from lti_tool.web.nav import nav_links

LOCALES = ("ru", "en")
log = logging.getLogger("marshrut.app")


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LOCALES:
        return asked
    viewer = g.get("viewer")  # set once someone is known; never loaded just for the locale
    if viewer is not None and viewer.locale in LOCALES:
        return str(viewer.locale)
    return "ru"


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env(**overrides)
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path),
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SECRET_KEY_FALLBACKS=list(old_secret_keys()),  # the cookie session after a rotation
        MARSHRUT=settings,
        TESTING=settings.testing,
        BABEL_DEFAULT_LOCALE="ru",
        BABEL_TRANSLATION_DIRECTORIES="web/translations",
        SESSION_COOKIE_NAME="marshrut_session",
        # Inside the LMS iframe the tool is a third party: the cookie must be SameSite=None;
        # Secure to be sent at all. Over plain HTTP (dev, tests) browsers refuse None without
        # Secure, so fall back to Lax and rely on the launch token carried by our own links.
        SESSION_COOKIE_SAMESITE="None" if settings.https else "Lax",
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_HTTPONLY=True,
        PREFERRED_URL_SCHEME="https" if settings.https else "http",
        API_TITLE="Marshrut API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
    )
    if settings.proxy_count:
        n = settings.proxy_count
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n
        )
    configure_logging()
    database = dbmod.Database(settings.database_url)
    dbmod.init_app(app, database)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale  # <html lang> follows the UI language

    from lti_tool import jobs
    from lti_tool.accounts import sessions as account_sessions
    from lti_tool.accounts.views import bp as accounts_bp
    from lti_tool.api import init_api
    from lti_tool.core import viewer
    from lti_tool.exchange import jobs as _exchange_jobs  # noqa: F401 (registers its tasks)
    from lti_tool.exchange.views import bp as exchange_bp
    from lti_tool.exchange.views_cards import bp as exchange_cards_bp
    from lti_tool.exchange.views_transfer import bp as exchange_transfer_bp
    from lti_tool.lms_scores import jobs as _lms_scores_jobs  # noqa: F401 (registers its tasks)
    from lti_tool.lti.admin_views import bp as lti_admin_bp
    from lti_tool.lti.deep_linking import bp as deep_linking_bp
    from lti_tool.lti.dynamic_registration import bp as dynreg_bp
    from lti_tool.lti.keys import ensure_at_startup
    from lti_tool.lti.registry_cache import frame_origins
    from lti_tool.lti.views import bp as lti_bp
    from lti_tool.network import jobs as _network_jobs  # noqa: F401 (registers its tasks)
    from lti_tool.network.bank.views import bp as bank_bp
    from lti_tool.network.council.views import bp as council_bp
    from lti_tool.network.cycle.views import bp as cycle_bp
    from lti_tool.network.events.views import bp as events_bp
    from lti_tool.network.monitoring.views import bp as monitoring_bp
    from lti_tool.network.views import bp as network_bp
    from lti_tool.network.views import public_bp as network_public_bp
    from lti_tool.notifications import jobs as _notifications_jobs  # noqa: F401 (registers its tasks)
    from lti_tool.notifications.views import bp as notifications_bp
    from lti_tool.pathways import jobs as _pathways_jobs  # noqa: F401 (registers its tasks)
    from lti_tool.pathways.views import bp as pathways_bp
    from lti_tool.people.views import bp as people_bp
    from lti_tool.portfolio.admin_views import bp as portfolio_admin_bp
    from lti_tool.portfolio.views import bp as portfolio_bp
    from lti_tool.portfolio.views import public_bp as portfolio_public_bp
    from lti_tool.sync import jobs as _sync_jobs  # noqa: F401 (registers its tasks)
    from lti_tool.sync.views import bp as sync_admin_bp
    from lti_tool.web import errors, flashes, headers, labels

    ensure_at_startup(database, settings.secret_key)
    jobs.init_app(app)
    viewer.init_app(app)
    headers.init_app(app, frame_origins=lambda: frame_origins(dbmod.db_session()))
    account_sessions.init_app(app)  # the sign-in cookie: a second way to the same Viewer
    labels.init_app(app)
    flashes.init_app(app)
    app.jinja_env.globals["nav_links"] = nav_links  # the header: what this viewer may open
    app.register_blueprint(lti_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(pathways_bp)
    app.register_blueprint(lti_admin_bp)
    app.register_blueprint(deep_linking_bp)
    app.register_blueprint(dynreg_bp)
    app.register_blueprint(sync_admin_bp)
    app.register_blueprint(network_bp)
    app.register_blueprint(network_public_bp)
    app.register_blueprint(council_bp)
    app.register_blueprint(exchange_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(cycle_bp)
    app.register_blueprint(bank_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(exchange_transfer_bp)
    app.register_blueprint(exchange_cards_bp)
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(portfolio_public_bp)
    app.register_blueprint(portfolio_admin_bp)
    if settings.demo:
        from lti_tool.sandbox.demo import mount_demo

        mount_demo(app, settings)
    init_api(app)
    # After the API: flask-smorest registers a JSON handler for every HTTPException, which
    # would otherwise answer pages with raw JSON. Ours gives pages HTML and the API JSON.
    errors.init_app(app)

    @app.before_request
    def _request_id() -> None:
        g.request_id = request.headers.get("X-Request-Id") or secrets.token_hex(8)

    @app.get("/")
    def welcome() -> Any:
        """What this is and where to go: the demo LMS in the demo, how to connect otherwise."""
        from flask import render_template

        from lti_tool.core.viewer import current_viewer

        return render_template("welcome.html", viewer=current_viewer(),
                               demo=app.extensions.get("marshrut.demo"))

    @app.get("/healthz")
    def healthz() -> Any:
        try:
            with dbmod.get_db().engine.connect() as conn:
                conn.execute(text("select 1"))
        except Exception as exc:  # pragma: no cover - reported, not raised
            log.error("healthz database check failed", extra={"error": str(exc)})
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok")

    return app
