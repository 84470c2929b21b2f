"""A source text read against the quotes that rest on it.

Which sentences each quote covers (a quote covers every sentence its words overlap, wherever
it occurs in the text), which sentence a quote starts in (the anchor a record page links to),
how much of the source the data captures (cited substantive sentences over substantive
sentences) and which substantive sentences no record cites yet (``kb gaps``).

Sentences, anchors and what is substantive come from ``pilotkb.analysis.sources``; where a
quote occurs is found by the validator's own sentence index (``SourceText``). Pure functions
over the text and the quotes: no site generator.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pilotkb.analysis.sources import (
    Sentence,
    cited_quotes,
    is_substantive,
    located_sentences,
    read_text,
    source_text,
)
from pilotkb.data.load import collapse_space, load
from pilotkb.data.validate import SourceText

Citer = tuple[str, str]  # (collection, record id): a nested metric or update is its record's

# What one page of a source's text may weigh, in characters of text. A page shows more than
# the text: each sentence's anchor and mark, a cited sentence's count and its entry in the list
# of the records citing it, and a link per citing record; each is weighed as the characters of
# text its HTML outweighs (a character of Chinese text is three bytes). Weighing the marks as
# well as the text keeps every page of text near 40 KB of HTML (the site's page frame and the
# source's own fields come on top), however short the sentences or many the records citing
# them. The 2017 report (7,831 characters, 131 sentences, 268 citations) takes three pages.
TEXT_PAGE_WEIGHT = 12_000
SENTENCE_WEIGHT = 20  # <span class="kb-s …" id="s-…">…</span> and its paragraph's share
CITED_WEIGHT = 80  # its count (a link) and its entry in the list: the sentence's start again
CITER_WEIGHT = 40  # a record's link in that entry: its address and its name


@dataclass(frozen=True)
class Coverage:
    """How much of a source the data captures."""

    sentences: int  # every sentence of the text
    substantive: int  # those that state a number or name something to catalogue
    cited: int  # substantive sentences that at least one record cites

    @property
    def percent(self) -> int | None:
        """Cited over substantive, in whole per cent rounded down (never overstated); None
        when the text has no substantive sentence."""
        return self.cited * 100 // self.substantive if self.substantive else None

    @property
    def gaps(self) -> int:
        return self.substantive - self.cited

    def __str__(self) -> str:
        shown = f"{self.percent}%" if self.percent is not None else "无实质句子"
        return f"{self.cited}/{self.substantive}（{shown}）"


@dataclass(frozen=True)
class ReadSentence:
    """A sentence of the text as its source page shows it."""

    sentence: Sentence
    substantive: bool
    cited_by: tuple[Citer, ...]  # in the order of the data, each record once
    spaced: bool  # the text has white space before it on its line

    @property
    def cited(self) -> bool:
        return bool(self.cited_by)

    @property
    def gap(self) -> bool:
        """A substantive sentence no record cites yet."""
        return self.substantive and not self.cited_by


class SourceReading:
    """One source text with the quotes ``(collection, record id, quote)`` citing it."""

    def __init__(self, text: str, quotes: Iterable[tuple[str, str, str]]):
        self.text = text
        self.located = located_sentences(text)
        normal = collapse_space(text)
        self._index = SourceText(normal)
        self._offsets = _offsets(normal, self.located)
        self._first: dict[str, int | None] = {}  # quote -> sentence where it first starts
        # sentence -> the quotes starting there (first place) -> the records citing them
        self._starting: dict[int, dict[str, dict[Citer, None]]] = {}
        citers: list[dict[Citer, None]] = [{} for _ in self.located]
        for coll, rid, quote in quotes:
            spans = self._spans(quote)
            for first, last in spans:
                for i in range(first, last + 1):
                    citers[i].setdefault((coll, rid), None)
            if spans:
                at = self._starting.setdefault(spans[0][0], {})
                at.setdefault(collapse_space(quote), {}).setdefault((coll, rid), None)
        spaced = _spaced(text, self.located)
        self.sentences = [
            ReadSentence(s, is_substantive(s.text), tuple(c), sp)
            for s, c, sp in zip(self.located, citers, spaced, strict=True)
        ]

    def _spans(self, quote: str) -> list[tuple[int, int]]:
        """(first, last) sentence of each place the quote occurs, first place first."""
        q = collapse_space(quote)
        spans = []
        for at in self._index.occurrences(q) if q else ():
            spans.append((self._sentence_at(at), self._sentence_at(at + len(q) - 1)))
        self._first.setdefault(q, spans[0][0] if spans else None)
        return spans

    def _sentence_at(self, offset: int) -> int:
        return max(bisect_right(self._offsets, offset) - 1, 0)

    def start_of(self, quote: str) -> Sentence | None:
        """The sentence where the quote starts (its first place in the text); None if absent."""
        q = collapse_space(quote)
        if q not in self._first:
            self._spans(q)
        i = self._first[q]
        return None if i is None else self.located[i]

    @cached_property
    def coverage(self) -> Coverage:
        substantive = [s for s in self.sentences if s.substantive]
        return Coverage(len(self.sentences), len(substantive), sum(1 for s in substantive if s.cited))

    def gaps(self) -> list[Sentence]:
        """Substantive sentences that no record cites, in the order of the text."""
        return [s.sentence for s in self.sentences if s.gap]

    def quoted(self) -> list[tuple[Sentence, list[tuple[str, tuple[Citer, ...]]]]]:
        """Each sentence where quotes start, with those quotes and the records citing each, in
        the order of the text: what a source page shows when its text is not published."""
        return [
            (self.located[i], [(q, tuple(c)) for q, c in by_quote.items()])
            for i, by_quote in sorted(self._starting.items())
        ]

    @cached_property
    def pages(self) -> list[list[list[ReadSentence]]]:
        """The paragraphs by page, at most ``TEXT_PAGE_WEIGHT`` a page (``weight``): whole
        paragraphs where they fit; a paragraph heavier than a page is cut between sentences
        (a sentence heavier than a page has a page of its own); always at least one page."""
        out: list[list[list[ReadSentence]]] = [[]]
        size = 0
        for para in self.paragraphs():
            n = sum(weight(s) for s in para)
            if n <= TEXT_PAGE_WEIGHT:
                if out[-1] and size + n > TEXT_PAGE_WEIGHT:
                    out.append([])
                    size = 0
                out[-1].append(para)
                size += n
                continue
            piece: list[ReadSentence] = []
            for s in para:
                w = weight(s)
                if (out[-1] or piece) and size + w > TEXT_PAGE_WEIGHT:
                    if piece:
                        out[-1].append(piece)
                    out.append([])
                    size, piece = 0, []
                piece.append(s)
                size += w
            out[-1].append(piece)
        return out

    @cached_property
    def _page_of(self) -> dict[str, int]:
        return {s.sentence.anchor: i for i, page in enumerate(self.pages) for para in page for s in para}

    def page_of(self, anchor: str) -> int:
        """The page (0-based) of the text where the sentence with this anchor is shown."""
        return self._page_of.get(anchor, 0)

    def paragraphs(self) -> list[list[ReadSentence]]:
        """The sentences by paragraph (a non-empty line of the file), in order."""
        out: list[list[ReadSentence]] = []
        for s in self.sentences:
            if s.sentence.paragraph >= len(out):
                out.append([])
            out[-1].append(s)
        return out


def weight(s: ReadSentence) -> int:
    """What a sentence weighs on its page of text: its characters, its marks, the records
    citing it (``TEXT_PAGE_WEIGHT``)."""
    marks = SENTENCE_WEIGHT + (CITED_WEIGHT + CITER_WEIGHT * len(s.cited_by) if s.cited_by else 0)
    return len(s.sentence.text) + marks


def _offsets(normal: str, located: list[Sentence]) -> list[int]:
    """Where each sentence starts in the normalised text (white space runs as one space)."""
    out, cursor = [], 0
    for s in located:
        at = normal.find(collapse_space(s.text), cursor)
        out.append(at)
        cursor = at + len(collapse_space(s.text))
    return out


def _spaced(text: str, located: list[Sentence]) -> list[bool]:
    """For each sentence, whether white space precedes it on its line (kept on the page)."""
    lines = text.splitlines()
    out, line_no, cursor = [], 0, 0
    for s in located:
        if s.line != line_no:
            line_no, cursor = s.line, 0
        line = lines[s.line - 1]
        at = line.find(s.text, cursor)
        out.append(cursor > 0 and at > cursor)
        cursor = at + len(s.text)
    return out


def readings(catalog: Any) -> dict[str, SourceReading | None]:
    """Each source of a validated catalogue read against its quotes (None: no text file)."""
    quotes: dict[str, list[tuple[str, str, str]]] = {}
    for source, coll, rid, quote in cited_quotes(catalog):
        quotes.setdefault(source, []).append((coll, rid, quote))
    return {
        sid: SourceReading(read_text(catalog.path, src.file), quotes.get(sid, ())) if src.file else None
        for sid, src in catalog.sources.items()
    }


def reading_of(data: Mapping[str, Any], data_path: Path | str, source_id: str) -> SourceReading:
    """One source of the plain data (as loaded from ``data_path``) read against its quotes."""
    text = source_text(data, Path(data_path), source_id)
    return SourceReading(text, [(c, r, q) for s, c, r, q in cited_quotes(data) if s == source_id])


def uncovered(data_path: Path | str, source_id: str) -> list[str]:
    """Substantive sentences of the source that no record of the data quotes."""
    path = Path(data_path)
    data = load(path).data
    if not isinstance(data, Mapping):
        raise ValueError(f"{path} is not a mapping of collections")
    return [s.text for s in reading_of(data, path, source_id).gaps()]
