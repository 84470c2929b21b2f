"""Collection index pages: the paginated list of each collection, and shared-row pages."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from pilotkb.data.registry import REGISTRY
from pilotkb.site.views import sourcetext
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage
from pilotkb.site.views.paging import paged_title


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    cat = ctx.cat
    for coll, c in REGISTRY.items():
        if not c.index_title:
            continue
        records = list(cat.records[coll].values())
        base = c.index_uri.removesuffix("/index.md") + "/all"
        for here, chunk, pager in ctx.chunks(c.index_uri, base, records):
            body = partial(
                ctx.render,
                "collection_index.md.j2",
                here,
                coll=coll,
                title=c.index_title,
                intro=c.index_intro,
                records=chunk,
                total=len(records),
                rel=cat.relations,
                coverage=partial(sourcetext.coverage, ctx),
                **pager,
            )
            page = GeneratedPage(
                here, paged_title(c.index_title, pager["page"]), body, "index", c.index_intro
            )
            page.inputs = tuple((coll, r.id) for r in chunk)
            yield page
    yield GeneratedPage(
        "evaluations/index.md",
        "评估",
        ctx.render(
            "collection_evaluations.md.j2",
            "evaluations/index.md",
            records=list(cat.evaluations.values()),
            cite=lambda r: cat.citations("evaluations", r),
            rel=lambda rid: cat.relations("evaluations", rid),
        ),
        "index",
        "第三方评估与满意度调查",
    )
