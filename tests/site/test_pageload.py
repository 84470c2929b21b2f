"""Phone load in Chromium: nothing on screen moves while a page loads, even on a slow phone."""

from __future__ import annotations

import time

import pytest
import yaml
from playwright.sync_api import expect

from pilotkb.site import pageload
from pilotkb.site.serve import StaticHandler, serve

from ..conftest import ROOT

pytestmark = pytest.mark.browser

PILOTS = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))["pilots"]
# Scripts arrive this late, as on a slow phone network: the page is painted before they run,
# so anything they insert or resize above the fold shows up as a layout shift.
SCRIPT_DELAY_S = 0.4

RECORD_SHIFTS = """
  window.__shifts = [];
  const record = entries => {
    for (const e of entries) {
      if (!e.hadRecentInput) window.__shifts.push({value: e.value, nodes: e.sources.map(s =>
        s.node ? (s.node.nodeName + '.' + (s.node.className || '')) : '?')});
    }
  };
  window.__shiftObserver = new PerformanceObserver(list => record(list.getEntries()));
  window.__shiftObserver.observe({type: 'layout-shift', buffered: true});
  // Every shift of the frames painted so far: those the observer has not delivered yet too.
  window.__allShifts = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
    record(window.__shiftObserver.takeRecords());
    done(window.__shifts);
  })));
"""


@pytest.fixture(scope="module")
def base(real_site):
    """The real site, gzipped as a static host sends it, its scripts SCRIPT_DELAY_S late."""

    class Slow(StaticHandler):
        def send_head(self):
            if self.path.split("?")[0].endswith(".js"):
                time.sleep(SCRIPT_DELAY_S)
            return super().send_head()

    with serve(real_site, handler=Slow) as server:
        yield server.url


@pytest.fixture
def phone(browser):
    """A 390 px phone, recording layout shifts from the start."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_init_script(RECORD_SHIFTS)
    page = context.new_page()
    yield page
    context.close()


def layout_shifts(page, url: str) -> list[dict]:
    """The layout shifts once the page has loaded and painted two more frames."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__allShifts()")


@pytest.mark.parametrize(
    "view", ["browse/all/", "stats/", "", f"pilots/{PILOTS[0]['id']}/", "search/?q=河长制"]
)
def test_nothing_moves_while_the_page_loads(phone, base, view):
    shifts = layout_shifts(phone, f"{base}/{view}")
    assert shifts == []


@pytest.mark.parametrize("view", ["", "stats/", f"pilots/{PILOTS[0]['id']}/"])
def test_nothing_moves_on_a_desktop_either(browser, base, view):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.add_init_script(RECORD_SHIFTS)
    try:
        assert layout_shifts(context.new_page(), f"{base}/{view}") == []
    finally:
        context.close()


def test_charts_below_the_first_screen_are_laid_out_when_reached(phone, base):
    """统计: the first charts are drawn with the page, later ones when the reader gets near
    them, and then at their full size."""
    page = phone
    page.goto(f"{base}/stats/")
    page.wait_for_load_state("networkidle")
    figures = page.locator("figure.kb-chart-figure")
    assert figures.count() >= 10
    style = "el => getComputedStyle(el).contentVisibility"
    assert figures.nth(0).evaluate(style) == "visible"
    assert figures.nth(1).evaluate(style) == "visible"
    late = figures.nth(figures.count() - 1)
    assert late.evaluate(style) == "auto"
    # false while the browser skips the chart's rendering (content-visibility: auto)
    rendered = "el => el.checkVisibility({contentVisibilityAuto: true})"
    svg = late.locator("svg")
    assert not svg.evaluate(rendered)
    late.scroll_into_view_if_needed()
    page.wait_for_function(
        f"svg => ({rendered})(svg) && svg.getBoundingClientRect().height > 100", arg=svg.element_handle()
    )
    expect(late.locator("figcaption")).to_be_visible()


