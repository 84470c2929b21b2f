"""The built index read and queried in Python as ``docs/assets/search/kb-search.js`` does
(``segment``, ``rank`` and the first page of ``run``), so that the relevance suite runs
without a browser. The browser relevance test checks that both give the same top results."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pilotkb.search.format import DIGITS, key_file
from pilotkb.search.segment import RUN, fold

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


@dataclass
class Shard:
    rows: list[list[Any]] = field(default_factory=list)
    by_term: dict[str, list[Any]] = field(default_factory=dict)


class IndexReader:
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
        return [Group(run, [])] if unknown else groups

    def rank(self, groups: list[Group], full: bool) -> tuple[list[int], bool]:
        """Documents holding every group, best first; and whether capped postings were left out."""
        if not groups or any(not g.rows for g in groups):
            return [], False
        n, capped = self.manifest["n"], False
        best: dict[int, list[float]] = {}
        for gi, g in enumerate(groups):
            for row in g.rows:
                capped = capped or (len(row) > 3 and not full)
                idf = math.log(1 + (n - row[1] + 0.5) / (row[1] + 0.5))
                weight = idf * (1 if row[0] == g.text else 0.8)
                postings = decode_postings(row[2])
                if full and len(row) > 3:
                    postings += decode_postings(
                        (self.dir / "x" / f"{row[3]}.txt").read_text(encoding="utf-8")
                    )
                for doc, impact in postings:
                    b = best.setdefault(doc, [0.0] * len(groups))
                    b[gi] = max(b[gi], weight * impact)
        hits = [(-sum(s for s in b if s > 0), d) for d, b in best.items() if all(s > 0 for s in b)]
        return [d for _, d in sorted(hits)], capped

    def parse(self, query: str) -> list[Group]:
        return [g for run in RUN.findall(fold(query)) for g in self.segment(run)]

    def url(self, doc: int) -> str:
        return self.json(f"d/{doc}.json")["u"]

    def search(self, query: str) -> list[str]:
        """The URLs of the results of ``query``, in the order the search box shows them first."""
        groups = self.parse(query)
        hits, capped = self.rank(groups, full=False)
        if capped and len(hits) < PAGE:
            hits, _ = self.rank(groups, full=True)
        return [self.url(d) for d in hits]
