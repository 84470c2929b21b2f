"""What a source's page shows of its text, its further text pages, and each source's coverage
for the pages that list it.

The text is shown as the file has it, paragraph by paragraph, each sentence with its stable
anchor (``pilotkb.analysis.sources.sentence_anchor``: the contract record pages and search link
to); sentences that records cite are marked with their count and listed with those records;
the others are visible as such. A long text continues on further pages (``sources/ID/2.md`` …,
``analysis.reading.TEXT_PAGE_WEIGHT`` each: text and marks), made by this family; the first is the
source's record page. A source whose ``text_unpublished`` gives a reason shows only the quotes,
each at the anchor of the sentence where it starts, so that every quote link still lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from pilotkb.analysis.reading import Coverage
from pilotkb.data.model import OriginalType
from pilotkb.data.urls import text_page_uri
from pilotkb.publish.export import source_text_path
from pilotkb.site.render import title
from pilotkb.site.views.context import Context
from pilotkb.site.views.downloads import size_label
from pilotkb.site.views.page import GeneratedPage
from pilotkb.site.views.paging import Pager, paged_title


def coverage(ctx: Context, source_id: str) -> Coverage | None:
    """The coverage of a source (None: it has no text file)."""
    reading = ctx.readings.get(source_id)
    return reading.coverage if reading else None


def text_pages(ctx: Context, rec: Any) -> int:
    """How many pages the source's text takes (1 when it is not shown)."""
    reading = ctx.readings.get(rec.id)
    return len(reading.pages) if reading and not rec.text_unpublished else 1


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    """The second and further pages of each long source text."""
    for rec in ctx.cat.sources.values():
        for n in range(1, text_pages(ctx, rec)):
            here = text_page_uri(rec.id, n)
            make = partial(
                ctx.render, "record_sources.md.j2", here, rec=rec, **page_context(ctx, rec, here, n)
            )
            page = GeneratedPage(here, paged_title(title("sources", rec), n + 1), make, "sources")
            page.inputs = (("sources", rec.id),)
            yield page


def _link(ctx: Context, here: str, source_id: str, n: int) -> str:
    return ctx.href(here, text_page_uri(source_id, n - 1))


# What each kind of original is called where its page offers it.
ORIGINAL_LABELS = {OriginalType.docx: "Word 文档", OriginalType.pdf: "PDF", OriginalType.html: "网页"}
# What the extraction left out of each kind (pilotkb.editing.intake), as the page says it.
LEFT_OUT = {
    OriginalType.docx: "页眉、页脚和页码",
    OriginalType.pdf: "每页重复的页眉、页脚和页码",
    OriginalType.html: "网站的导航、分享和打印链接、相关新闻、页脚等",
}


def original(rec: Any) -> dict[str, str] | None:
    """The original a source's text was extracted from, as its page offers it: the path in
    the downloads (from the site's root), its format and size."""
    if not rec.original or rec.original_type is None:
        return None
    return {
        "path": source_text_path(rec.original),
        "format": ORIGINAL_LABELS[rec.original_type],
        "left_out": LEFT_OUT[rec.original_type],
        "size": size_label(rec.original_size or 0),
    }


def page_context(ctx: Context, rec: Any, here: str, n: int = 0) -> dict[str, Any]:
    """What ``record_sources.md.j2`` shows of the source's text on its page ``n`` (0: the
    source's own page, with its fields and the records resting on it)."""
    reading = ctx.readings.get(rec.id)
    published = not rec.text_unpublished
    count = text_pages(ctx, rec)
    out: dict[str, Any] = {
        "reading": reading,
        "coverage": reading.coverage if reading else None,
        "published": published,
        "page": n + 1,
        "pages": count,
        "pager": Pager(n + 1, count, partial(_link, ctx, here, rec.id)),
        "original": original(rec) if published else None,
    }
    if reading is None:
        return out
    paragraphs = reading.pages[n] if published else []
    shown = [s for para in paragraphs for s in para]
    return {
        **out,
        "paragraphs": paragraphs,
        "cited": [s for s in shown if s.cited],
        "uncited": sum(1 for s in shown if not s.cited),
        "gaps": sum(1 for s in shown if s.gap),
        "quoted": [] if published else reading.quoted(),
    }
