"""名词解释: the vocabulary search uses, shown to readers. Every entry is editorial (it states
words, not facts); an entry shows a definition only when it quotes a source."""

from __future__ import annotations

from collections.abc import Iterator

from pypinyin import lazy_pinyin

from pilotkb.site.views.base import Context, GeneratedPage

URI = "glossary/index.md"


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    # in pinyin order, as a Chinese reader looks a word up (PM2.5 after P)
    terms = sorted(
        ctx.cat.records["terms"].values(), key=lambda t: ([w.lower() for w in lazy_pinyin(t.term)], t.term)
    )
    yield GeneratedPage(
        URI,
        "名词解释",
        ctx.render("glossary_index.md.j2", URI, terms=terms, cite=lambda t: ctx.cat.citations("terms", t)),
        "index",
        "简称、俗称与同义词：搜索时这些说法互相通用",
    )
