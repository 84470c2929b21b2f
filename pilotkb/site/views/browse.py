"""Browse pages: the facet overview, the list of every pilot, and one list per facet value."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from pilotkb.data.facets import FACETS, UNKNOWN, year
from pilotkb.site.views import feeds
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage
from pilotkb.site.views.paging import paged_title

ALL_URI = "browse/all.md"


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    facets = {name: [tuple(v) for v in values] for name, values in ctx.facet_values.items()}
    yield GeneratedPage(
        "browse/index.md",
        "分类浏览",
        ctx.render("browse_index.md.j2", "browse/index.md", facets=facets, total=len(ctx.cat.pilots)),
        "browse",
        "按层级、领域、实施地区、状态和批准年份浏览全部试点",
    )
    yield from _paginated(ctx, "browse/all", "试点一览", list(ctx.cat.pilots.values()), None)
    for name, values in ctx.facet_values.items():
        for v in values:
            title = f"{FACETS[name].label}：{v.label if v.label is not None else UNKNOWN}"
            yield from _paginated(ctx, f"browse/{name}/{v.slug}", title, v.pilots, (name, v.slug))


def _paginated(
    ctx: Context, base: str, title: str, pilots: list[Any], facet: tuple[str, str] | None
) -> Iterator[GeneratedPage]:
    for here, chunk, pager in ctx.chunks(f"{base}.md", base, pilots):
        n = pager["page"]
        make = partial(_list_body, ctx, here, title, chunk, len(pilots), facet, pager)
        page = GeneratedPage(here, paged_title(title, n), make, "list", f"{title}，共 {len(pilots)} 项试点")
        page.inputs = tuple(("pilots", p.id) for p in chunk)
        yield page


def _list_body(
    ctx: Context,
    here: str,
    title: str,
    chunk: list[Any],
    total: int,
    facet: tuple[str, str] | None,
    pager: dict[str, Any],
) -> str:
    size = ctx.settings.page_size
    body = ctx.render(
        "browse_list.md.j2",
        here,
        title=title,
        pilots=chunk,
        total=total,
        first=(pager["page"] - 1) * size + 1,
        facet=facet,
        year=year,
        page_size=size,
        facet_options=ctx.facet_options if facet is None else None,
        **pager,
    )
    if facet is not None:
        body += feeds.subscribe_block(ctx, here, "订阅本分类动态")
    return body
