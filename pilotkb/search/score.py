"""How much a term matters to a document: a BM25-like impact, 0-63 (one index character).

The browser adds a term's idf at query time (``rank`` in kb-search.js); the impact
carries everything known only at build time: weighted counts, the document's length and
whether the title holds the term.
"""

from __future__ import annotations

import re
from collections import defaultdict

from pilotkb.search.format import MAX_IMPACT
from pilotkb.search.segment import fold

K1 = 1.2  # saturation: the tenth mention adds little
B = 0.5  # length normalisation, halfway: long pages are long because they say more
TITLE_WEIGHT = 6.0  # a title term counts as six body mentions
QUOTE_WEIGHT = 0.4  # quotes and citations repeat on many pages: they weigh less
TITLE_BONUS = 8  # any title containing the term …
TITLE_COVER_BONUS = 19  # … plus more, the more of the title the term covers


def term_weights(
    title_terms: list[tuple[str, float]], body_terms: list[tuple[str, float]]
) -> tuple[dict[str, float], float]:
    """Each term's weighted count in one document, and the document's length. A word inside
    a title's token counts as much as the token: 资产收益扶贫新模式 is about 资产收益扶贫."""
    tf: dict[str, float] = defaultdict(float)
    for t, _ in title_terms:
        tf[t] += TITLE_WEIGHT
    for t, w in body_terms:
        tf[t] += w
    return tf, sum(w for _, w in body_terms) + len(title_terms)


def impacts_of(tf: dict[str, float], length: float, title: str, avg_len: float) -> dict[str, int]:
    """Impact 1-63 of each term in one document: BM25-like saturation of weighted counts,
    plus a bonus when the title contains the term, larger the more of the title it covers."""
    norm = K1 * (1 - B + B * length / avg_len)
    bare = re.sub(r"[^0-9a-z\u3007-\ufaff.]", "", fold(title))
    out: dict[str, int] = {}
    for t, f in tf.items():
        score = 36 * f * (K1 + 1) / (f + norm) / (K1 + 1)
        if t in bare:
            score += TITLE_BONUS + TITLE_COVER_BONUS * len(t) / max(len(bare), 1)
        out[t] = max(1, min(MAX_IMPACT, round(score)))
    return out
