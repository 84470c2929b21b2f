"""What a source's page shows of its text, and each source's coverage for the pages that list it.

The text is shown as the file has it, paragraph by paragraph, each sentence with its stable
anchor (``pilotkb.analysis.sources.sentence_anchor``: the contract record pages and search link
to); sentences that records cite are marked with their count and listed with those records;
the others are visible as such. A source whose ``text_unpublished`` gives a reason shows only
the quotes, each at the anchor of the sentence where it starts, so that every quote link
still lands.
"""

from __future__ import annotations

from typing import Any

from pilotkb.analysis.reading import Coverage
from pilotkb.site.views.base import Context


def coverage(ctx: Context, source_id: str) -> Coverage | None:
    """The coverage of a source (None: it has no text file)."""
    reading = ctx.readings.get(source_id)
    return reading.coverage if reading else None


def page_context(ctx: Context, rec: Any) -> dict[str, Any]:
    """What ``record_sources.md.j2`` shows of the source's text."""
    reading = ctx.readings.get(rec.id)
    published = not rec.text_unpublished
    if reading is None:
        return {"reading": None, "coverage": None, "published": published}
    return {
        "reading": reading,
        "coverage": reading.coverage,
        "published": published,
        "paragraphs": reading.paragraphs() if published else [],
        "cited": [s for s in reading.sentences if s.cited] if published else [],
        "uncited": sum(1 for s in reading.sentences if not s.cited),
        "quoted": [] if published else reading.quoted(),
    }
