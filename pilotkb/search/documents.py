"""What a search result is: one document per record (its page, or its row on a shared
page), one per nested item that a collection declares a result of its own, and one per
sentence of each source text (at its anchor on the source's page), so that what the report
says is found even where no record quotes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pilotkb.analysis.reading import SourceReading
from pilotkb.analysis.sources import is_furniture, source_text
from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import search_facets
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import dest_url, text_page_uri
from pilotkb.search.extract import Blocks
from pilotkb.search.score import QUOTE_WEIGHT

PART_TYPE = ("metric", "指标")  # (slug, label) of a pilot's metric as a result
# (slug, label) of a sentence of a source as a result; sentences come last, and the browser
# ranks them after the records holding as many of the query's words (manifest "s")
SENTENCE_TYPE = ("sentence", "原文句子")
NOT_TEXT = {"id", "source", "number", "catalogue", "note", "file", "link"}  # fields no one searches
# A source's page lists every record resting on it, and its text: those are results of their
# own (each record, each sentence), so the page is found by its own fields, like a row.
BY_FIELDS = {"sources"}


@dataclass(slots=True)
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
    weight: float = 1.0  # its impacts are multiplied by this (below 1: ranks after records)
    # False when the title only says where the text is (a sentence's source): not scored
    scored_title: bool = True


def search_documents(catalog: Catalog, directory_urls: bool) -> list[SearchDocument]:
    """One document per record: its page, or its row (anchor) on a shared page; plus one per
    nested item a collection declares a result of its own (a pilot's metrics); then one per
    sentence of each source text."""
    docs: list[SearchDocument] = []
    facets = list(search_facets())
    for coll, c in REGISTRY.items():
        parts: list[SearchDocument] = []
        for rec in catalog.records[coll].values():
            values = {f.name: f.of(coll, rec) for f in facets}
            uri = c.uri(rec.id)
            url = dest_url(uri, directory_urls)
            weight = c.search_weight
            if reads_page(coll):
                docs.append(SearchDocument(coll, uri, url, values, weight=weight))
            elif c.has_pages:
                blocks = data_blocks(rec)
                docs.append(
                    SearchDocument(coll, uri, url, values, c.title_of(rec), blocks=blocks, weight=weight)
                )
            else:
                title = c.result_title(rec) if c.result_title else c.title_of(rec)
                row = f"{url}#{c.anchor(rec.id)}"
                blocks = data_blocks(rec)
                docs.append(SearchDocument(coll, uri, row, values, title, blocks=blocks, weight=weight))
            for name in c.result_parts:
                for n, item in enumerate(getattr(rec, name), start=1):
                    blocks = [(c.title_of(rec), 1.0), *data_blocks(item)]
                    title = f"{item.name} {item.value}"
                    part = f"{url}#{name[:-1]}-{n}"
                    parts.append(
                        SearchDocument(
                            coll, uri, part, values, title, blocks=blocks, type=PART_TYPE, weight=weight
                        )
                    )
        docs.extend(parts)  # after the collection's records: their ids follow
    docs.extend(sentence_documents(catalog, directory_urls))  # last: ties go to records
    return docs


def reads_page(coll: str) -> bool:
    """Whether a record of ``coll`` is a document read from its built page."""
    return REGISTRY[coll].has_pages and coll not in BY_FIELDS


def page_urls(catalog: Catalog, directory_urls: bool) -> set[str]:
    """The URLs of the pages the documents are read from (``SearchDocument.blocks`` None)."""
    return {
        dest_url(c.uri(rec.id), directory_urls)
        for coll, c in REGISTRY.items()
        if reads_page(coll)
        for rec in catalog.records[coll].values()
    }


def sentence_documents(catalog: Catalog, directory_urls: bool) -> list[SearchDocument]:
    """One document per sentence of each source text, at its anchor on the source's page
    (``Sentence.anchor``); titled by the source, which is shown but not scored. Sources whose
    text is unpublished (``text_unpublished``) give none. The lines of
    the web page the text was saved from (新闻热点 …) are left out."""
    c = REGISTRY["sources"]
    facets = list(search_facets())
    plain = {"sources": [s.model_dump() for s in catalog.sources.values()]}
    docs: list[SearchDocument] = []
    for s in catalog.sources.values():
        if not s.file or s.text_unpublished:  # a withheld text stays off the site, search included
            continue
        uri = c.uri(s.id)
        values = {f.name: f.of("sources", s) for f in facets}
        # a long text continues on further pages: each sentence is found on its own page
        reading = SourceReading(source_text(plain, catalog.path, s.id), ())
        for sentence in reading.located:
            if is_furniture(sentence.text):
                continue
            page_url = dest_url(text_page_uri(s.id, reading.page_of(sentence.anchor)), directory_urls)
            docs.append(
                SearchDocument(
                    "sources",
                    uri,
                    f"{page_url}#{sentence.anchor}",
                    values,
                    s.title,
                    blocks=[(sentence.text, 1.0)],
                    type=SENTENCE_TYPE,
                    scored_title=False,
                )
            )
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
