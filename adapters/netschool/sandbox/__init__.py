"""Faithful fake of the «Сетевой город. Образование» /webapi/ for tests and the demo.

``create_app()`` gives the WSGI app (``app.state`` holds faults, sessions and changed
marks); ``serve()`` runs it for ``marshrut sandbox netschool``. Demo accounts: ``zavuch1001``
(the service account of МБОУ СОШ №37), parents ``p<id>``, students ``s<id>``, all with
:data:`~adapters.netschool.sandbox.data.DEMO_PASSWORD`; ``GET /sandbox/accounts`` lists some.
"""

from __future__ import annotations

from adapters.netschool.sandbox.app import SandboxApp
from adapters.netschool.sandbox.data import DEMO_PASSWORD, World
from adapters.netschool.sandbox.state import Faults, State

__all__ = ["DEMO_PASSWORD", "Faults", "SandboxApp", "State", "World", "create_app", "serve"]


def create_app(state: State | None = None) -> SandboxApp:
    return SandboxApp(state)


def serve(host: str, port: int) -> None:
    """Serve until interrupted (threaded: the sync engine fetches in parallel)."""
    from werkzeug.serving import run_simple

    app = create_app()
    print(f"Сетевой город (песочница): http://{host}:{port}/webapi/ — "
          f"пароль демо-учёток: {DEMO_PASSWORD}")
    run_simple(host, port, app, threaded=True, use_reloader=False)
