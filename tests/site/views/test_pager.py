"""The pager of long lists (browse lists, collection indexes, 更新记录, source texts): a window of
a few links whatever the length of the list, every page reachable from every other, the current
page marked for screen readers, and it fits a 360 px phone and works from the keyboard."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from pilotkb.site.views.paging import Pager

from ...conftest import SYNTH_PILOTS, serious_axe_violations
from ...data.test_scale import PAGE_SIZE
from ...html_util import Page, page_file, parse_html

PAGES = -(-SYNTH_PILOTS // PAGE_SIZE)  # pages of browse/all/ on the synthetic site


def numbers(page: int, pages: int) -> list[int | None]:
    return Pager(page, pages, str).numbers()


def test_a_short_list_shows_every_page():
    assert numbers(1, 2) == [1, 2]
    assert numbers(3, 5) == [1, 2, 3, 4, 5]
    assert numbers(2, 4) == [1, 2, 3, 4]


def test_a_long_list_shows_the_ends_and_the_neighbours_with_gaps():
    assert numbers(1, 200) == [1, 2, None, 200]
    assert numbers(100, 200) == [1, None, 99, 100, 101, None, 200]
    assert numbers(200, 200) == [1, None, 199, 200]
    # a gap of one page shows that page: 1 2 3 4 5 … rather than 1 … 3 4 5 …
    assert numbers(4, 200) == [1, 2, 3, 4, 5, None, 200]
    assert numbers(197, 200) == [1, None, 196, 197, 198, 199, 200]


@pytest.mark.parametrize("pages", [2, 3, 7, 8, 9, 40, 200, 10_000])
def test_the_window_never_holds_more_than_seven_places(pages):
    for page in range(1, pages + 1):
        shown = numbers(page, pages)
        pages_shown = [n for n in shown if n is not None]
        assert len(shown) <= 7, (page, pages, shown)
        assert pages_shown == sorted(set(pages_shown))
        assert {1, pages, page} <= set(pages_shown)
        assert {page - 1, page + 1} & set(range(1, pages + 1)) <= set(pages_shown)
        # a gap stands for two pages or more
        for i, n in enumerate(shown):
            if n is None:
                assert shown[i + 1] - shown[i - 1] > 2, (page, pages, shown)  # type: ignore[operator]


def pager_of(path: Path) -> tuple[Page, str]:
    """The first pager of a built page, parsed, and its HTML."""
    html = path.read_text(encoding="utf-8")
    m = re.search(r'<nav class="kb-pager".*?</nav>', html, re.S)
    assert m, path
    return parse_html(m[0]), m[0]


def target(site: Path, path: Path, href: str) -> Path:
    here = path.parent.relative_to(site).as_posix()
    return page_file(site, posixpath.normpath(posixpath.join(here, href)) + "/")


def test_every_page_of_the_long_list_is_reached_by_its_pagers_links(synth_site):
    site, _ = synth_site
    files = {site / "browse" / "all" / "index.html"} | set((site / "browse" / "all").glob("*/index.html"))
    assert len(files) == PAGES > 7  # the list is long enough for gaps
    first = site / "browse" / "all" / "index.html"
    seen, todo = {first}, [first]
    while todo:
        path = todo.pop()
        nav, html = pager_of(path)
        n = 1 if path == first else int(path.parent.name)
        assert f"第 {n} / {PAGES} 页" in html
        assert [el.text for el in nav.find("span", **{"aria-current": "page"})] == [str(n)]
        links = nav.find("a")
        assert len(links) <= 8, (path, len(links))  # 上一页, 下一页 and at most six numbers
        for a in links:
            to = target(site, path, a.attrs["href"] or "")
            assert to in files, (path, a.attrs["href"])
            if a.attrs.get("rel"):
                step = {"prev": -1, "next": 1}[a.attrs["rel"] or ""]
                assert to == (
                    first if n + step == 1 else site / "browse" / "all" / str(n + step) / "index.html"
                )
            else:
                assert a.attrs["aria-label"] == f"第 {a.text} 页"
            if to not in seen:
                seen.add(to)
                todo.append(to)
        assert bool(nav.find("a", rel="prev")) == (n > 1) and bool(nav.find("a", rel="next")) == (n < PAGES)
    assert seen == files


@pytest.mark.browser
@pytest.mark.parametrize("n", [1, PAGES // 2, PAGES])
def test_the_pager_fits_a_phone_and_works_from_the_keyboard(synth_site, serve, browser_page, n):
    site, _ = synth_site
    page = browser_page  # 360 px wide
    url = serve(site) + "/browse/all/" + (f"{n}/" if n > 1 else "")
    page.goto(url)
    nav = page.locator("nav.kb-pager").first
    boxes = nav.locator("a, span").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.height]; })"
    )
    assert boxes and all(left >= 0 and right <= 360 for left, right, _ in boxes), boxes
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    targets = nav.locator("a, [aria-current]").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert min(targets) >= 40  # a box a finger can hit
    assert serious_axe_violations(page, "document.querySelector('nav.kb-pager')") == []
    # Tab through the page to the pager's 下一页 (上一页 on the last page), Enter follows it
    step = "下一页" if n < PAGES else "上一页"
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.closest('nav.kb-pager') && document.activeElement.textContent"
        ):
            if page.evaluate("document.activeElement.textContent") == step:
                break
    else:
        raise AssertionError(f"{step} not reached by Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    want = n + 1 if n < PAGES else n - 1
    assert page.url.endswith(f"/browse/all/{want}/" if want > 1 else "/browse/all/")
