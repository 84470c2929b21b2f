"""The incremental preview (``mkdocs serve --dirty``, as ``make serve`` runs it).

After the first full build, a rebuild makes again only the generated pages whose inputs
changed: the pages of changed, added or removed records and of the records linked to them,
the list pages that show them, and every other page whose body differs. MkDocs skips the
rest (``--dirty`` skips a file that reports itself unmodified: ``structure.SiteFile``). The
downloads and the search index stay as the first build made them; ``mkdocs build`` always
makes everything.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pilotkb.analysis.history import History
from pilotkb.data.catalog import Catalog
from pilotkb.site.views import GeneratedPage

RecordKey = tuple[str, str]  # (collection, record id)


class Preview:
    """What the previous preview build made, to find the pages a rebuild must make again."""

    def __init__(
        self,
        catalog: Catalog,
        pages: dict[str, GeneratedPage],
        bodies: dict[str, str],
        *,
        history_key: str | None = None,
        history: History | None = None,
        downloads: list[str] | None = None,
    ):
        self.catalog = catalog
        self.signatures = {uri: signature(p) for uri, p in pages.items()}
        self.bodies = bodies  # uri -> digest of the body, for pages compared by body
        self.history_key = history_key  # the commit the history was read at (None without git)
        self.history = history
        self.downloads = downloads or []  # made by the first build, kept in the site

    def remake(self, page: GeneratedPage, affected: set[RecordKey], bodies: dict[str, str]) -> bool:
        """Whether the page must be made again (a page compared by body is made here, and its
        digest kept in ``bodies`` for the next rebuild)."""
        if page.inputs is None:
            body = page.text()
            page.body = body  # made once: the page is written with it
            bodies[page.src_uri] = digest(body)
            return self.bodies.get(page.src_uri) != bodies[page.src_uri]
        if self.signatures.get(page.src_uri) != signature(page):
            return True
        return any(key in affected for key in page.inputs)

    def changed_records(self, new: Catalog) -> set[RecordKey]:
        out: set[RecordKey] = set()
        for coll, records in new.records.items():
            old = self.catalog.records.get(coll, {})
            out |= {(coll, rid) for rid, rec in records.items() if old.get(rid) != rec}
            out |= {(coll, rid) for rid in old if rid not in records}
        return out

    def affected(self, changed: set[RecordKey], new: Catalog) -> set[RecordKey]:
        """The changed records and those linked to them, before or after the change."""
        return changed | linked(new, changed) | linked(self.catalog, changed)

    def history_for(self, key: str | None) -> History | None:
        """The previous build's history when no commit was made since (None otherwise)."""
        return self.history if self.history is not None and self.history_key == key else None


def digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def signature(page: GeneratedPage) -> tuple[Any, ...]:
    return (page.title, page.description, page.kind, page.inputs)


def linked(catalog: Catalog, keys: set[RecordKey]) -> set[RecordKey]:
    """The records linked to these (both ways, sources by citation) that are in the catalogue."""
    out: set[RecordKey] = set()
    for coll, rid in keys:
        rec = catalog.records.get(coll, {}).get(rid)
        if rec is None:
            continue
        if coll == "sources":
            out |= {(c, r.id) for c, recs in catalog.cited_by(rid).items() for r in recs}
            continue
        out |= {(c, r.id) for c, recs in catalog.relations(coll, rid).items() for r in recs}
        out |= {("sources", s["source"].id) for s in catalog.citations(coll, rec) if "source" in s}
    return out
