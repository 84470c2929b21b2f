"""名词解释: the vocabulary search uses, shown to readers. Every entry is editorial (it states
words, not facts); an entry shows a definition only when it quotes a source."""

from __future__ import annotations

from collections.abc import Iterator

from pilotkb.search.forgive import Readings, readings
from pilotkb.site.views.context import Context
from pilotkb.site.views.memo import PINYIN, per_context
from pilotkb.site.views.page import GeneratedPage

URI = "glossary/index.md"


@per_context(engine=PINYIN)
def term_order(ctx: Context) -> list[str]:
    """The terms' ids in pinyin order, as a Chinese reader looks a word up (PM2.5 after P)."""
    from pypinyin import lazy_pinyin  # its phrase dictionary is ~55 MB (views/memo.py)

    terms = ctx.cat.records["terms"].values()
    return [t.id for t in sorted(terms, key=lambda t: ([w.lower() for w in lazy_pinyin(t.term)], t.term))]


@per_context(engine=PINYIN)
def search_readings(ctx: Context) -> Readings:
    """The pinyin of the titles, names and terms for the search index (``search/forgive.py``),
    made with the glossary's order in the process that loads pypinyin."""
    return readings(ctx.cat)


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    records = ctx.cat.records["terms"]
    terms = [records[tid] for tid in term_order(ctx)]
    yield GeneratedPage(
        URI,
        "名词解释",
        ctx.render("glossary_index.md.j2", URI, terms=terms, cite=lambda t: ctx.cat.citations("terms", t)),
        "index",
        "简称、俗称与同义词：搜索时这些说法互相通用",
    )
