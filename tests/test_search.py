"""Full-text search: the index (Python) and the search box (in Chromium, on the built site)."""

from __future__ import annotations

import json

import pytest

from pilotkb.search.index import (
    DIGITS,
    Segmenter,
    _ArticleText,
    bitset,
    data_words,
    encode_postings,
    fold,
    page_blocks,
    page_text,
    varint,
)

from .conftest import TITLE_BREAK, serious_axe_violations
from .search_queries import NO_RESULT, QUERIES

INDEX = "assets/search/index"
BOX = ".kb-search"
LIST = ".kb-search .md-search-result__list"


# --- the index, in Python -------------------------------------------------------------


def decode(text: str) -> list[tuple[int, int]]:
    out, doc, n, shift, i = [], 0, 0, 0, 0
    while i < len(text):
        v = DIGITS.index(text[i])
        if v >= 32:
            n += (v - 32) << (5 * shift)
            shift += 1
        else:
            doc += n + (v << (5 * shift))
            i += 1
            out.append((doc, DIGITS.index(text[i])))
            n = shift = 0
        i += 1
    return out


def test_postings_round_trip():
    postings = [(0, 5), (1, 63), (31, 0), (32, 1), (1000, 12), (70000, 40)]
    assert decode(encode_postings(postings)) == postings
    assert varint(31) == "v" and varint(32) == "w1"
    assert bitset([0, 5, 6, 13], 14) == DIGITS[0b100001] + DIGITS[0b000001] + DIGITS[0b000010]


@pytest.fixture(scope="module")
def segmenter(real_catalog) -> Segmenter:
    return Segmenter(data_words(real_catalog))


def test_domain_words_stay_whole(real_catalog, segmenter):
    words = data_words(real_catalog)
    for w in ("刑责治污", "村官直审", "资产收益扶贫", "救急难", "一为主两报告", "河长制", "多规合一"):
        assert w in words, w
    terms = {t for t, _ in segmenter.terms("我市探索资产收益扶贫新模式，推行“刑责治污”模式")}
    assert {"资产收益扶贫", "刑责治污"} <= terms
    # the parts of a whole word are indexed too
    assert {"扶贫", "资产", "收益"} <= terms
    assert [t for t, w in segmenter.terms("ＰＭ２．５下降") if w == 1] == ["pm2.5", "下降"]
    assert fold("ＡＢＣ") == "abc"


def test_page_text_keeps_what_the_page_shows():
    html = (
        '<html><body><nav>导航</nav><article class="md-content__inner">'
        '<h1 class="kb-title">名称 &lt;b&gt;</h1><p class="kb-badges"><a>国家级</a></p>'
        '<h2 id="x">基本信息<a class="headerlink">¶</a></h2>'
        '<dl><div class="kb-field"><dt>层级</dt><dd>国家级</dd></div>'
        '<div class="kb-field"><dt>状态</dt><dd><span class="kb-unknown">未公开</span></dd></div></dl>'
        '<p class="kb-none">来源未提及相关报道。</p><p>正文<br>第二行</p></article></body></html>'
    )
    title, text = page_text(html)
    assert title == "名称 <b>"
    assert text.split("\n") == ["层级：国家级", "正文 第二行"]


def test_index_covers_every_record_its_page_or_its_row(real_site, real_catalog):
    index = real_site / INDEX
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    docs = [json.loads((index / "d" / f"{i}.json").read_text(encoding="utf-8")) for i in range(manifest["n"])]
    urls = {d["u"] for d in docs}
    for coll in ("pilots", "experiences", "coverage", "events", "areas", "sources"):
        for rid in getattr(real_catalog, coll):
            assert f"{coll}/{rid}/" in urls, (coll, rid)
    # rows of shared pages are results of their own, at their anchor
    for rid in real_catalog.figures:
        assert f"stats/#figure-{rid}" in urls, rid
    for rid in real_catalog.evaluations:
        assert f"evaluations/#evaluation-{rid}" in urls, rid
    for p in real_catalog.pilots.values():
        for n, _ in enumerate(p.metrics, start=1):
            assert f"pilots/{p.id}/#metric-{n}" in urls
    kinds = {d["k"] for d in docs}
    assert {"试点", "经验", "地区", "来源", "数字", "指标", "评估"} <= kinds
    for d in docs:
        path, _, anchor = d["u"].partition("#")
        page = (real_site / path / "index.html").read_text(encoding="utf-8")
        if anchor:
            assert f'id="{anchor}"' in page, d["u"]
            continue
        title, text = page_text(page)
        assert d["t"] == title and text.startswith(d["x"][:200])
    facets = manifest["facets"]
    assert [v[1] for v in facets["type"]][:2] == ["试点", "指标"]


