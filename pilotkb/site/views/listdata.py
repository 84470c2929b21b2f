"""The list page's filter data: compact rows of every pilot, loaded on demand.

Facet values are indexes into the option lists of ``Context.facet_options`` (embedded in the
list page), so 10,000 pilots stay small. ``facets`` names the row's facet columns, so the
script takes names and order from here rather than from a copy of its own.
"""

from __future__ import annotations

import json

from pilotkb.data.facets import FACETS, UNKNOWN_SLUG
from pilotkb.data.urls import record_uri, relative
from pilotkb.site.views.context import Context

URI = "browse/pilots.json"


def files(ctx: Context) -> dict[str, bytes]:
    position = {f["name"]: {o["slug"]: i for i, o in enumerate(f["options"])} for f in ctx.facet_options}

    def column(name: str, labels: list[str]) -> int | list[int]:
        f = FACETS[name]
        idx = [position[name][f.slug(lab)] for lab in labels] or [position[name][UNKNOWN_SLUG]]
        return idx if f.many else idx[0]

    rows = []
    for p in ctx.cat.pilots.values():
        row: list[object] = [p.id, p.name]
        row += [column(name, f.of("pilots", p)) for name, f in FACETS.items()]
        row.append(p.deadline or "")
        rows.append(row)
    url = relative("index.md", record_uri("pilots", "ID"), ctx.directory_urls)
    options = {f["name"]: [[o["slug"], o["label"]] for o in f["options"]] for f in ctx.facet_options}
    labels = {name: f.label for name, f in FACETS.items()}
    doc = {"url": url, "facets": list(FACETS), "labels": labels, "options": options, "rows": rows}
    return {URI: json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")}
