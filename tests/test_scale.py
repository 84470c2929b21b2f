"""A synthetic catalogue: pages do not grow with the catalogue, and nothing is left out."""

from __future__ import annotations

import json
import posixpath
from collections import Counter

import pytest

from .conftest import SYNTH_PILOTS
from .html_util import parse

PAGE_SIZE = 50  # extra.kb.page_size in mkdocs.yml
LEVEL_SLUG = {"国家级": "national", "省级": "provincial", "市级": "municipal", None: "unknown"}


def test_no_html_page_grows_with_the_catalogue(synth_site):
    site, _ = synth_site
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    largest = max(sizes, key=sizes.get)
    # a page lists at most one page of records; 100 KB leaves room for long names
    assert sizes[largest] < 100_000, (largest, sizes[largest])
    for path in site.rglob("*.html"):
        cards = parse(path).find("li", class_="kb-card")
        assert len(cards) <= PAGE_SIZE, path


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
