"""Following a quote to its sentence, and reading a source for what is not yet captured, in
headless Chromium: on a phone and a desktop, with and without scripts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 780}
DESKTOP = {"width": 1280, "height": 800}
NOTICE_QUOTE = "截至2024年底,全省推广河长制经验的县区达到20个。"
# the sentence is shown in the viewport, below Material's fixed header
IN_VIEW = """() => {
  const t = document.querySelector(':target');
  if (!t) return false;
  const r = t.getBoundingClientRect(), header = document.querySelector('.md-header').getBoundingClientRect();
  return r.top >= header.bottom - 1 && r.bottom <= innerHeight;
}"""


@pytest.fixture(scope="module")
def base(sources_site, serve):
    return serve(sources_site)


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request):
    return request.param


def new_page(browser, viewport, scripts: bool = True):
    context = browser.new_context(viewport=viewport, locale="zh-CN", java_script_enabled=scripts)
    return context, context.new_page()


def quote_link(page, quote: str):
    return page.locator(".kb-quote p", has_text=quote).locator("a.kb-quote__at")


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_a_quote_link_lands_on_its_highlighted_sentence(browser, base, viewport, scripts):
    context, page = new_page(browser, viewport, scripts)
    try:
        page.goto(base + "/pilots/river/")
        link = quote_link(page, NOTICE_QUOTE)
        href = link.get_attribute("href")
        # with scripts, Chromium (which follows text fragments) also gets the quoted words
        if scripts:
            page.wait_for_function("document.querySelector('a.kb-quote__at').href.includes(':~:text=')")
            assert ":~:text=" in link.get_attribute("href")
        else:
            assert href.startswith("../../sources/province-notice/#s-") and ":~:" not in href
        anchor = href.split("#")[1].split(":~:")[0]
        link.click()
        # (where a text fragment was followed, the address may keep it after the anchor)
        page.wait_for_url(lambda url: f"/sources/province-notice/#{anchor}" in url)
        page.wait_for_function(IN_VIEW)
        target = page.locator(":target")
        assert target.get_attribute("id") == anchor
        assert target.inner_text().startswith(NOTICE_QUOTE)
        background = target.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    finally:
        context.close()


def test_the_uncited_filter_works_on_a_phone_without_scripts(browser, base):
    context, page = new_page(browser, PHONE, scripts=False)
    try:
        page.goto(base + "/sources/city-report/")
        gap = page.locator(".kb-source__text .kb-s--gap")
        cited = page.locator(".kb-source__text .kb-s--cited")
        assert gap.count() == 1 and cited.count() == 9
        assert cited.first.is_visible()
        page.get_by_text("只看未被引用的句子").click()  # the label: a large target, no script
        page.wait_for_function("!document.querySelector('.kb-source__text .kb-s--cited').offsetParent")
        assert all(not cited.nth(i).is_visible() for i in range(cited.count()))
        assert gap.is_visible() and gap.inner_text() == "丙区物流标准化试点尚待总结,今年计划召开现场会。"
        # what is left: the headline, a narrative sentence beside a cited one, the gap, a headline
        assert page.locator(".kb-source__text .kb-s:visible").all_inner_texts() == [
            "甲市改革试点工作综述",
            "河道更清了。",
            "丙区物流标准化试点尚待总结,今年计划召开现场会。",
            "工作有序开展",
        ]
        page.get_by_text("只看未被引用的句子").click()
        page.wait_for_function("!!document.querySelector('.kb-source__text .kb-s--cited').offsetParent")
    finally:
        context.close()


def test_a_sentences_count_leads_to_the_records_citing_it_and_back(browser, base, viewport):
    context, page = new_page(browser, viewport)
    try:
        page.goto(base + "/sources/city-report/")
        sentence = page.locator(".kb-s", has_text="甲区河长制试点建立了四级河长体系")
        anchor = sentence.get_attribute("id")
        sentence.locator("a.kb-s__n").click()
        page.wait_for_url(f"**#c-{anchor}")
        page.wait_for_function(IN_VIEW)
        note = page.locator(":target")
        assert note.locator("a:not(.kb-cites__back)").all_inner_texts() == ["甲区", "甲区河长制试点"]
        note.locator("a.kb-cites__back").click()
        page.wait_for_url(f"**#{anchor}")
        page.wait_for_function(IN_VIEW)
    finally:
        context.close()
