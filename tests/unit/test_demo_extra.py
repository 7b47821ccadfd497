"""``lti1p3platform`` is only in the ``demo`` extra: without it ``marshrut demo`` says what to
install instead of a traceback, and the tool itself still starts (nothing else imports it)."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from lti_tool.cli import main


def _without_demo_lms(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n.startswith("lti_tool.sandbox")]:
        monkeypatch.delitem(sys.modules, name)
    for name in [n for n in sys.modules if n.split(".")[0] == "lti1p3platform"]:
        monkeypatch.setitem(sys.modules, name, None)  # import raises, as uninstalled
    monkeypatch.setitem(sys.modules, "lti1p3platform", None)


def test_demo_without_the_extra_names_the_package(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path) -> None:
    _without_demo_lms(monkeypatch)
    import lti_tool.server

    def serve(*args: object, **kwargs: object) -> None:
        raise AssertionError("the demo must not start without its LMS")

    monkeypatch.setattr(lti_tool.server, "run", serve)
    result = CliRunner().invoke(main, ["demo", "--port", "5999"], env={
        "MARSHRUT_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}",
        "MARSHRUT_INSTANCE_PATH": str(tmp_path / "instance")})

    assert result.exit_code == 1, result.output
    assert "lti1p3platform" in result.output and ".[demo]" in result.output
    assert not (tmp_path / "demo.sqlite").exists()  # refused before migrating anything


def test_the_tool_starts_without_the_demo_lms(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path) -> None:
    _without_demo_lms(monkeypatch)
    from lti_tool.app import create_app
    from lti_tool.migrate import upgrade
    from tests.conftest import make_settings

    url = f"sqlite:///{tmp_path / 'tool.sqlite'}"
    upgrade(url)
    app = create_app(make_settings(tmp_path, url, "http://127.0.0.1:5000"))

    assert app.test_client().get("/.well-known/jwks.json").status_code == 200
