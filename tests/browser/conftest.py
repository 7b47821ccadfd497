"""The demo-LMS browser fixtures, shared by every browser test module."""

from tests.browser.test_demo_browser import browser, demo, page  # noqa: F401
