"""Words people type rather than the report's: the ``terms`` collection (名词解释), applied at
index time so that the browser needs no extra file.

Each entry's ``aliases`` find each other and its ``includes`` are found by the entry (信访
finds 群众来访; 空气质量 finds 优良天数): a document using one word also carries the
others' postings, at ``EXPANSION`` of its impact, and those of the words inside them at
half that, as the segmenter indexes the words inside a longer token (a page about 医联体
carries 医院联合体, and 联合体 at half).
"""

from __future__ import annotations

from collections import defaultdict

from pilotkb.data.catalog import Catalog
from pilotkb.search.segment import Segmenter, fold

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


def expansions(catalog: Catalog, seg: Segmenter) -> dict[str, dict[str, float]]:
    """Word -> the terms a document using it also carries, each with its share of the
    document's impact for the word: ``EXPANSION`` for the vocabulary's words, half that for
    the words inside them."""
    out: dict[str, dict[str, float]] = {}
    for word, others in vocabulary(catalog).items():
        terms: dict[str, float] = {}
        for other in sorted(others):
            for t, w in seg.terms(other):
                terms[t] = max(terms.get(t, 0.0), w * EXPANSION)
        out[word] = terms
    return out


def expand_impacts(impacts: dict[str, int], shares: dict[str, dict[str, float]]) -> dict[str, int]:
    """A document's impacts plus those of the terms its words stand for (``expansions``)."""
    if not shares:
        return impacts
    out = dict(impacts)
    for t, imp in impacts.items():
        for other, share in shares.get(t, {}).items():
            out[other] = max(out.get(other, 0), max(1, round(imp * share)))
    return out
