"""A synthetic catalogue: pages do not grow with the catalogue, and nothing is left out."""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from pathlib import Path

import pytest

from ..conftest import SYNTH_PILOTS, build_synth
from ..html_util import parse

PAGE_SIZE = 50  # extra.kb.page_size in mkdocs.yml
LEVEL_SLUG = {"国家级": "national", "省级": "provincial", "市级": "municipal", None: "unknown"}


# growth allowed to a page when the catalogue doubles (counts written with more digits …)
MARGIN = 0.05
PROMOTION = "promotion/index.html"
# A page of a source's text (the source's page, then sources/ID/2/ …): at most
# TEXT_PAGE_WEIGHT of text with the marks of their sentences and the records citing them; the
# synthetic catalogue's one source grows with it, its pages do not.
TEXT_PAGE = re.compile(r"sources/[^/]+/(\d+/)?index\.html")
# What no page may outweigh at any size of the catalogue (issue 19).
PAGE_MAX = 100_000
# Links of a windowed pager: 上一页, 下一页, the first and last pages, a page on each side
# (pilotkb.site.views.paging.Pager)
PAGER_LINKS = 8


@pytest.fixture(scope="module")
def half_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same synthetic catalogue with half as many pilots."""
    site, _ = build_synth(tmp_path_factory.mktemp("synth-half"), SYNTH_PILOTS // 2)
    return site


def html_sizes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}


def last_of_a_list(uri: str, sizes: dict[str, int]) -> bool:
    """The last page of a paginated list: partly filled, so it fills up as the list grows."""
    m = re.fullmatch(r"(.*)/(\d+)/index\.html", uri)
    return m is not None and f"{m[1]}/{int(m[2]) + 1}/index.html" not in sizes


def grown(half: dict[str, int], full: dict[str, int], uris: list[str]) -> dict[str, tuple[int, int]]:
    return {u: (half[u], full[u]) for u in uris if full[u] > half[u] * (1 + MARGIN)}


def test_no_page_is_large_or_lists_more_than_a_page_of_records(synth_site):
    site, _ = synth_site
    sizes = html_sizes(site)
    largest = max(sizes, key=sizes.get)
    # a page lists at most one page of records; 100 KB leaves room for long names
    assert sizes[largest] < PAGE_MAX, (largest, sizes[largest])
    assert sum(1 for u in sizes if TEXT_PAGE.fullmatch(u)) > 2  # the long text is paged
    for path in site.rglob("*.html"):
        cards = parse(path).find("li", class_="kb-card")
        assert len(cards) <= PAGE_SIZE, path


def test_every_pager_is_a_window_of_a_few_links(synth_site):
    """A list of 40 pages (browse/all/ at 2,000 pilots; 200 at 10,000) links a few of them
    from each page, not all: the pager does not grow with the list."""
    site, _ = synth_site
    pagers = 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for nav in re.findall(r'<nav class="kb-pager".*?</nav>', html, re.S):
            pagers += 1
            assert nav.count("<a ") <= PAGER_LINKS, (path, nav.count("<a "))
    assert pagers > 100  # browse lists, collection indexes, the source's text


def test_no_page_grows_when_the_catalogue_doubles(synth_site, half_site):
    """Every page of the half-size site (but the last page of a list) is within a small margin
    of the same page at twice as many pilots."""
    half, full = html_sizes(half_site), html_sizes(synth_site[0])
    compared = [u for u in half if u in full and not last_of_a_list(u, half)]
    for u in (
        "index.html",
        "browse/all/index.html",
        "browse/all/2/index.html",
        "browse/level/national/index.html",
    ):
        assert u in compared
    assert "experiences/index.html" in compared and "areas/linzi/index.html" in compared
    assert PROMOTION in compared and "sources/synthetic/index.html" in compared
    assert grown(half, full, compared) == {}


def test_the_promotion_page_does_not_grow_when_the_catalogue_doubles(synth_site, half_site):
    half, full = html_sizes(half_site), html_sizes(synth_site[0])
    assert grown(half, full, [PROMOTION]) == {}


def test_every_pilot_is_listed_once_across_the_paginated_list(synth_site):
    site, data = synth_site
    listed: Counter[str] = Counter()
    pages = sorted((site / "browse" / "all").rglob("index.html"))
    assert len(pages) == -(-SYNTH_PILOTS // PAGE_SIZE)
    for path in pages:
        listed.update(c.attrs["data-id"] for c in parse(path).find("li", class_="kb-card"))
    assert set(listed) == {p["id"] for p in data["pilots"]}
    assert set(listed.values()) == {1}


@pytest.mark.parametrize("level", list(LEVEL_SLUG))
def test_each_level_page_set_lists_exactly_its_pilots(synth_site, level):
    site, data = synth_site
    expected = {p["id"] for p in data["pilots"] if p.get("level") == level}
    base = site / "browse" / "level" / LEVEL_SLUG[level]
    listed = {
        c.attrs["data-id"]
        for path in base.rglob("index.html")
        for c in parse(path).find("li", class_="kb-card")
    }
    assert listed == expected
    first = parse(base / "index.html").find("p", class_="kb-count")[0].text
    assert f"共 {len(expected)} 项试点" in first


def test_list_filters_cover_every_record(synth_site):
    site, data = synth_site
    index = json.loads((site / "browse" / "pilots.json").read_text(encoding="utf-8"))
    assert [r[0] for r in index["rows"]] == [p["id"] for p in data["pilots"]]
    assert [r[1] for r in index["rows"]] == [p["name"] for p in data["pilots"]]
    assert posixpath.normpath(index["url"].replace("ID", "x")) == "pilots/x"


@pytest.mark.browser
def test_filtering_the_synthetic_list_counts_every_match(synth_site, serve, browser_page):
    site, data = synth_site
    base = serve(site)
    want = [p for p in data["pilots"] if p.get("level") == "省级" and "linzi" in p["areas"]]
    browser_page.goto(base + "/browse/all/?level=provincial&area=linzi&sort=name")
    browser_page.wait_for_selector(".kb-results:not([hidden]) li.kb-card")
    assert f"符合条件的试点 {len(want)} 项（共 {SYNTH_PILOTS} 项）" in browser_page.inner_text(".kb-count")
    shown = browser_page.eval_on_selector_all(".kb-results li.kb-card", "els => els.map(e => e.dataset.id)")
    assert len(shown) == min(PAGE_SIZE, len(want))
    assert set(shown) <= {p["id"] for p in want}


def test_every_experience_is_listed_once_across_its_paginated_index(synth_site):
    site, data = synth_site
    expected = [e["id"] for e in data["experiences"]]
    assert len(expected) > PAGE_SIZE  # the index really is paginated
    listed: list[str] = []
    for path in [
        site / "experiences" / "index.html",
        *sorted((site / "experiences" / "all").rglob("index.html")),
    ]:
        for a in parse(path).find("a"):
            href = a.attrs.get("href") or ""
            if "experience-" in href:
                listed.append(href.rstrip("/").split("/")[-1])
    assert sorted(listed) == sorted(expected)
