"""The validated catalogue: records by id, and what is derived from them once.

Links are declared on either side (a pilot lists its coverage, or a coverage record its
pilots); both sides show them. Relations, citations and "cited by" are computed here, once
per catalogue, so that pages, exports and search only read them.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pilotkb.data.registry import REGISTRY, model_cited_parts


class Catalog:
    def __init__(self, data: BaseModel, path: Path, lines: dict[tuple[str, str], int] | None = None):
        self.data = data  # the validated registry.DataFile
        self.path = path
        # the line (1-based) of each record's first line (its ``- id:``) by (collection, id),
        # as the loader read it (the edit links of the record pages)
        self.lines = lines or {}
        self.records: dict[str, dict[str, Any]] = {
            name: {r.id: r for r in getattr(data, name)} for name in REGISTRY
        }
        self.links = self._links()

    @classmethod
    def build(cls, data: BaseModel, path: Path, lines: dict[tuple[str, str], int] | None = None) -> Catalog:
        return cls(data, path, lines)

    def __getattr__(self, name: str) -> dict[str, Any]:
        # cat.pilots, cat.areas …: the records of a collection by id, in data order
        records = self.__dict__.get("records")
        if records is not None and name in records:
            return records[name]
        raise AttributeError(name)

    @staticmethod
    def collection_names() -> tuple[str, ...]:
        return tuple(REGISTRY)

    def _links(self) -> dict[tuple[str, str], dict[str, list[str]]]:
        pairs: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for coll, c in REGISTRY.items():
            for fld, target in c.references.items():
                if target == coll:
                    continue  # a hierarchy (area.parent), not a link between kinds
                for rec in self.records[coll].values():
                    value = getattr(rec, fld)
                    for ref in value if isinstance(value, list) else [value] if value else []:
                        pairs[(coll, target)][rec.id].add(ref)
                        pairs[(target, coll)][ref].add(rec.id)
        out: dict[tuple[str, str], dict[str, list[str]]] = {}
        for key, mapping in pairs.items():
            rank = {rid: i for i, rid in enumerate(self.records[key[1]])}
            out[key] = {
                rid: sorted(ids, key=lambda x: rank.get(x, len(rank))) for rid, ids in mapping.items()
            }
        return out

    def linked(self, coll: str, rid: str, other: str) -> list[str]:
        """Ids of ``other`` records linked to record ``rid`` of ``coll``, in data order."""
        return self.links.get((coll, other), {}).get(rid, [])

    def relations(self, coll: str, rid: str) -> dict[str, list[Any]]:
        """The records of every other collection linked to this one, by collection."""
        return {
            other: [self.records[other][i] for i in self.linked(coll, rid, other)]
            for other in REGISTRY
            if other != "sources"
        }

    def citations(self, coll: str, rec: Any) -> list[dict[str, Any]]:
        """Each source cited by the record or its parts, with the quoted sentences, in order."""
        return self._citations[(coll, rec.id)]

    @cached_property
    def _citations(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        out: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for coll in REGISTRY:
            if coll == "sources":
                continue
            for rec in self.records[coll].values():
                by_source: dict[str, list[str]] = {}
                for cited in model_cited_parts(coll, rec):
                    quotes = by_source.setdefault(cited.source, [])
                    quotes.extend(q for q in cited.quote if q not in quotes)
                # a quote inside another quote of the same source is shown once, in its sentence
                out[(coll, rec.id)] = [
                    {
                        "source": self.records["sources"][s],
                        "quotes": [q for q in qs if not any(q != o and q in o for o in qs)],
                    }
                    for s, qs in by_source.items()
                ]
        return out

    def cited_by(self, source_id: str) -> dict[str, list[Any]]:
        """The records of each collection that cite a source, in data order."""
        return self._cited_by.get(source_id) or {c: [] for c in REGISTRY if c != "sources"}

    @cached_property
    def _cited_by(self) -> dict[str, dict[str, list[Any]]]:
        out: dict[str, dict[str, list[Any]]] = {}
        for (coll, rid), cites in self._citations.items():
            for c in cites:
                by_coll = out.setdefault(c["source"].id, {k: [] for k in REGISTRY if k != "sources"})
                by_coll[coll].append(self.records[coll][rid])
        return out
