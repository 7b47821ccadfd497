"""A faithful fake Moodle Web Services server, for the tests and the demo.

``marshrut sandbox moodle --port P`` calls :func:`serve`; tests build the app with
:func:`create_app` around a :class:`MoodleState` they can inspect and break.
"""

from __future__ import annotations

from adapters.moodle.sandbox.app import create_app
from adapters.moodle.sandbox.state import RESTRICTED_TOKEN, TOKEN, MoodleState, seeded

__all__ = ["RESTRICTED_TOKEN", "TOKEN", "MoodleState", "create_app", "seeded", "serve"]


def serve(host: str, port: int) -> None:
    """Run the sandbox until interrupted (threaded, like a PHP-FPM pool)."""
    from werkzeug.serving import run_simple

    print(f"Moodle sandbox: http://{host}:{port}/webservice/rest/server.php "  # noqa: T201
          f"token={TOKEN}")
    run_simple(host, port, create_app(), threaded=True)
