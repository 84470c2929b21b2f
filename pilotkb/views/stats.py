"""The statistics page: what the catalogue holds, and the report's own figures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .base import Context, GeneratedPage


def counts(ctx: Context) -> dict[str, int]:
    return {coll: len(records) for coll, records in ctx.cat.records.items()}


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    cat = ctx.cat
    groups: dict[str, list[Any]] = {}
    for fig in cat.figures.values():
        groups.setdefault(fig.group or "其他", []).append(fig)
    yield GeneratedPage(
        "stats/index.md",
        "统计",
        ctx.render(
            "stats_index.md.j2",
            "stats/index.md",
            groups=groups,
            counts=counts(ctx),
            facets={name: [tuple(v) for v in values] for name, values in ctx.facet_values.items()},
            cite=lambda r: cat.citations("figures", r),
        ),
        "stats",
        "来源报告给出的试点总量与各领域指标，以及本库收录情况",
    )
