"""A web page saved from a browser, read with trafilatura: the article kept, the portal's
navigation, breadcrumbs, share and print links, related news, footer, scripts and styles
left out, and every visible line left out listed. The encoding is the one the page declares
if its bytes are in it, else what they really are (UTF-8, GB18030, Big5). Title, date and
publisher come from the meta tags Chinese government sites carry (ArticleTitle, PubDate,
ContentSource), else the page's <h1>, <title> without the portal's name, and its
发布时间 / 来源 line."""

from __future__ import annotations

import re
from typing import Any

from pilotkb.editing.intake import layout
from pilotkb.editing.intake.plain import decode
from pilotkb.editing.intake.result import Extraction

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HIDDEN = ("script", "style", "noscript", "template", "svg", "head", "select", "textarea", "button")
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "header", "footer", "nav", "aside", "dd", "dt", "dl", "blockquote", "pre", "form", "td", "th",
    "center", "hr", "main", "figure", "figcaption", "caption", "tbody", "thead",
}  # fmt: skip
_META = {
    "title": ("articletitle", "og:title", "dc.title"),
    "date": ("pubdate", "publishdate", "article:published_time", "dc.date", "firstpublishedtime"),
    "publisher": ("contentsource", "source", "dc.publisher"),
}


def _metas(tree: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        value = layout.clean(meta.get("content") or "")
        if key and value:
            out.setdefault(key, value)
    return out


def _visible_lines(tree: Any) -> tuple[list[str], int]:
    """Every line a reader sees on the page, and how many scripts and styles it has."""
    hidden = 0
    for el in list(tree.iter(*_HIDDEN)):
        if el.getparent() is not None:
            hidden += el.tag in ("script", "style")
            el.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif el.tag in ("td", "th"):
            el.tail = " " + (el.tail or "")
    body = tree.find("body") if tree.find("body") is not None else tree
    lines = [layout.clean(t) for t in body.text_content().split("\n")]
    return [t for t in lines if t], hidden


def _article(markup: str) -> list[str]:
    """The article's paragraphs as trafilatura finds them: a table one row a line."""
    import trafilatura
    from lxml import etree
    from trafilatura.settings import use_config

    config = use_config()
    # a short notice is an article too: trafilatura's minimums (250 characters) are for blogs,
    # and below them it falls back to the whole page, navigation and all
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_EXTRACTED_COMM_SIZE", "MIN_OUTPUT_COMM_SIZE"):
        config.set("DEFAULT", key, "1")
    xml = trafilatura.extract(
        markup,
        config=config,
        output_format="xml",
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_formatting=False,
        include_links=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not xml:
        return []
    doc = etree.fromstring(xml.encode("utf-8"))
    main = doc.find("main")
    out: list[str] = []
    for block in main if main is not None else []:
        if block.tag == "table":
            for row in block.iter("row"):
                cells = [layout.join_all("".join(c.itertext()).split("\n")) for c in row.iter("cell")]
                if any(cells):
                    out.append(" | ".join(cells))
        elif block.tag == "list":
            out.extend(layout.clean("".join(i.itertext())) for i in block.iter("item"))
        else:
            for lb in block.iter("lb"):
                lb.tail = "\n" + (lb.tail or "")
            out.extend("".join(block.itertext()).split("\n"))
    return [t for t in (layout.clean(t) for t in out) if t]


def _title(tree: Any, metas: dict[str, str]) -> str | None:
    for key in _META["title"]:
        if metas.get(key):
            return metas[key]
    heads = [layout.clean(h.text_content()) for h in tree.iter("h1")]
    heads = [h for h in heads if h]
    if len(heads) == 1:
        return heads[0]
    titles = tree.findall(".//title")
    return layout.title_without_site(titles[0].text_content()) or None if titles else None


def extract(raw: bytes, shown: str) -> Extraction:
    import lxml.html

    declared = _CHARSET.search(raw[:8192])
    markup, encoding = decode(raw, shown, declared.group(1).decode("ascii") if declared else None)
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)  # lxml refuses a str that declares its encoding
    paragraphs = _article(markup) if markup.strip() else []
    try:
        tree = lxml.html.document_fromstring(markup) if markup.strip() else None
    except Exception:  # noqa: BLE001 - lxml on markup with nothing in it
        tree = None
    metas = _metas(tree) if tree is not None else {}
    title = _title(tree, metas) if tree is not None else None
    lines, hidden = _visible_lines(tree) if tree is not None else ([], 0)
    kept = "\n".join(paragraphs)
    flat = re.sub(r"\s+", "", kept)
    left_out = [("网页", t) for t in lines if re.sub(r"\s+", "", t) not in flat]
    if hidden:
        left_out.append(("脚本与样式", f"{hidden} 段（不是正文）"))
    meta_date = next((layout.date_in(metas[k]) for k in _META["date"] if metas.get(k)), None)
    sig_publisher, sig_date = layout.signature(paragraphs)
    date = meta_date or layout.labelled_date(lines) or sig_date
    publisher = next((metas[k] for k in _META["publisher"] if metas.get(k)), None)
    publisher = publisher or layout.labelled_source(lines) or sig_publisher
    return Extraction(layout.text_of(paragraphs), left_out, title, date, publisher, encoding=encoding)
