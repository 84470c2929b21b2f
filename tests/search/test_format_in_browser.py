"""The search index format, decoded by the browser's own code."""

from __future__ import annotations

import json

import pytest

from pilotkb.search.format import DIGITS, VERSION, bitset, encode_postings


@pytest.mark.browser
def test_browser_decodes_what_python_encodes(real_site, serve, browser_page):
    page = browser_page
    page.goto(serve(real_site) + "/")
    page.wait_for_function("window.kbSearchFormat !== undefined")
    assert page.evaluate("kbSearchFormat.version") == VERSION
    vectors = [
        [(0, 0)],
        [(0, 5), (1, 63), (31, 0), (32, 1), (1000, 12), (70000, 40)],
        [(i * 37, i % 64) for i in range(300)],
        [(2**20 + 3, 7)],
    ]
    for postings in vectors:
        decoded = page.evaluate("(t) => kbSearchFormat.postings(t)", encode_postings(postings))
        assert list(zip(decoded[::2], decoded[1::2], strict=True)) == sorted(postings)
    for ids, n in (([0, 5, 6, 13], 14), ([], 7), (list(range(0, 100, 3)), 100)):
        assert page.evaluate("([t, n]) => kbSearchFormat.bits(t, n)", [bitset(ids, n), n]) == ids
    assert set(encode_postings(vectors[1])) <= set(DIGITS)


@pytest.mark.browser
def test_search_says_plainly_when_the_index_format_differs(real_site, serve, browser_page, tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(real_site, site)
    manifest = site / "assets/search/index/manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["v"] = VERSION + 1
    manifest.write_text(json.dumps(doc), encoding="utf-8")
    page = browser_page
    page.goto(serve(site) + "/search/?q=河长制")
    page.wait_for_function(
        "document.querySelector('[data-kb-search-page] .md-search-result__meta')"
        "?.textContent.includes('格式')"
    )
    meta = page.text_content("[data-kb-search-page] .md-search-result__meta")
    assert f"（{VERSION + 1}）与本页脚本（{VERSION}）不一致" in meta
