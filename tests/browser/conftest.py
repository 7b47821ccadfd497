"""The demo-LMS browser fixtures, shared by every browser test module."""

from collections.abc import Iterator

import pytest

from tests.browser.settle import patch_pointer_actions
from tests.browser.test_demo_browser import browser, demo, page  # noqa: F401


@pytest.fixture(autouse=True)
def _settled_frames(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clicks wait for the LMS to finish resizing the tool's frame (see settle.py)."""
    patch_pointer_actions(monkeypatch)
    yield
