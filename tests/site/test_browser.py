"""The built site in headless Chromium: browsing, filtering, accessibility, phones, print."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ..conftest import ROOT, serious_axe_violations

pytestmark = pytest.mark.browser

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))
PILOTS = RAW.get("pilots") or []
LEVEL_SLUG = {"国家级": "national", "省级": "provincial", "市级": "municipal"}
DOMAIN_SLUG = {
    "经济体制": "economy",
    "生态文明": "ecology",
    "社会民生": "livelihood",
    "民主法制": "law",
    "党建纪检": "party",
    "文化": "culture",
}


@pytest.fixture(scope="module")
def base(real_site, serve):
    return serve(real_site)


def views() -> list[str]:
    first = PILOTS[0]["id"]
    return ["", "browse/all/", f"pilots/{first}/", "stats/", "browse/", "about/data.md".replace(".md", "/")]


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        ".kb-results:not([hidden]) li.kb-card, ul.kb-cards:not([hidden]) li.kb-card",
        "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.id)",
    )


def test_filter_by_level_and_domain_with_state_in_the_url(browser_page, base):
    page = browser_page
    national = [p["id"] for p in PILOTS if p.get("level") == "国家级"]
    page.goto(base + "/browse/all/?level=national")
    page.wait_for_selector(".kb-results:not([hidden]) li.kb-card")
    assert len(shown_ids(page)) == min(50, len(national))
    assert set(shown_ids(page)) <= set(national)
    assert f"符合条件的试点 {len(national)} 项" in page.inner_text(".kb-count")
    # choose a domain from the menu: the URL carries both filters
    domain = next(d for p in PILOTS if p.get("level") == "国家级" for d in p.get("domains") or [])
    page.select_option("#kb-filter-domain", DOMAIN_SLUG[domain])
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"level": ["national"], "domain": [DOMAIN_SLUG[domain]]}
    expected = sorted(
        p["id"] for p in PILOTS if p.get("level") == "国家级" and domain in (p.get("domains") or [])
    )
    assert sorted(shown_ids(page)) == expected
    # the same URL, opened afresh, shows the same list (shareable, bookmarkable)
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector(".kb-results:not([hidden]) li.kb-card")
    assert sorted(shown_ids(page)) == expected
    assert page.input_value("#kb-filter-domain") == DOMAIN_SLUG[domain]


def test_no_results_state_and_clearing(browser_page, base):
    page = browser_page
    combos = [(lv, dm) for lv in LEVEL_SLUG for dm in DOMAIN_SLUG]
    empty = next(
        (lv, dm)
        for lv, dm in combos
        if not any(p.get("level") == lv and dm in (p.get("domains") or []) for p in PILOTS)
    )
    page.goto(base + f"/browse/all/?level={LEVEL_SLUG[empty[0]]}&domain={DOMAIN_SLUG[empty[1]]}")
    page.wait_for_selector(".kb-results .kb-none")
    assert "没有符合条件的试点" in page.inner_text(".kb-results")
    page.click(".kb-results .kb-none button")
    assert urlsplit(page.url).query == ""
    assert len(shown_ids(page)) == min(len(PILOTS), 50)


def test_sort_by_name_follows_chinese_collation(browser_page, base):
    page = browser_page
    page.goto(base + "/browse/all/?sort=name")
    page.wait_for_selector(".kb-results:not([hidden]) li.kb-card")
    names = page.eval_on_selector_all(
        ".kb-results li.kb-card .kb-card__title", "els => els.map(e => e.textContent)"
    )
    assert len(names) == min(50, len(PILOTS))
    assert set(names) <= {p["name"] for p in PILOTS}
    in_order = page.evaluate(
        "ns => ns.every((n, i) => i === 0 || new Intl.Collator('zh-CN').compare(ns[i-1], n) <= 0)", names
    )
    assert in_order


def test_filters_work_with_the_keyboard_alone(browser_page, base):
    page = browser_page
    page.goto(base + "/browse/all/")
    page.focus("#kb-filter-level")
    page.keyboard.press("ArrowDown")  # first real option
    page.wait_for_function("location.search.includes('level=')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kb-filter-domain"


def test_list_to_case_to_experience_to_coverage(browser_page, base):
    page = browser_page
    exp_ids = {e["id"]: e for e in RAW.get("experiences") or []}
    cov_by_exp = {
        eid: [c for c in RAW.get("coverage") or [] if eid in (c.get("experiences") or [])] for eid in exp_ids
    }
    start = next(
        (p, e)
        for p in PILOTS
        for e in (p.get("experiences") or [])
        if cov_by_exp.get(e) or exp_ids[e].get("coverage")
    )
    pilot, exp_id = start
    page.goto(base + "/browse/all/")
    # the pilot may be on a later page of the list: follow the pager until it shows
    while not page.locator(f'li.kb-card[data-id="{pilot["id"]}"] a').count():
        page.click("nav.kb-pager a[rel=next]")
    page.click(f'li.kb-card[data-id="{pilot["id"]}"] a')
    assert page.locator("h1").inner_text() == pilot["name"]
    page.click(f'#experiences ~ ul.kb-links a[href*="experiences/{exp_id}/"]')
    assert page.locator("h1").inner_text() == exp_ids[exp_id]["title"]
    page.locator("ul.kb-links a[href*='coverage/']").first.click()
    page.wait_for_url("**/coverage/**")
    page.wait_for_selector(".kb-sources")
    assert page.locator(".kb-sources li").count() >= 1


def test_no_request_leaves_the_site(browser, base):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    outside: list[str] = []
    context.on(
        "request",
        lambda r: None if r.url.startswith(base) or r.url.startswith("data:") else outside.append(r.url),
    )
    page = context.new_page()
    for view in views() + ["browse/all/?level=national&sort=name"]:
        page.goto(f"{base}/{view}")
        page.wait_for_load_state("networkidle")
    context.close()
    assert outside == []


@pytest.mark.parametrize("view", views())
def test_no_serious_accessibility_violations(browser_page, base, view):
    page = browser_page
    page.goto(f"{base}/{view}")
    assert serious_axe_violations(page) == []


@pytest.mark.parametrize("view", views() + ["browse/all/?level=national"])
def test_readable_at_360_px_without_sideways_scrolling(browser_page, base, view, tmp_path):
    page = browser_page
    page.goto(f"{base}/{view}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(tmp_path / "shot.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.md-content *')]
            .filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.md-typeset__scrollwrap'))
            .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert overflowing == []


def test_case_page_prints_on_a4_with_links_shown(browser_page, base, tmp_path):
    page = browser_page
    pilot = next(p for p in PILOTS if p.get("areas"))
    page.goto(f"{base}/pilots/{pilot['id']}/")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-sidebar--primary')).display") == "none"
    pdf = tmp_path / "case.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
    # on paper links stay recognisable, and a web address is printed after its link
    assert "underline" in page.evaluate(
        "getComputedStyle(document.querySelector('.kb-sources a')).textDecorationLine"
    )
    after = page.evaluate(
        """() => { const a = document.createElement('a'); a.href = 'https://example.org/x';
                   a.textContent = '原文'; document.querySelector('.md-typeset').append(a);
                   return getComputedStyle(a, '::after').content; }"""
    )
    assert after == '" (" attr(href) ")"' or "example.org/x" in after
