"""A source's normalised text, answering "is this quote in it?" quickly: the validator's
quote check and the source pages' sentence marks both ask it."""

from __future__ import annotations

import re
from collections.abc import Iterator


class SourceText:
    """A source's normalised text, answering "is this quote in it?" without scanning it whole.

    A 10,000-pilot catalogue checks tens of thousands of quotes against a source of millions
    of characters; ``quote in text`` scans the text each time. Most quotes hold a whole
    sentence, so the text's sentences are indexed by their start: a quote holding a sentence
    that begins after one of its own sentence ends can only occur where the text has that
    sentence, and is compared there. A quote of one sentence is looked up as a sentence of
    the text first; anything else is searched as before.
    """

    _END = re.compile(r"[。！？；] ?")

    def __init__(self, text: str):
        self.text = text
        self.starts: dict[str, list[int]] | None = None

    def _index(self) -> dict[str, list[int]]:
        starts: dict[str, list[int]] = {}
        text, pos = self.text, 0
        for m in self._END.finditer(text):
            # the sentence from ``pos`` to this end mark (its mark included, the space not)
            starts.setdefault(text[pos : m.start() + 1], []).append(pos)
            pos = m.end()
        return starts

    def contains(self, quote: str) -> bool:
        return next(self.occurrences(quote), None) is not None

    def occurrences(self, quote: str) -> Iterator[int]:
        """Where ``quote`` (normalised) starts in the text, in order: where the index finds it
        when it holds a sentence end, otherwise (or when the index finds nothing) by search."""
        ends = [m.end() for m in self._END.finditer(quote)]
        if not ends:
            yield from self._search(quote)
            return
        if self.starts is None:
            self.starts = self._index()
        text = self.text
        if len(ends) == 1:
            # one sentence (or a sentence and a fragment): found quickly where the text has
            # that sentence on its own; otherwise searched
            first = quote[: ends[0]].rstrip(" ")
            found = [at for at in self.starts.get(first, ()) if text.startswith(quote, at)]
            yield from found or self._search(quote)
            return
        # the quote's second sentence starts right after an end mark, so it does in the text too
        start, stop = ends[0], ends[1]
        sentence = quote[start:stop].rstrip(" ")
        for at in self.starts.get(sentence, ()):
            if at >= start and text.startswith(quote, at - start):
                yield at - start

    def _search(self, quote: str) -> Iterator[int]:
        at = self.text.find(quote)
        while at >= 0:
            yield at
            if not quote:
                return  # the empty quote is everywhere; once is enough
            at = self.text.find(quote, at + 1)
