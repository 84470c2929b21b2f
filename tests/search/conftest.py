"""The real site served, and a page of it open in Chromium, for the search box tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def base(real_site, serve) -> str:
    return serve(real_site)


@pytest.fixture
def page(browser_page, base):
    """The home page, loaded; ``page.requests`` lists every URL it asked for."""
    requests: list[str] = []
    browser_page.on("request", lambda r: requests.append(r.url))
    browser_page.requests = requests
    browser_page.goto(base + "/")
    browser_page.wait_for_load_state("load")
    return browser_page
