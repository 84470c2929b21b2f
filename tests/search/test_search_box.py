"""The search box in Chromium, on the built site: typing, the keyboard, filters, a phone."""

from __future__ import annotations

import pytest

from ..conftest import serious_axe_violations
from .browser import (
    META,
    forget_results,
    path_of,
    results,
    search,
    wait_for_results,
    wait_for_transitions,
)

pytestmark = pytest.mark.browser


def test_typing_shows_typed_results_with_highlighted_snippets(page, base):
    found = search(page, "资产收益扶贫", keyboard=True)
    assert found, "no result"
    first = found[0]
    assert path_of(base, first["href"]) == "experiences/asset-income-poverty-alleviation/"
    assert first["type"] == "经验"
    assert "淄博市" in first["facets"]
    assert first["titleMarks"] == ["资产收益扶贫"]
    assert any("资产收益扶贫" in m for r in found for m in r["marks"])
    pilots = [r for r in search(page, "扶贫改革试验区") if r["type"] == "试点"]
    assert pilots and pilots[0]["facets"][:2] == ["国家级", "淄博市"]
    assert "找到" in page.inner_text(META)
    assert search(page, "zzqxv") == []
    assert page.inner_text(META) == "没有找到与“zzqxv”相关的内容。"


def test_keyboard_opens_moves_opens_and_closes(page, base):
    assert not page.is_checked("#__search")
    page.keyboard.press("s")
    assert page.is_checked("#__search")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")
    found = search(page, "扶贫", keyboard=True)
    assert len(found) >= 3
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == found[1]["href"]
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.getAttribute('href')") == found[0]["href"]
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == found[1]["href"]
    # Enter in the box opens the first result
    search(page, "河长制", keyboard=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(base, page.url) == "experiences/linzi-river-chief/"
    page.keyboard.press("/")
    assert page.is_checked("#__search")
    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")
    assert not page.evaluate("document.activeElement.classList.contains('md-search__input')")


def choose(page, name: str, label: str) -> list[dict]:
    """Pick a filter's value and wait for the results it gives."""
    forget_results(page)
    page.select_option(f".kb-search select[name={name}]", label=label)
    wait_for_results(page)
    return results(page)


def test_facets_narrow_results(page, real_catalog):
    everything = search(page, "扶贫")
    assert {r["type"] for r in everything} >= {"试点", "经验"}
    experiences = choose(page, "type", "经验")
    assert experiences and all(r["type"] == "经验" for r in experiences)
    choose(page, "type", "全部类型")
    national = choose(page, "level", "国家级")
    assert national and all(r["type"] == "试点" and r["facets"][0] == "国家级" for r in national)
    ids = {p.id for p in real_catalog.pilots.values() if p.level and p.level.value == "国家级"}
    assert all(r["href"].rstrip("/").rsplit("/", 1)[-1] in ids for r in national)
    choose(page, "level", "全部层级")
    boshan = choose(page, "area", "博山区")
    in_boshan = {r["href"] for r in everything if "博山区" in r["facets"]}
    assert in_boshan, "the unfiltered results hold pages of 博山区"
    assert boshan and all("博山区" in r["facets"] for r in boshan)
    assert in_boshan <= {r["href"] for r in boshan}
    events = choose(page, "type", "活动")
    assert events and all(r["type"] == "活动" and "博山区" in r["facets"] for r in events)


def test_no_request_leaves_the_site(page, base):
    for q in ("河长制", "足球", "改革试点", "pm2.5"):
        search(page, q)
    choose(page, "type", "试点")
    assert any("/assets/search/index/f/type/" in u for u in page.requests)  # the filter's bitset too
    assert page.requests and all(u.startswith(base + "/") for u in page.requests), [
        u for u in page.requests if not u.startswith(base + "/")
    ]


def test_fits_a_360px_phone(page):
    page.click(".kb-search-button")
    assert page.is_checked("#__search")
    found = search(page, "生态文明先行示范区")
    assert found
    assert page.is_visible(".kb-search .md-search__input")
    assert page.is_visible(".kb-search .kb-search-result")
    wait_for_transitions(page)  # measured once the overlay has opened
    # Material's backdrop (.md-search__overlay) is a small circle scaled 45× to cover the
    # screen; while it scales it can reach past the right edge and count in scrollWidth,
    # though nothing a reader sees or scrolls to is there. What is measured is the page
    # without it: the search box, its results and the rest of the page.
    width = page.evaluate(
        "(() => { document.querySelectorAll('.md-search__overlay').forEach((e) => e.style.display = 'none');"
        " return document.documentElement.scrollWidth; })()"
    )
    assert width <= 360, width
    boxes = page.evaluate(
        "[...document.querySelectorAll('.kb-search select, .kb-search .kb-search-result')]"
        ".map((e) => e.getBoundingClientRect().right)"
    )
    assert boxes and max(boxes) <= 360, boxes


def test_search_page_and_link_without_javascript(browser, base):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(base + "/")
    link = page.locator("a.kb-search-button")
    assert link.is_visible()
    link.click()
    assert page.url == base + "/search/"
    assert "需要浏览器启用 JavaScript" in page.inner_text("article")
    context.close()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(base + "/search/?q=" + "村官直审")
    page.wait_for_selector(".kb-search-page .kb-search-result")
    first = page.locator(".kb-search-page .kb-search-result a").first.get_attribute("href")
    assert path_of(base, first) == "experiences/zichuan-village-cadre-audit/"
    context.close()


def test_open_search_with_results_is_accessible(page):
    search(page, "扶贫", keyboard=True)
    wait_for_transitions(page)  # colours are checked once the overlay has faded in
    assert serious_axe_violations(page, "document.querySelector('.kb-search')") == []
