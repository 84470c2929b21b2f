"""Words people type rather than the report's: the ``terms`` collection (名词解释), applied at
index time so that the browser needs no extra file.

Each entry's ``aliases`` find each other and its ``includes`` are found by the entry (信访
finds 群众来访; 空气质量 finds 优良天数): a document using one word also carries the
others' postings, at ``EXPANSION`` of its impact.
"""

from __future__ import annotations

from collections import defaultdict

from pilotkb.data.catalog import Catalog
from pilotkb.search.segment import fold

EXPANSION = 0.8  # a document found through a vocabulary entry ranks below one using the word


def vocabulary(catalog: Catalog) -> dict[str, set[str]]:
    """Word -> the words a document using it is also found by (folded).

    Aliases of a term are one set, each finding the others; an ``includes`` word is found by
    the term, not the other way round.
    """
    out: dict[str, set[str]] = defaultdict(set)
    for t in catalog.records.get("terms", {}).values():
        same = {fold(w) for w in (t.term, *t.aliases)}
        for w in same:
            out[w] |= same - {w}
        for w in t.includes:
            out[fold(w)] |= same
    return out


def expand_impacts(impacts: dict[str, int], synonyms: dict[str, set[str]]) -> dict[str, int]:
    """A document's impacts plus those of the vocabulary words its terms stand for."""
    if not synonyms:
        return impacts
    out = dict(impacts)
    for t, imp in impacts.items():
        for other in synonyms.get(t, ()):
            out[other] = max(out.get(other, 0), max(1, round(imp * EXPANSION)))
    return out