def _blocks_by_html_parser(html_text: str) -> tuple[str, list[tuple[str, float]]]:
    """The reference: the same handlers fed by the standard library's html.parser."""
    start, end = html_text.find("<article"), html_text.find("</article>")
    parser = _ArticleText()
    parser.feed(html_text[start:end] if start >= 0 and end > start else "")
    parser.close()
    parser._flush()
    return " ".join("".join(parser.title).split()), parser.blocks


TRICKY = (
    '<article class="md-content__inner"><h1>标题 &amp; 名称<a class="headerlink" href="#x">¶</a></h1>'
    "<p data-x=\"a>b\" class='kb-lead'>甲<br>乙<br/>丙 &lt;丁&gt;</p><!-- 注释 <p>不算</p> -->"
    '<script>var s = "<p>不是正文</p>";</script><img src="x.png" alt="图"/><p>戊</p>'
    '<div class="kb-cite"><p>引用格式</p></div><blockquote><p>原文一句</p></blockquote>'
    "<dl><dt>时间</dt><dd>2017 年</dd></dl> a < b </article>"
)


def test_page_text_reads_pages_as_html_parser_does(real_site):
    """The fast tokenizer gives the index the same text as the standard HTML parser, on a
    page made to be awkward and on every page of the site."""
    assert page_blocks(TRICKY) == _blocks_by_html_parser(TRICKY)
    title, blocks = page_blocks(TRICKY)
    assert title == "标题 & 名称"
    assert "引用格式" not in str(blocks) and "不是正文" not in str(blocks) and "不算" not in str(blocks)
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert page_blocks(text) == _blocks_by_html_parser(text), page


def test_no_file_of_the_index_is_large(real_site):
    sizes = {
        p.relative_to(real_site / INDEX).as_posix(): p.stat().st_size for p in (real_site / INDEX).rglob("*")
    }
    shards = {k: v for k, v in sizes.items() if k.startswith("t/")}
    assert shards and max(shards.values()) < 40_000, max(shards.items(), key=lambda kv: kv[1])


# --- in the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(real_site, serve) -> str:
    return serve(real_site)


@pytest.fixture
def page(browser_page, base):
    requests: list[str] = []
    browser_page.on("request", lambda r: requests.append(r.url))
    browser_page.requests = requests
    browser_page.goto(base + "/")
    browser_page.wait_for_load_state("load")
    return browser_page


def search(page, query: str, *, keyboard: bool = False) -> list[dict]:
    page.evaluate(f"document.querySelector('{LIST}').removeAttribute('data-query')")
    if keyboard:
        page.keyboard.press("/")
        page.keyboard.type(query)
    else:
        page.evaluate(
            """(q) => { const i = document.querySelector('.kb-search .md-search__input');
                       i.focus(); i.value = q; i.dispatchEvent(new Event('input')); }""",
            query,
        )
    page.wait_for_selector(
        f"{LIST}[data-query={json.dumps(query, ensure_ascii=False)}]", state="attached", timeout=10_000
    )
    return results(page)


