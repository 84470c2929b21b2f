"""Record pages: one page per record of every collection that has its own pages."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from pilotkb.data.facets import year
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import dest_url
from pilotkb.publish import cite
from pilotkb.settings import SITE_NAME
from pilotkb.site.render import title
from pilotkb.site.views import changes, feeds, sourcetext
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    cat = ctx.cat
    for coll, c in REGISTRY.items():
        if not c.has_pages:
            continue
        for rec in cat.records[coll].values():
            here = c.uri(rec.id)
            make = partial(body, ctx, coll, rec, here)
            page = GeneratedPage(here, title(coll, rec), make, coll, ctx.describe(coll, rec))
            page.inputs = ((coll, rec.id),)
            yield page


def body(ctx: Context, coll: str, rec: Any, here: str) -> str:
    """A record's page body (rendered when the page is written)."""
    cat = ctx.cat
    c = REGISTRY[coll]
    log = changes.record_context(ctx, coll, rec.id, here)
    own = sourcetext.page_context(ctx, rec, here) if coll == "sources" else {}
    text = ctx.render(
        c.template,
        here,
        rec=rec,
        rel=cat.relations(coll, rec.id),
        cite=cat.citations(coll, rec) if coll != "sources" else [],
        cited_by=cat.cited_by(rec.id) if coll == "sources" else {},
        updates=sorted(getattr(rec, "updates", []), key=lambda u: u.date or "", reverse=True),
        year=year(rec) if coll == "pilots" else None,
        settings_page_size=ctx.settings.page_size,
        changed=log["changed"],
        **own,
    )
    if coll == "areas":
        text += feeds.subscribe_block(ctx, here, "订阅本地区动态")
    text += ctx.render("record_history.md.j2", here, **log)
    return text + edit_links(ctx, coll, rec, here) + citation(ctx, coll, rec, here)


def edit_links(ctx: Context, coll: str, rec: Any, here: str) -> str:
    """Links to the record's own line of the data file and to the forge's editor for the
    file; nothing when the repository's address is not set."""
    forge = ctx.settings.forge
    if forge is None:
        return ""
    path = PurePosixPath(ctx.settings.data).as_posix()  # relative to mkdocs.yml: the repository's top
    line = ctx.cat.lines.get((coll, rec.id))
    blob, edit = forge.blob(path, line), forge.edit(path)
    html = ctx.render("record_edit.md.j2", here, forge=forge, path=path, line=line, blob=blob, edit=edit)
    return f"\n{html.strip()}\n"  # a block of its own


def citation(ctx: Context, coll: str, rec: object, here: str) -> str:
    """How to cite the page: GB/T 7714 text, and CSL-JSON, BibTeX and RIS downloads.

    The page address appears only when the site address is configured, never a guessed one.
    """
    r = ctx.release
    url = cite.page_url(ctx.site_url, dest_url(here, ctx.directory_urls))
    c = cite.citation(
        title(coll, rec),
        REGISTRY[coll].label,
        url,
        SITE_NAME,
        r.data_date,
        r.data_version,
        key=f"{coll}-{rec.id}",
    )
    return ctx.render(
        "record_cite.md.j2", here, c=c, files=cite.download_links(c), stem=f"pilotkb-{coll}-{rec.id}"
    )
