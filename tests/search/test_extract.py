"""A built page's text, as the index reads it: what the page shows, without its furniture."""

from __future__ import annotations

from html.parser import HTMLParser

from pilotkb.search.extract import ArticleText, Blocks, article_html, page_blocks, page_text
from pilotkb.search.score import QUOTE_WEIGHT


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
    assert page_text("<html><body><p>没有正文区</p></body></html>") == ("", "")


def test_quotes_weigh_less():
    _, blocks = page_blocks("<article><h1>题</h1><p>正文</p><blockquote><p>原文</p></blockquote></article>")
    assert blocks == [("正文", 1.0), ("原文", QUOTE_WEIGHT)]


def test_article_html_is_the_article_element():
    page = "<body><nav>x</nav><article class='a'><p>甲</p></article><footer>y</footer></body>"
    assert article_html(page) == "<article class='a'><p>甲</p>"
    assert article_html(page, with_end_tag=True) == "<article class='a'><p>甲</p></article>"
    assert article_html("<body><p>甲</p></body>", with_end_tag=True) == ""


class HtmlParserFeed(HTMLParser):
    """The reference: the standard library's parser feeding the same handler."""

    def __init__(self, handler: ArticleText):
        super().__init__(convert_charrefs=True)
        self.handler = handler

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handler.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.handler.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self.handler.handle_data(data)


def blocks_by_html_parser(html_text: str) -> tuple[str, Blocks]:
    handler = ArticleText()
    parser = HtmlParserFeed(handler)
    parser.feed(article_html(html_text))
    parser.close()
    handler.flush()
    return " ".join("".join(handler.title).split()), handler.blocks


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
    assert page_blocks(TRICKY) == blocks_by_html_parser(TRICKY)
    title, blocks = page_blocks(TRICKY)
    assert title == "标题 & 名称"
    assert "引用格式" not in str(blocks) and "不是正文" not in str(blocks) and "不算" not in str(blocks)
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert page_blocks(text) == blocks_by_html_parser(text), page
