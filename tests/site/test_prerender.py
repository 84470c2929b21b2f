"""Generated pages skip Python-Markdown: the direct conversion must give the same HTML and
table of contents as Markdown with the site's settings, or decline (the page then goes
through Markdown)."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from mkdocs.utils import meta

from pilotkb import load_catalog
from pilotkb.data import synth
from pilotkb.settings import Settings
from pilotkb.site.prerender import to_html
from pilotkb.site.views import Views

# as mkdocs.yml
EXTENSIONS = ["toc", "tables", "attr_list", "admonition", "md_in_html", "pymdownx.superfences"]
CONFIG = {"toc": {"permalink": "¶", "permalink_title": "本节链接"}}


def markdown_html(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG)
    content = md.convert(body)
    heads: list[tuple[int, str, str]] = []

    def walk(tokens: list[dict]) -> None:
        for t in tokens:
            heads.append((t["level"], t["id"], t["name"]))
            walk(t["children"])

    walk(md.toc_tokens)
    return content, heads


def check_pages(catalog) -> int:
    count = 0
    for page in Views(catalog, Settings()).pages():
        body, front = meta.get_data(page.markdown())
        assert front == page.front(), page.src_uri  # what the engine reads from the front matter
        done = to_html(body, "¶", "本节链接")
        assert done is not None, f"{page.src_uri} fell back to Markdown"
        content, heads = markdown_html(body)
        assert done.content == content, page.src_uri
        assert done.headings == heads, page.src_uri
        count += 1
    return count


def test_every_real_page_converts_as_markdown_would(real_catalog):
    assert check_pages(real_catalog) > 100


def test_synthetic_pages_convert_as_markdown_would(tmp_path: Path):
    assert check_pages(load_catalog(synth.write(60, tmp_path))) > 60


@pytest.mark.parametrize(
    "body",
    [
        "<p>x</p>\n\n一段 *Markdown* 文字\n",  # a paragraph of Markdown text
        "<p>x</p>\n\n## 标题 *强调* {#h}\n",  # inline Markdown in a heading
        "<p>x</p> 尾巴\n",  # text after a closing tag
        "<span>行内元素开头</span>\n",  # not a block-level tag
        "<div>\n\n## 块内标题 {#in}\n\n</div>\n",  # a heading inside an open block
        "<pre>\n  code\n</pre>\n",  # whitespace matters
        "<p>x</p>\n\n    缩进的代码\n",  # an indented code block
        "<div>\n```\ncode\n```\n</div>\n",  # a fence
    ],
)
def test_anything_else_goes_through_markdown(body: str):
    assert to_html(body, "¶", "本节链接") is None


def test_blocks_and_headings_match_markdown():
    body = (
        '<h1 class="kb-title">名</h1>\n\n<div class="a">\n<p>一</p>\n\n<p>二</p>\n</div>\n<p>紧接</p>\n\n\n'
        '## 第一节 {#one}\n<ul>\n<li id="x">甲<br>乙</li>\n</ul>\n\n### 小节 {#two}\n\n'
        '<script type="application/json">{"a": 1}</script>\n<figure><svg><path d="M0 0"/></svg></figure>\n'
    )
    done = to_html(body, "¶", "本节链接")
    content, heads = markdown_html(body)
    assert done is not None
    assert (done.content, done.headings) == (content, heads)
    assert {"one", "two", "x"} <= done.anchors
