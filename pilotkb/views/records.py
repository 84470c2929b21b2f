"""Record pages: one page per record of every collection that has its own pages."""

from __future__ import annotations

from collections.abc import Iterator

from ..facets import year
from ..registry import REGISTRY
from ..render import title
from .base import Context, GeneratedPage


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    cat = ctx.cat
    for coll, c in REGISTRY.items():
        if not c.has_pages:
            continue
        for rec in cat.records[coll].values():
            here = c.uri(rec.id)
            body = ctx.render(
                c.template,
                here,
                rec=rec,
                rel=cat.relations(coll, rec.id),
                cite=cat.citations(coll, rec) if coll != "sources" else [],
                cited_by=cat.cited_by(rec.id) if coll == "sources" else {},
                updates=sorted(getattr(rec, "updates", []), key=lambda u: u.date or "", reverse=True),
                year=year(rec) if coll == "pilots" else None,
                settings_page_size=ctx.settings.page_size,
            )
            yield GeneratedPage(here, title(coll, rec), body, coll, ctx.describe(coll, rec))
