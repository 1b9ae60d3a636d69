"""The browser fixtures of tests/browser, for tests/workspace/test_browser.py."""

from tests.browser.conftest import browser, new_page, opened  # noqa: F401
