"""The forgiving part of the query, read in Python as ``kb-search.js`` reads it (its
"forgiving queries" section): traditional characters as simplified (字形), Latin words as
pinyin or initials (拼音), a CJK run not read whole as words by its sound (读音)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import TYPE_CHECKING, Any

from pilotkb.search.format import INITIALS_FROM, READINGS_FILE, SYLLABLE_BREAK, TRADITIONAL_FILE, pinyin_file
from pilotkb.search.segment import RUN, fold

if TYPE_CHECKING:
    from .index_reader import Group

LATIN = re.compile(r"[a-z]+")
CJK_WORD = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
PREFIX_WORDS = 8  # kb-search-forgive.js PREFIX_WORDS
READING_COMBINATIONS = 32  # kb-search-forgive.js READING_COMBINATIONS
SOUND_FROM = 3  # kb-search.js SOUND_FROM: characters of a word read by its sound, at least


@dataclass
class Line:
    """A line of a ``p/`` file: an index word's syllables and the words read so."""

    syllables: str
    words: list[str]

    @property
    def full(self) -> str:
        return self.syllables.replace(SYLLABLE_BREAK, "")

    @property
    def initials(self) -> str:
        return "".join(s[0] for s in self.syllables.split(SYLLABLE_BREAK))


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class Forgiving:
    """Mixed into ``IndexReader``: ``parse`` as the script's."""

    def text(self, rel: str) -> str:
        path = self.dir / rel  # type: ignore[attr-defined]
        return path.read_text(encoding="utf-8") if path.exists() else ""

    @cache  # noqa: B019 (one reader per index, kept for the test's run)
    def traditional(self) -> dict[str, str]:
        text = self.text(TRADITIONAL_FILE)
        return {text[i]: text[i + 1] for i in range(0, len(text) - 1, 2)}

    @cache  # noqa: B019
    def readings(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for line in self.text(READINGS_FILE).splitlines():
            syllable = re.match("[a-z]*", line).group(0)  # type: ignore[union-attr]
            for c in line[len(syllable) :]:
                out.setdefault(c, []).append(syllable)
        return out

    @cache  # noqa: B019
    def pinyin_lines(self, letter: str) -> list[Line]:
        lines = self.text(pinyin_file(letter)).splitlines()
        return [Line(parts[0], parts[1:]) for parts in (line.split(" ") for line in lines if line)]

    def words_group(self, text: str, exact: list[str], words: list[str], via: str) -> Group:
        from .index_reader import Group

        rows = [r for r in (self.shard(self.key_of(w)).by_term.get(w) for w in words) if r]  # type: ignore[attr-defined]
        return Group(text, rows, exact=exact, via=via, shown=[r[0] for r in rows])

    def pinyin_groups(self, word: str) -> list[Group] | None:
        initials = len(word) >= INITIALS_FROM
        exact, more = [], []
        for line in self.pinyin_lines(word[0]):
            if line.full == word or (initials and line.initials == word):
                exact.append(line)
            elif line.full.startswith(word) or (initials and line.initials.startswith(word)):
                more.append(line)
        more.sort(key=lambda line: (len(line.full), line.full))
        words = unique([w for line in exact for w in line.words])
        others = [w for w in unique([w for line in more for w in line.words]) if w not in words]
        if words or others:
            return [self.words_group(word, words, words + others[:PREFIX_WORDS], "拼音")]
        return self.pinyin_pieces(word)

    def pinyin_pieces(self, word: str) -> list[Group] | None:
        pieces: list[tuple[str, list[str]]] = []
        i = 0
        while i < len(word):
            lines = self.pinyin_lines(word[i])
            best = None
            for line in lines:
                if word.startswith(line.full, i) and (best is None or len(line.full) > len(best.full)):
                    best = line
            if best is None:
                return None
            words = unique([w for line in lines if line.full == best.full for w in line.words])
            pieces.append((best.full, words))
            i += len(best.full)
        return [self.words_group(text, words, words, "拼音") for text, words in pieces]

    def sound_spans(self, text: str) -> list[tuple[str, list[str]]] | None:
        py = self.readings()
        if any(c not in py for c in text):
            return None
        spans: list[tuple[str, list[str]]] = []
        i, size = 0, len(text)
        while i < len(text):
            if size < 2:
                return None
            span = text[i : i + size]
            keys = [SYLLABLE_BREAK.join(k) for k in product(*(py[c] for c in span))][:READING_COMBINATIONS]
            words: list[str] = []
            for letter in unique([k[0] for k in keys]):
                for line in self.pinyin_lines(letter):
                    if line.syllables in keys:
                        for w in line.words:
                            fits = len(w) == size and (size > 2 or any(c in w for c in span))
                            if fits and w not in words:
                                words.append(w)
            if not words:
                size -= 1
                continue
            spans.append((span, words))
            i += size
            size = len(text) - i
        return spans

    def by_sound(self, text: str) -> list[Group] | None:
        spans = self.sound_spans(text)
        return None if spans is None else [self.words_group(t, w, w, "读音") for t, w in spans]

    def parse_run(self, run: str, by_sound: bool) -> list[Group]:
        if LATIN.fullmatch(run) and len(run) >= 2:
            if any(r[0].startswith(run) for r in self.shard(self.key_of(run)).rows):  # type: ignore[attr-defined]
                return self.segment(run)  # type: ignore[attr-defined]
            return self.pinyin_groups(run) or self.segment(run)  # type: ignore[attr-defined]
        groups: list[Group] = self.segment(run)  # type: ignore[attr-defined]
        if not by_sound or not unread(run, groups) or len(run) < SOUND_FROM:
            return groups
        read = self.by_sound(run)
        if read:
            return read
        out: list[Group] = []
        for g in groups:
            unknown = not g.rows and CJK_WORD.fullmatch(g.text) and len(g.text) >= SOUND_FROM
            out += (self.by_sound(g.text) or [g]) if unknown else [g]
        return out

    def parse_text(self, text: str) -> list[Group]:
        return [g for run in RUN.findall(text) for g in self.parse_run(run, True)]

    def read_text(self, text: str) -> tuple[list[Group], list[str]]:
        """The groups of ``text`` as kb-search.js reads it first, and its runs not read whole."""
        read = [(run, self.segment(run)) for run in RUN.findall(text)]  # type: ignore[attr-defined]
        return [g for _, groups in read for g in groups], [r for r, groups in read if unread_run(r, groups)]

    def strange(self, runs: list[str]) -> bool:
        """Whether a character of ``runs`` starts no index term (as traditional ones do)."""
        chars = {c for c in "".join(runs) if CJK_WORD.fullmatch(c) and c not in self.manifest["split"]}  # type: ignore[attr-defined]
        return any(not self.shard(c).rows for c in chars)  # type: ignore[attr-defined]

    def join_syllables(self, q: str) -> str:
        """Latin words typed a syllable each joined where together they are a word's pinyin."""
        words = q.split()
        if sum(1 for w in words if LATIN.fullmatch(w)) < 2:
            return q
        out, i = [], 0
        while i < len(words):
            n, j = 1, i + 1
            while LATIN.fullmatch(words[i]) and j < len(words) and LATIN.fullmatch(words[j]):
                joined = SYLLABLE_BREAK.join(words[i : j + 1])
                if any(line.syllables == joined for line in self.pinyin_lines(words[i][0])):
                    n = j - i + 1
                j += 1
            out.append("".join(words[i : i + n]))
            i += n
        return " ".join(out)

    def parse(self, query: str) -> list[Group]:
        q = fold(query)
        groups, runs = self.read_text(q)
        text = q
        if runs and self.strange(runs):
            ts = self.traditional()
            simple = "".join(ts.get(c, c) for c in q)
            if simple != q:
                text = simple
                groups, runs = self.read_text(simple)
                for g in groups:
                    if g.rows and g.text not in q:
                        g.via = "字形"
        if not any(LATIN.fullmatch(r) or len(r) >= SOUND_FROM for r in runs):
            return groups
        groups = self.parse_text(self.join_syllables(text.strip()))
        for g in groups:
            if g.rows and g.text not in q:
                g.via = g.via or "字形"
        return groups


def unread(run: str, groups: list[Any]) -> bool:
    """Whether a CJK run is not read whole as words of two characters or more."""
    if not CJK_WORD.fullmatch(run) or len(run) < 2:
        return False
    return sum(len(g.text) for g in groups if g.rows and len(g.text) > 1) < len(run)


def unread_run(run: str, groups: list[Any]) -> bool:
    """kb-search.js ``unread``: a run of Latin letters or CJK characters not read whole as
    words of two characters or more."""
    if len(run) < 2 or not (LATIN.fullmatch(run) or CJK_WORD.fullmatch(run)):
        return False
    return sum(len(g.text) for g in groups if g.rows and len(g.text) > 1) < len(run)
