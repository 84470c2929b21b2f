"""The validated catalogue with its lookups and derived (reverse) links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .model import (
    COLLECTIONS,
    Area,
    Catalogue,
    Coverage,
    Evaluation,
    Event,
    Experience,
    Figure,
    Pilot,
    Source,
)


@dataclass
class Catalog:
    data: Catalogue
    path: Path
    sources: dict[str, Source] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    pilots: dict[str, Pilot] = field(default_factory=dict)
    experiences: dict[str, Experience] = field(default_factory=dict)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    evaluations: dict[str, Evaluation] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    # links are declared on either side; both sides show them
    links: dict[tuple[str, str], dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, data: Catalogue, path: Path) -> Catalog:
        cat = cls(data=data, path=path)
        for name in cls.collection_names():
            getattr(cat, name).update({r.id: r for r in getattr(data, name)})
        pairs: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

        def link(a: str, a_id: str, b: str, b_id: str) -> None:
            pairs[(a, b)][a_id].add(b_id)
            pairs[(b, a)][b_id].add(a_id)

        for p in data.pilots:
            for other in ("experiences", "coverage", "events", "areas"):
                for ref in getattr(p, other):
                    link("pilots", p.id, other, ref)
        for coll in ("experiences", "coverage", "events"):
            for r in getattr(data, coll):
                for other in ("pilots", "experiences", "coverage", "events", "areas"):
                    for ref in getattr(r, other, []) or []:
                        if other != coll:
                            link(coll, r.id, other, ref)
        for ev in data.evaluations:
            for ref in ev.pilots:
                link("evaluations", ev.id, "pilots", ref)
        for fig in data.figures:
            for ref in fig.pilots:
                link("figures", fig.id, "pilots", ref)
            for ref in fig.areas:
                link("figures", fig.id, "areas", ref)
        order = {name: list(getattr(cat, name)) for name in cls.collection_names()}
        for key, mapping in pairs.items():
            rank = {rid: i for i, rid in enumerate(order[key[1]])}
            cat.links[key] = {
                rid: sorted(ids, key=lambda x: rank.get(x, len(rank))) for rid, ids in mapping.items()
            }
        return cat

    @staticmethod
    def collection_names() -> tuple[str, ...]:
        return tuple(COLLECTIONS)

    def linked(self, coll: str, rid: str, other: str) -> list[str]:
        """Ids of ``other`` records linked to record ``rid`` of ``coll``, in data order."""
        return self.links.get((coll, other), {}).get(rid, [])
