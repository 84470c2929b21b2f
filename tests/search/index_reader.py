"""The built index read and queried in Python as ``docs/assets/search/kb-search.js`` does
(``segment``, ``rank`` and the first page of ``run``: documents holding every query word,
then those holding most), so that the relevance suite runs
without a browser. The browser relevance test checks that both give the same top results."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pilotkb.search.format import DIGITS, key_file

from .forgiving_reader import Forgiving

PAGE = 10  # results the browser shows first (kb-search.js PAGE)


def decode_postings(text: str) -> list[tuple[int, int]]:
    """(document, impact) pairs of an encoded postings list (format.py)."""
    out, doc, n, shift, i = [], 0, 0, 0, 0
    while i < len(text):
        v = DIGITS.index(text[i])
        if v >= 32:
            n += (v - 32) << (5 * shift)
            shift += 1
        else:
            doc += n + (v << (5 * shift))
            i += 1
            out.append((doc, DIGITS.index(text[i])))
            n = shift = 0
        i += 1
    return out


@dataclass
class Group:
    """One query word: the text it was read as and the index rows (terms) it matches."""

    text: str
    rows: list[list[Any]]
    at: int = 0
    exact: list[str] | None = None  # the terms it is read as exactly (default: its text)
    via: str = ""  # how it was read, when not as typed: 字形, 拼音, 读音
    shown: list[str] | None = None  # the words it stands for (default: its text)


@dataclass
class Hit:
    doc: int
    matched: int  # query words (groups) the document holds
    score: float
    missing: tuple[int, ...]  # the groups it does not hold
    sound: int = 0  # the groups it holds read by their sound (读音)


@dataclass
class Ranked:
    hits: list[Hit]
    complete: int  # documents holding every group (they come first)
    capped: bool  # capped postings were left out


@dataclass
class Shard:
    rows: list[list[Any]] = field(default_factory=list)
    by_term: dict[str, list[Any]] = field(default_factory=dict)


class IndexReader(Forgiving):
    def __init__(self, index_dir: Path):
        self.dir = index_dir
        self.manifest = self.json("manifest.json")
        self.shards: dict[str, Shard] = {}

    def json(self, rel: str) -> Any:
        return json.loads((self.dir / rel).read_text(encoding="utf-8"))

    def key_of(self, s: str) -> str:
        return s[:2] if len(s) > 1 and s[0] in self.manifest["split"] else s[0]

    def shard(self, key: str) -> Shard:
        if key not in self.shards:
            path = self.dir / "t" / f"{key_file(key)}.json"
            rows = self.json(path.relative_to(self.dir).as_posix()) if path.exists() else []
            self.shards[key] = Shard(rows, {r[0]: r for r in rows})
        return self.shards[key]

    def segment(self, run: str) -> list[Group]:
        """A run read with the index's own terms: all terms starting with the rest of it,
        else the longest term; a run the index does not know is one group with no rows."""
        groups: list[Group] = []
        covered, stray, i = 0, -1, 0
        while i < len(run):
            rest = run[i:]
            sh = self.shard(self.key_of(rest))
            starts = [r for r in sh.rows if r[0].startswith(rest)]
            if starts and (ord(rest[0]) < 128 or len(rest) > 1 or len(run) == 1):
                groups.append(Group(rest, starts, i))
                covered += len(rest) if len(rest) > 1 else 0
                break
            for size in range(len(rest) - 1, 1, -1):
                row = sh.by_term.get(rest[:size])
                if row:
                    groups.append(Group(row[0], [row], i))
                    covered += size
                    i += size
                    break
            else:
                single = sh if self.key_of(rest) == rest[0] else self.shard(rest[0])
                row = single.by_term.get(rest[0])
                if row:
                    groups.append(Group(rest[0], [row], i))
                elif stray < 0:
                    stray = i
                i += 1
        unknown = len(run) > 1 and (
            covered * 2 <= len(run) or (stray >= 0 and any(g.at > stray for g in groups))
        )
        if not unknown:
            return groups
        # a known word of three characters or more stays, the rest is a word no page holds
        out: list[Group] = []
        at = 0
        for g in groups:
            if len(g.text) < 3:
                continue
            if g.at > at:
                out.append(Group(run[at : g.at], [], at))
            out.append(g)
            at = g.at + len(g.text)
        if at < len(run):
            out.append(Group(run[at:], [], at))
        return out

    def rank(self, groups: list[Group], full: bool) -> Ranked:
        """Documents holding most groups first, then by summed impact; nothing only when no
        group is known."""
        if not any(g.rows for g in groups):
            return Ranked([], 0, False)
        n, capped = self.manifest["n"], False
        best: dict[int, list[float]] = {}

        def idf(df: int) -> float:
            return math.log(1 + (n - df + 0.5) / (df + 0.5))

        for gi, g in enumerate(groups):
            # a term the word begins weighs no more than the word itself
            exact = g.exact if g.exact is not None else [g.text]
            most = max((idf(row[1]) for row in g.rows if row[0] in exact), default=math.inf)
            for row in g.rows:
                capped = capped or (len(row) > 3 and not full)
                weight = idf(row[1]) if row[0] in exact else 0.8 * min(idf(row[1]), most)
                postings = decode_postings(row[2])
                if full and len(row) > 3:
                    postings += decode_postings(
                        (self.dir / "x" / f"{row[3]}.txt").read_text(encoding="utf-8")
                    )
                for doc, impact in postings:
                    b = best.setdefault(doc, [0.0] * len(groups))
                    b[gi] = max(b[gi], weight * impact)
        # a document holding only single characters of a query that has words is no match
        word = [len(g.text) > 1 for g in groups]
        hits = []
        for d, b in best.items():
            if any(word) and not any(s > 0 and w for s, w in zip(b, word, strict=True)):
                continue
            missing = tuple(gi for gi, s in enumerate(b) if s <= 0)
            sound = sum(1 for s, g in zip(b, groups, strict=True) if s > 0 and g.via == "读音")
            hits.append(Hit(d, len(groups) - len(missing), sum(s for s in b if s > 0), missing, sound))
        # among documents holding as many words, those found by sound after the others,
        # records before the sentences of sources
        first_sentence = self.manifest["s"]
        hits.sort(key=lambda h: (-h.matched, h.sound, h.doc >= first_sentence, -h.score, h.doc))
        return Ranked(hits, sum(1 for h in hits if not h.missing), capped)

    def url(self, doc: int) -> str:
        return self.json(f"d/{doc}.json")["u"]

    def ranked(self, query: str) -> Ranked:
        """The results of ``query`` as the search box ranks them first."""
        groups = self.parse(query)
        r = self.rank(groups, full=False)
        if r.capped and r.complete < PAGE:
            r = self.rank(groups, full=True)
        return r

    def search(self, query: str) -> list[str]:
        """The URLs of the results of ``query``, in the order the search box shows them first:
        those holding every word, then those holding most."""
        return [self.url(h.doc) for h in self.ranked(query).hits]
