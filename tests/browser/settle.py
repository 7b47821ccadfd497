"""Wait for the LMS to finish fitting the tool's frame before a pointer action.

Why (found with a Playwright trace, stop 8): the tool's ``frame.js`` asks the LMS to resize
the frame to its page (``lti.frameResize``, as Moodle does), and the LMS does it
asynchronously, in another renderer process. Playwright scrolls an element into view inside
the still-short frame, takes its coordinates, and clicks 30 ms later — after the frame grew
from 272 to 1377 px and its inner scroll went back to the top. The mouse then lands on
whatever is there now, usually nothing: the link or checkbox "was clicked" and nothing
happened. A person does not click within those 30 ms; a test does, several times a run.

So before each click-like action the test waits until every child frame of the page is as
tall as its document (or the LMS's minimum height), two animation frames in a row. Fill and
select do not aim the mouse and are left alone. The wait is bounded: a frame that never
settles (a page without ``frame.js``) costs at most ``LIMIT`` seconds and the action then
runs as before, so this can slow a test but never hide a failure.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

LIMIT = 3.0
# The demo LMS's CSS gives the frame ``min-height: 12rem`` (192 px).
SETTLED = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  if (document.readyState !== "complete" || !document.documentElement) return done(false);
  const page = Math.ceil(document.documentElement.getBoundingClientRect().height);
  const frame = window.innerHeight;
  done(Math.abs(frame - page) <= 1 || (page < frame && frame <= 200));
})))"""


def _settled(page: Any) -> bool:
    for frame in page.main_frame.child_frames:
        if frame.is_detached():
            continue
        try:
            if not frame.evaluate(SETTLED):
                return False
        except Exception:  # playwright's Error: the frame is navigating right now
            return False
    return True


def settle(page: Any) -> None:
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        if _settled(page) and _settled(page):
            return
        time.sleep(0.05)


ACTIONS = ("click", "dblclick", "check", "uncheck", "set_checked", "tap", "hover")


def patch_pointer_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every Locator pointer action and ``page.click`` settle the frames first."""
    from playwright.sync_api import Locator, Page

    def wrap(cls: Any, name: str, page_of: Any) -> None:
        original = getattr(cls, name)

        def action(self: Any, *args: Any, **kwargs: Any) -> Any:
            settle(page_of(self))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, action)

    for name in ACTIONS:
        wrap(Locator, name, lambda locator: locator.page)
    wrap(Page, "click", lambda page: page)
