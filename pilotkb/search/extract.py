"""A built page's article as text: its title and its blocks, each with a weight.

The page furniture (badges, empty notes, change logs, citations, feed boxes, headings of
sections) is left out, and quotes weigh less. The HTML is read by ``feed_html``, a small
tokenizer for the build's own well-formed pages: it gives ``ArticleText`` the same events
``html.parser`` would, at about a third of its cost (``html.parser`` tracks line numbers
and parses every attribute; only ``class`` matters here). tests/search/test_extract.py
feeds the same handler from ``html.parser`` and compares the two on every page of the site.
"""

from __future__ import annotations

import html
import re

from pilotkb.search.score import QUOTE_WEIGHT

Blocks = list[tuple[str, float]]  # (text, weight) of each block of a document


class ArticleText:
    """Visible text of the article: the title (h1) and the rest, in blocks.

    It takes parser events (``handle_starttag``, ``handle_endtag``, ``handle_data``);
    call ``flush`` after the last one."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "div", "tr", "blockquote", "dl", "ul", "ol", "table"}
    VOID = ("br", "img", "hr", "input", "meta", "link", "wbr")
    # page furniture, not the record: badges, empty notes, change logs, citations, feed boxes,
    # links from quotes to their sentence; and a source's full text with its list of citing
    # records (its sentences are not the source page's own words)
    # edit links
    SKIP_CLASSES = {
        "headerlink",
        "kb-none",
        "kb-badges",
        "kb-changed",
        "kb-history",
        "kb-history__more",
        "kb-cite",
        "kb-feeds",
        "kb-quote__at",
        "kb-source",
        "kb-cites",
        "kb-edit",
    }

    def __init__(self) -> None:
        self.title: list[str] = []
        self.blocks: Blocks = []
        self.quoted = 0  # inside a source quote or citation: repeated on many pages
        self.cur: list[str] = []
        self.stack: list[tuple[str, bool, bool, bool]] = []  # tag, skipping, in_title, quoted
        self.skip = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            if tag == "br":
                self.cur.append(" ")
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipping = bool(classes & self.SKIP_CLASSES) or tag in ("script", "style", "svg", "h2")
        if tag in self.BLOCKS:
            self.flush()
        if tag == "dt":
            self.cur.append("")
        quoted = tag == "blockquote" or "kb-sources" in classes
        self.stack.append((tag, skipping, tag == "h1", quoted))
        if skipping:
            self.skip += 1
        if quoted:
            self.quoted += 1
        if tag == "h1":
            self.in_title = True

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            t, skipping, was_title, quoted = self.stack.pop()
            if skipping:
                self.skip -= 1
            if quoted:
                self.flush()
                self.quoted -= 1
            if was_title:
                self.flush()
                self.in_title = False
            if t == "dt" and not self.skip:
                self.cur.append("：")
            if t in self.BLOCKS:
                self.flush()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
        else:
            self.cur.append(data)

    def flush(self) -> None:
        """End the current block; an empty one, or a field the source does not state, is dropped."""
        text = re.sub(r"\s+", " ", "".join(self.cur)).strip()
        self.cur = []
        if text and not text.endswith("：未公开") and not text.endswith("："):
            self.blocks.append((text, QUOTE_WEIGHT if self.quoted else 1.0))


# A tag (attribute values may hold '>' inside quotes), a comment, or a run of text.
TOKEN = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<!--.*?-->|([^<]+|<)", re.S)
CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
RAW_TEXT_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def feed_html(parser: ArticleText, text: str) -> None:
    """Give ``parser`` the events of ``text``, as ``html.parser`` would (with its entities
    decoded and only the ``class`` attribute)."""
    pos, n = 0, len(text)
    match = TOKEN.match
    while pos < n:
        m = match(text, pos)
        if m is None:  # cannot happen: the last alternative matches any character
            break
        pos = m.end()
        name = m.group(2)
        if name is None:
            data = m.group(4)
            if data is not None:
                parser.handle_data(html.unescape(data) if "&" in data else data)
            continue
        tag = name.lower()
        if m.group(1):
            parser.handle_endtag(tag)
            continue
        attrs_text = m.group(3)
        c = CLASS_ATTR.search(attrs_text) if "class" in attrs_text else None
        attrs = [("class", html.unescape(next(g for g in c.groups() if g is not None)))] if c else []
        parser.handle_starttag(tag, attrs)
        if attrs_text.endswith("/"):
            parser.handle_endtag(tag)  # <x/>: html.parser reports a start and an end
        elif tag in RAW_TEXT_END:
            close = RAW_TEXT_END[tag].search(text, pos)
            end = close.start() if close else n
            if end > pos and not parser.skip:
                parser.handle_data(text[pos:end])
            pos = close.end() if close else n
            parser.handle_endtag(tag)


def article_html(html_text: str, *, with_end_tag: bool = False) -> str:
    """The ``<article>`` element of a built page (without its end tag unless asked); "" if none."""
    start = html_text.find("<article")
    end = html_text.find("</article>", start)
    if start < 0 or end <= start:
        return ""
    return html_text[start : end + len("</article>") if with_end_tag else end]


def page_blocks(html_text: str) -> tuple[str, Blocks]:
    """(title, [(block text, weight)]) of a built page's article; quotes weigh less."""
    parser = ArticleText()
    feed_html(parser, article_html(html_text))
    parser.flush()
    title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    return title, parser.blocks


def page_text(html_text: str) -> tuple[str, str]:
    """(title, body text) of a built page's article."""
    title, blocks = page_blocks(html_text)
    return title, "\n".join(text for text, _ in blocks)
