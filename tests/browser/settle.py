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
# The demo LMS's CSS gives the frame ``min-height: 12rem`` (192 px). Polled once per
# animation frame inside the frame; true twice in a row means the resize has landed.
SETTLED = """() => {
  const root = document.documentElement;
  if (document.readyState !== "complete" || !root) return false;
  const page = Math.ceil(root.getBoundingClientRect().height);
  const frame = window.innerHeight;
  const ok = Math.abs(frame - page) <= 1 || (page < frame && frame <= 200);
  window.__marshrutSettled = ok ? (window.__marshrutSettled || 0) + 1 : 0;
  return window.__marshrutSettled >= 2;
}"""


def settle(page: Any) -> None:
    """Every wait is bounded (``wait_for_function`` has a timeout, ``evaluate`` has none: a
    frame whose renderer stalls must not hang the run)."""
    from playwright.sync_api import TimeoutError as Timeout

    deadline = time.monotonic() + LIMIT
    frames = list(page.main_frame.child_frames)
    while frames and (left := deadline - time.monotonic()) > 0:
        frame = frames[0]
        if frame.is_detached():
            frames.pop(0)
            continue
        try:
            frame.wait_for_function(SETTLED, polling="raf", timeout=left * 1000)
        except Timeout:
            return  # bounded: the action runs as it would have without us
        except Exception:  # the frame navigated while we watched it: watch the new page
            time.sleep(0.05)
            continue
        frames.pop(0)


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
