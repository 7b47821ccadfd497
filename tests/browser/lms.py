"""The demo LMS steps the browser tests share: the tool and its demo LMS served over a copy
of the migrated database, launching the tool from a course as one of its users, and the
network course a partner school offers (exchange's and pathways' set-up)."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lti_tool.app import create_app
from lti_tool.config import Settings
from lti_tool.exchange import services as exchange
from lti_tool.lms_scores.services import deliver_due
from lti_tool.people.services import organisation_by_slug
from lti_tool.sandbox.demo import seed_registry
from tests.conftest import make_settings
from tests.servers import serve


class Demo:
    def __init__(self, base: str, app: Any) -> None:
        self.tool = base
        self.lms = base.replace("127.0.0.1", "localhost") + "/demo"
        self.app = app

    def deliver(self) -> dict[str, int]:
        return deliver_due(self.app.extensions["marshrut.db"], self.app.config["SECRET_KEY"],
                           allow_private=True)


@contextmanager
def demo_server(tmp: Path, sqlite_template: Path,
                prepare: Callable[[Any, Settings, Session], None] | None = None
                ) -> Iterator[Demo]:
    """The tool with its demo LMS on a free port, over a copy of the migrated SQLite template
    in ``tmp``, the demo registry seeded; ``prepare(app, settings, session)`` adds a test
    module's own data (the demo network, a course) before the first request."""
    shutil.copy(sqlite_template, tmp / "marshrut.sqlite")
    url = f"sqlite:///{tmp / 'marshrut.sqlite'}"

    def build(base: str) -> Any:
        lms = base.replace("127.0.0.1", "localhost") + "/demo"
        settings = make_settings(tmp, url, base, demo=True, extra={"demo_lms_url": lms})
        app = create_app(settings)
        with app.extensions["marshrut.db"].session() as session:
            seed_registry(session, settings)
            if prepare is not None:
                prepare(app, settings, session)
        return app

    with serve(build) as (base, app):
        yield Demo(base, app)
        app.extensions["marshrut.db"].engine.dispose()


def launch(page: Any, demo: Any, user: str, course: str, link: str = "a[data-link]", *,
           landing: str | None = None) -> Any:
    """Log into the demo LMS as ``user``, open ``course``, follow the tool's ``link`` (a
    selector; the course's first placement by default); the tool's frame.

    With ``landing`` (a selector), wait until it shows, and try once more, with a warning,
    when the launch does not land (the known intermittent defect of the demo launch, see
    test_demo_browser)."""
    for attempt in range(2 if landing else 1):
        page.goto(demo.lms + "/")
        page.click(f'[data-user="{user}"]')
        page.click(f"text={course}")
        page.click(link)
        tool = page.frame_locator('iframe[name="tool"]')
        if landing is None:
            return tool
        try:
            tool.locator(landing).first.wait_for(timeout=20_000 + attempt * 10_000)
            return tool
        except Exception:  # playwright's TimeoutError
            if attempt:
                raise
            warnings.warn(f"the launch of {link} did not land; trying once more", stacklevel=2)
    raise AssertionError("unreachable")


def network_course(session: Session, school: str, *, years: int = 1, **fields: Any) -> None:
    """A published on-site network course of the demo school ``school`` (a slug), Wednesdays
    15:00–16:30 from this school year's September for ``years`` years; ``fields`` give its
    title, subject, hours, place, capacity and teacher."""
    org = organisation_by_slug(session, school)
    assert org is not None
    year = date.today().year if date.today().month >= 8 else date.today().year - 1
    exchange.create_course(session, org.id, dict(
        level="advanced", format="on_site", published=True,
        schedule=[{"weekday": 3, "start": "15:00", "end": "16:30"}],
        starts_on=date(year, 9, 1), ends_on=date(year + years, 5, 25), **fields), None)