@pytest.mark.parametrize("view", ["", f"pilots/{PILOTS[0]['id']}/", "changes/"])
def test_the_phone_menu_opens_with_every_section(phone, base, view):
    """The menu button opens the drawer the height of the screen, every section in it."""
    page = phone
    page.goto(f"{base}/{view}")
    page.wait_for_load_state("networkidle")
    page.click("label.md-header__button[for=__drawer]")
    drawer = page.locator(".md-sidebar--primary")
    for section in ("试点一览", "统计", "关于"):
        item = page.locator(".md-nav--primary > .md-nav__list > .md-nav__item", has_text=section).first
        expect(item).to_be_in_viewport(ratio=1)  # waits for the drawer to slide in
        assert item.bounding_box()["y"] < 800
    assert drawer.bounding_box()["height"] >= 800


def test_material_starts_on_the_first_scroll_and_works(phone, base):
    """Material's bundle waits for the reader, then behaves as if loaded with the page."""
    page = phone
    page.goto(f"{base}/stats/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.component$") == "undefined"
    # without it the page is already complete: tables scroll sideways inside their wrapper
    assert page.locator(".md-typeset__scrollwrap > .md-typeset__table > table").count() > 0
    assert page.locator(".md-typeset__scrollwrap .md-typeset__scrollwrap").count() == 0
    page.mouse.wheel(0, 1500)
    page.wait_for_function("typeof window.component$ !== 'undefined'")
    # Material's header shows the page title once the heading has scrolled away
    page.wait_for_selector(".md-header__title--active")
    assert page.locator(".md-typeset__scrollwrap .md-typeset__scrollwrap").count() == 0


def test_precompressed_copies_are_the_files_and_are_sent_gzipped(tmp_path):
    import gzip
    import urllib.request

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    page = ("<p>试点经验库</p>\n" * 200).encode()
    (site / "a" / "index.html").write_bytes(page)
    (site / "tiny.css").write_text("p{}")
    pageload.precompress(site)
    first = (site / "a" / "index.html.gz").read_bytes()
    assert gzip.decompress(first) == page
    assert not (site / "tiny.css.gz").exists()  # below MIN_SIZE: not worth a file
    pageload.precompress(site)
    assert (site / "a" / "index.html.gz").read_bytes() == first  # reproducible
    server = serve(site, dynamic=False)
    url = server.url
    try:
        req = urllib.request.Request(url + "/a/", headers={"Accept-Encoding": "br, gzip"})
        with urllib.request.urlopen(req) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            assert r.read() == first
        with urllib.request.urlopen(url + "/a/") as r:  # a client without gzip gets the file
            assert r.headers["Content-Encoding"] is None
            assert r.read() == page
    finally:
        server.close()


EVENT_TIMING = """
window.__events = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__events.push({name: e.name, duration: e.duration, id: e.interactionId});
}).observe({type: 'event', buffered: true, durationThreshold: 16});
"""


def first_tap_ms(browser, url: str) -> float:
    """The longest Event Timing entry of the first tap on a fresh page (the menu button), on
    a 390 px phone with the CPU throttled 4x; the menu opens and Material's bundle starts."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True)
    context.add_init_script(EVENT_TIMING)
    page = context.new_page()
    try:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.component$") == "undefined"  # not loaded before the tap
        page.tap("label.md-header__button[for=__drawer]")
        expect(page.locator(".md-nav--primary .md-nav__item", has_text="统计").first).to_be_in_viewport()
        page.wait_for_function("typeof window.component$ !== 'undefined'")
        page.wait_for_timeout(300)  # entries are delivered after the next paint
        taps = page.evaluate("window.__events.filter(e => e.id > 0)")
        assert taps, "Event Timing saw no interaction"
        return max(e["duration"] for e in taps)
    finally:
        context.close()


@pytest.mark.parametrize("view", ["", f"pilots/{PILOTS[0]['id']}/"])
def test_the_first_tap_is_answered_within_200_ms_on_a_slow_phone(browser, base, view):
    """Deferring Material's bundle to the first interaction must not make that interaction
    slow: the first tap, from input to the next paint (Event Timing), at most 200 ms on a
    phone with the CPU throttled 4x. The fastest of three fresh loads: another test holding
    the shared CPU only ever adds time (the median reached 216 ms on a busy two-core run),
    while a slow handler of the page's own is slow every time (a 250 ms one gives 600+)."""
    durations = sorted(first_tap_ms(browser, f"{base}/{view}") for _ in range(3))
    assert durations[0] <= 200, durations