def results(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.kb-search .kb-search-result')].map((li) => ({
            href: li.querySelector('a').getAttribute('href'),
            title: li.querySelector('h1').textContent,
            type: li.querySelector('.kb-search-type').textContent,
            facets: [...li.querySelectorAll('.kb-search-facet')].map((s) => s.textContent),
            marks: [...li.querySelectorAll('.kb-search-snippet mark')].map((m) => m.textContent),
            titleMarks: [...li.querySelectorAll('h1 mark')].map((m) => m.textContent),
        }))"""
    )


def path_of(base: str, href: str) -> str:
    assert href.startswith(base + "/"), href
    return href[len(base) + 1 :]


@pytest.mark.browser
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
    assert "找到" in page.inner_text(".kb-search .md-search-result__meta")
    assert search(page, "zzqxv") == []
    assert page.inner_text(".kb-search .md-search-result__meta") == "没有找到与“zzqxv”相关的内容。"


@pytest.mark.browser
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


@pytest.mark.browser
def test_facets_narrow_results(page, real_catalog):
    everything = search(page, "扶贫")
    assert {r["type"] for r in everything} >= {"试点", "经验"}

    def choose(name: str, label: str) -> list[dict]:
        page.evaluate(f"document.querySelector('{LIST}').removeAttribute('data-query')")
        page.select_option(f".kb-search select[name={name}]", label=label)
        page.wait_for_selector(f"{LIST}[data-query]", state="attached")
        return results(page)

    experiences = choose("type", "经验")
    assert experiences and all(r["type"] == "经验" for r in experiences)
    choose("type", "全部类型")
    national = choose("level", "国家级")
    assert national and all(r["type"] == "试点" and r["facets"][0] == "国家级" for r in national)
    ids = {p.id for p in real_catalog.pilots.values() if p.level and p.level.value == "国家级"}
    assert all(r["href"].rstrip("/").rsplit("/", 1)[-1] in ids for r in national)
    choose("level", "全部层级")
    boshan = choose("area", "博山区")
    in_boshan = {r["href"] for r in everything if "博山区" in r["facets"]}
    assert in_boshan, "the unfiltered results hold pages of 博山区"
    assert boshan and all("博山区" in r["facets"] for r in boshan)
    assert in_boshan <= {r["href"] for r in boshan}
    events = choose("type", "活动")
    assert events and all(r["type"] == "活动" and "博山区" in r["facets"] for r in events)


@pytest.mark.browser
def test_no_request_leaves_the_site(page, base):
    for q in ("河长制", "足球", "改革试点", "pm2.5"):
        search(page, q)
    page.select_option(".kb-search select[name=type]", label="试点")
    page.wait_for_timeout(300)
    assert page.requests and all(u.startswith(base + "/") for u in page.requests), [
        u for u in page.requests if not u.startswith(base + "/")
    ]


@pytest.mark.browser
def test_fits_a_360px_phone(page):
    page.click(".kb-search-button")
    assert page.is_checked("#__search")
    found = search(page, "生态文明先行示范区")
    assert found
    assert page.is_visible(".kb-search .md-search__input")
    assert page.is_visible(".kb-search .kb-search-result")
    page.wait_for_timeout(600)  # the overlay's opening transition
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    boxes = page.evaluate(
        "[...document.querySelectorAll('.kb-search select, .kb-search .kb-search-result')]"
        ".map((e) => e.getBoundingClientRect().right)"
    )
    assert boxes and max(boxes) <= 360, boxes


@pytest.mark.browser
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


@pytest.mark.browser
def test_relevance_of_real_queries(page, base):
    top1 = top3 = 0
    misses = []
    for query, expected in QUERIES:
        found = [path_of(base, r["href"]) for r in search(page, query)[:3]]
        top1 += bool(found) and found[0] == expected
        top3 += expected in found
        if expected not in found:
            misses.append((query, expected, found))
    n = len(QUERIES)
    print(
        f"\nsearch relevance: {n} queries, top-1 {top1}/{n} = {top1 / n:.0%}, top-3 {top3}/{n} = {top3 / n:.0%}"
    )
    for miss in misses:
        print("  miss:", *miss)
    assert n >= 80
    assert top3 / n >= 0.95, misses


@pytest.mark.browser
def test_queries_with_nothing_to_find_say_so(page):
    for query in NO_RESULT:
        assert search(page, query) == [], query
        meta = page.text_content(f"{BOX} .md-search-result__meta")
        assert f"没有找到与“{query}”相关的内容" in meta


@pytest.mark.browser
def test_no_result_offers_close_words_from_the_vocabulary(page):
    assert search(page, "众筹网站") == []
    offered = page.eval_on_selector_all(
        f"{BOX} .kb-search-suggest__word", "els => els.map(e => e.textContent)"
    )
    assert "股权众筹" in offered
    page.click(f"{BOX} .kb-search-suggest__word >> text=股权众筹")
    page.wait_for_function(
        f"document.querySelector('{BOX} .md-search-result__meta').textContent.startsWith('找到')"
    )


@pytest.mark.browser
def test_figures_and_metrics_are_results_of_their_own(page, base, real_catalog):
    found = search(page, "空气优良天数")
    fig = real_catalog.figures["good-air-days-2016"]
    first = found[0]
    assert path_of(base, first["href"]) == "stats/#figure-good-air-days-2016"
    assert first["title"] == f"{fig.label} {fig.value}"
    assert first["type"] == "数字"
    pilot = next(p for p in real_catalog.pilots.values() if p.metrics)
    metric = pilot.metrics[0]
    found = search(page, metric.name)
    hrefs = [path_of(base, r["href"]) for r in found]
    assert f"pilots/{pilot.id}/#metric-1" in hrefs


def test_expected_pages_exist(real_site):
    from .html_util import parse

    for query, expected in QUERIES:
        path, _, anchor = expected.partition("#")
        page = real_site / path / "index.html"
        assert page.exists(), (query, expected)
        if anchor:
            assert anchor in parse(page).ids, (query, expected)


# --- data text stays text --------------------------------------------------------------


@pytest.mark.browser
def test_names_that_look_like_markup_are_shown_as_text(inject_site, serve, browser_page):
    base = serve(inject_site)
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "/")
    titles: set[str] = set()
    for query in ("alert", "title script", "javascript", "onclick", "7", "粗体区", "onerror"):
        found = search(page, query)
        titles |= {r["title"] for r in found}
        assert (
            page.locator(f"{BOX} .md-search-result__list script, {BOX} .md-search-result__list img").count()
            == 0
        )
        assert page.locator(f"{BOX} .md-search-result__list [onerror], {BOX} [onclick]").count() == 0
    assert TITLE_BREAK in titles
    assert "[x](javascript:alert(1))" in titles
    assert "{{ 7*7 }}" in titles
    assert "<b>粗体区</b>" in titles
    snippets = page.evaluate("[...document.querySelectorAll('.kb-search-snippet')].map((p) => p.textContent)")
    assert snippets
    found = search(page, "onerror")
    assert any("<img src=x onerror=alert(1)>" in r["title"] or r["marks"] for r in found)
    page.wait_for_timeout(200)
    assert dialogs == []
    # the index holds the traps as plain text, exactly as written in the data
    indexed = {
        json.loads(p.read_text(encoding="utf-8"))["t"] for p in (inject_site / INDEX / "d").glob("*.json")
    }
    assert TITLE_BREAK in indexed
    assert "{{ 7*7 }}" in indexed


# --- at scale: capped postings, paging past them, filtering with all of them -----------


@pytest.mark.browser
def test_paging_past_the_top_postings_and_filtering_use_every_document(synth_site, serve, browser_page):
    site, data = synth_site
    page = browser_page
    page.goto(serve(site) + "/")
    assert len(search(page, "投资")) == 10  # on every pilot page: more than a shard keeps
    assert "+" in page.inner_text(".kb-search .md-search-result__meta")
    for _ in range(25):
        before = len(results(page))
        page.click(".kb-search .kb-search-more button")
        page.wait_for_function(
            "(n) => document.querySelectorAll('.kb-search .kb-search-result').length >= n + 10"
            " && document.querySelector('.kb-search .kb-search-more')",
            arg=before,
        )
    shown = [r["href"] for r in results(page)]
    assert len(shown) == 260 and len(set(shown)) == 260

    # every pilot page and every experience page quotes "累计完成投资"; so may a pilot's metric,
    # a result of its own
    def says(m):
        quote = m.get("quote") or []
        return "投资" in m["name"] + str(m["value"]) + "".join([quote] if isinstance(quote, str) else quote)

    metrics = {p["id"]: sum(1 for m in p.get("metrics") or [] if says(m)) for p in data["pilots"]}
    holding = len(data["pilots"]) + len(data["experiences"]) + sum(metrics.values())
    assert page.inner_text(".kb-search .md-search-result__meta") == f"找到 {holding} 个符合条件的结果"
    municipal = sum(1 + metrics[p["id"]] for p in data["pilots"] if p.get("level") == "市级")
    page.evaluate(f"document.querySelector('{LIST}').removeAttribute('data-query')")
    page.select_option(".kb-search select[name=level]", label="市级")
    page.wait_for_selector(f"{LIST}[data-query]", state="attached")
    assert page.inner_text(".kb-search .md-search-result__meta") == f"找到 {municipal} 个符合条件的结果"
    assert all(r["facets"][0] == "市级" for r in results(page))
    # two words whose documents are rare among each other's top postings
    both = [p for p in data["pilots"] if "校园足球" in p["name"] and "淄川区" in p["name"]]
    page.select_option(".kb-search select[name=level]", label="全部层级")
    found = search(page, "淄川区 校园足球")
    pilots = {r["href"].rstrip("/").rsplit("/", 1)[-1] for r in found if r["type"] == "试点"}
    assert pilots == {p["id"] for p in both}
    assert found[0]["type"] == "试点"


@pytest.mark.browser
def test_open_search_with_results_is_accessible(page):
    search(page, "扶贫", keyboard=True)
    page.wait_for_timeout(500)
    assert serious_axe_violations(page, "document.querySelector('.kb-search')") == []
