"""What hand-written pages show through mkdocs-macros: numbers, and ready-made HTML blocks.

Data text is already inert here (escaped by the templates, or every ASCII symbol an entity),
so a macro can never turn data into HTML, Markdown or template code.
"""

from __future__ import annotations

from typing import Any

from pilotkb.analysis.figures import record_counts, reported_totals
from pilotkb.data.facets import FACETS, UNKNOWN
from pilotkb.site.views.context import Context
from pilotkb.site.views.promotion import NATIONAL_SHOWN, national


def macro_values(ctx: Context) -> dict[str, Any]:
    return {
        "counts": record_counts(ctx.cat),
        "facets": {
            name: {v.shown: len(v.pilots) for v in values} for name, values in ctx.facet_values.items()
        },
        "figure": lambda fid: figure_value(ctx, fid),
        "block": lambda name, here="index.md": block(ctx, name, here),
    }


def figure_value(ctx: Context, fid: str) -> str:
    fig = ctx.cat.figures.get(fid)
    return inline_text(fig.value) if fig else UNKNOWN


def block(ctx: Context, name: str, here: str) -> str:
    """An HTML block for a hand-written page (rendered and escaped here)."""
    if name == "domains":
        return ctx.render("block_domains.md.j2", here, rows=[tuple(v) for v in ctx.facet_values["domain"]])
    if name == "recent":
        items = sorted(
            ((u.date, p, u) for p in ctx.cat.pilots.values() for u in p.updates if u.date),
            key=lambda t: t[0],
            reverse=True,
        )[: ctx.settings.recent_updates]
        return ctx.render("block_recent.md.j2", here, items=items)
    if name == "national":
        return ctx.render("block_national.md.j2", here, experiences=national(ctx), shown=NATIONAL_SHOWN)
    if name == "reported_vs_catalogue":
        return ctx.render("block_reported.md.j2", here, rows=reported_vs_catalogue(ctx))
    raise KeyError(f"unknown block {name!r}")


def reported_vs_catalogue(ctx: Context) -> list[dict[str, Any]]:
    """Each reported total beside the number of named pilots the catalogue holds, linked to
    the list of those pilots."""
    rows = []
    for r in reported_totals(ctx.cat, ctx.facet_values):
        if r.facet is None:
            to = "browse/all.md"
        else:
            f = FACETS[r.facet]
            to = f.uri(f.slug(r.value))
        rows.append({"figure": r.figure, "held": r.held, "to": to})
    return rows


def inline_text(value: str) -> str:
    """Text safe in both HTML and Markdown inline context: ASCII symbols become entities."""
    return "".join(f"&#{ord(ch)};" if ch.isascii() and not ch.isalnum() and ch != " " else ch for ch in value)
