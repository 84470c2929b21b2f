"""What a search result is: one document per record (its page, or its row on a shared
page) and one per nested item that a collection declares a result of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import search_facets
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import dest_url
from pilotkb.search.extract import Blocks
from pilotkb.search.score import QUOTE_WEIGHT

PART_TYPE = ("metric", "指标")  # (slug, label) of a pilot's metric as a result
NOT_TEXT = {"id", "source", "number", "catalogue", "note", "file", "link"}  # fields no one searches


@dataclass
class SearchDocument:
    """One search result: where it is, its facet values and (once read) its title and text."""

    coll: str
    uri: str
    url: str
    facets: dict[str, list[str]] = field(default_factory=dict)  # facet -> its values
    title: str = ""
    text: str = ""
    # documents made from data (a row of a shared page, a pilot's metric) rather than a page:
    # their blocks of (text, weight); None for a page, whose text is read from the built HTML
    blocks: Blocks | None = None
    type: tuple[str, str] | None = None  # (slug, label) when not the collection's own


def search_documents(catalog: Catalog, directory_urls: bool) -> list[SearchDocument]:
    """One document per record: its page, or its row (anchor) on a shared page; plus one per
    nested item a collection declares a result of its own (a pilot's metrics)."""
    docs: list[SearchDocument] = []
    facets = list(search_facets())
    for coll, c in REGISTRY.items():
        parts: list[SearchDocument] = []
        for rec in catalog.records[coll].values():
            values = {f.name: f.of(coll, rec) for f in facets}
            uri = c.uri(rec.id)
            url = dest_url(uri, directory_urls)
            if c.has_pages:
                docs.append(SearchDocument(coll, uri, url, values))
            else:
                title = c.result_title(rec) if c.result_title else c.title_of(rec)
                row = f"{url}#{c.anchor(rec.id)}"
                docs.append(SearchDocument(coll, uri, row, values, title, blocks=data_blocks(rec)))
            for name in c.result_parts:
                for n, item in enumerate(getattr(rec, name), start=1):
                    blocks = [(c.title_of(rec), 1.0), *data_blocks(item)]
                    title = f"{item.name} {item.value}"
                    part = f"{url}#{name[:-1]}-{n}"
                    parts.append(
                        SearchDocument(coll, uri, part, values, title, blocks=blocks, type=PART_TYPE)
                    )
        docs.extend(parts)  # after the collection's records: their ids follow
    return docs


def data_blocks(rec: Any) -> Blocks:
    """The text of a record made from data: its own text fields, then its quotes (weighing less)."""
    refs = {f for c in REGISTRY.values() for f in c.references}
    blocks: Blocks = []
    for name, value in rec:
        if name in NOT_TEXT or name in refs or name == "quote" or value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip():
                blocks.append((str(getattr(v, "value", v)), 1.0))
    for q in getattr(rec, "quote", None) or []:
        blocks.append((q, QUOTE_WEIGHT))
    return blocks


def page_path(site_dir: Path, url: str) -> Path:
    """The built HTML file of a page URL (relative to the site root)."""
    return site_dir / (url + "index.html" if url.endswith("/") or url == "" else url)
