"""The page every page of the site becomes while ``mkdocs serve`` runs on bad data: the
messages listed as text (never markup), the count as a sentence, what to do next."""

from __future__ import annotations

import html
import re

from mkdocs.utils import meta

from pilotkb.errors import DataError, Problem
from pilotkb.mkdocs.errorpage import error_page

PROBLEMS = [
    Problem("data/pilots.yaml", 12, "river-chief", "status", "不允许的值（'<b>推进了</b>'）；允许：推进中"),
    Problem("data/pilots.yaml", 30, "a&b", "name", '不能为空 "x"'),
]
MESSAGE = "数据校验未通过，构建已停止：\n" + DataError(PROBLEMS).report()


def test_error_page_lists_each_message_as_text():
    body, front = meta.get_data(error_page(MESSAGE))
    assert front == {
        "title": "数据有错误",
        "render_macros": False,
        "kb_kind": "error",
        "search": {"exclude": True},
    }
    items = re.findall(r"<li><code>(.*?)</code></li>", body)
    assert [html.unescape(item) for item in items] == [str(p) for p in sorted(PROBLEMS)]
    assert "<b>" not in body and "&lt;b&gt;推进了&lt;/b&gt;" in body  # escaped, not markup
    assert "a&amp;b" in body
    paragraphs = [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", body)]
    assert paragraphs[:2] == ["数据校验未通过，构建已停止：", "共 2 处问题；数据未作任何改动。"]
    assert "scripts/kb check" in paragraphs[2]
    assert body.startswith(
        '<div class="kb-data-error" role="alert">\n<h1 class="kb-title">数据有错误，预览暂停</h1>'
    )


def test_a_message_without_a_count_line_has_no_sentence_after_the_list():
    body, _ = meta.get_data(error_page("设置有误，构建已停止：\nmkdocs.yml:1: extra.kb: colour: 未知设置"))
    assert re.findall(r"<li><code>(.*?)</code></li>", body) == ["mkdocs.yml:1: extra.kb: colour: 未知设置"]
    assert "</ol>\n<p></p>\n" in body
