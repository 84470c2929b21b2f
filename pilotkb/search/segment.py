"""Chinese word segmentation: jieba (loaded here only) and the catalogue's own words.

Terms come from jieba with a dictionary derived from the data (pilot names, experience
titles, unit and area names, quoted phrases), and every dictionary word inside a longer
token is indexed too, so that a part of a name still finds it. The editor's proposed ids
and the open-data full-text tables use the same loader.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

from pilotkb.data.catalog import Catalog


@cache
def load_jieba() -> Any:
    """The jieba module, imported on first use (its dictionary costs memory and time)."""
    # jieba imports pkg_resources when present (deprecated by setuptools) and has old
    # escape sequences; neither matters here, so its import warnings are silenced.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


QUOTE_MARKS = re.compile("[“”‘’「」『』\"']")
# Runs the client splits a query into, identically: CJK runs (segmented) and ASCII words.
CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[a-z0-9]+(?:\.[0-9]+)*")


def fold(text: str) -> str:
    """Full-width to half-width, lower case, quotation marks dropped (“两权”抵押 reads as one
    run, 两权抵押). The browser does the same to a query (``normalize`` in kb-search.js)."""
    return QUOTE_MARKS.sub("", unicodedata.normalize("NFKC", text).lower())


# --- the catalogue's words -------------------------------------------------------------

# Words that often frame a name; stripping them leaves its core (资产收益扶贫新模式 -> 资产收益扶贫).
PREFIXES = ("全国", "全省", "全市", "国家级", "国家", "省级", "市级", "第二批", "第一批", "首届")
SUFFIXES = (
    "综合改革试点",
    "改革试点",
    "综合试点",
    "示范试点区",
    "试点区",
    "试点城市",
    "试点经验",
    "试点",
    "先行示范区",
    "示范区",
    "试验区",
    "示范基地",
    "建设做法",
    "新模式",
    "模式",
    "经验",
    "工作",
    "项目",
)
PUNCT_SPLIT = re.compile(r"[\s,，、；;：:。！？!?（）()《》〈〉【】\[\]“”\"‘’'·…—–-]+")
QUOTED = re.compile(r"[“\"《]([^“”\"《》]{2,16})[”\"》]")  # innermost: 《关于推进“两学一做”…》
ORDINAL = re.compile(r"第[0-9一二三四五六七八九十百千]+[号批届期次]$")


def strip_affixes(part: str, areas: Iterable[str]) -> str:
    """The core of a name: without an ordinal, area names, frame prefixes and suffixes,
    as long as at least two characters are left."""
    part = ORDINAL.sub("", part)
    changed = True
    while changed:
        changed = False
        for p in (*sorted(areas, key=len, reverse=True), *PREFIXES):
            if part.startswith(p) and len(part) - len(p) >= 2:
                part, changed = part[len(p) :], True
        for s in SUFFIXES:
            if part.endswith(s) and len(part) - len(s) >= 2:
                part, changed = part[: -len(s)], True
    return part


def catalogue_names(catalog: Catalog) -> tuple[list[str], list[str], list[str]]:
    """(area names, names kept whole, texts searched only for quoted phrases)."""
    areas = [a.name for a in catalog.areas.values()]
    names: list[str] = list(areas)
    texts: list[str] = []
    for p in catalog.pilots.values():
        names += [p.name, *p.lead_units, *p.participating_units]
        if p.approving_body:
            names.append(p.approving_body)
        texts += [p.summary or "", p.goals or "", *(q for q in p.quote)]
    for e in catalog.experiences.values():
        names.append(e.title)
        names += [a.body for a in e.adoptions]
        texts += [e.summary, *e.quote]
    for c in catalog.coverage.values():
        names += [c.outlet, c.column or "", c.title or ""]
        texts.append(c.covers)
    for ev in catalog.events.values():
        texts.append(ev.title)  # long phrases: only their quoted names
        names += [ev.organiser or "", ev.place or ""]
    for ev in catalog.evaluations.values():
        names += [ev.evaluator, ev.subject]
    for s in catalog.sources.values():
        texts.append(s.title)
        names.append(s.publisher or "")
    for t in catalog.records.get("terms", {}).values():
        names += [t.term, *t.aliases, *t.includes]
    return areas, names, texts


def data_words(catalog: Catalog) -> set[str]:
    """Words of this catalogue that must stay whole: names, titles, units, quoted phrases."""
    areas, names, texts = catalogue_names(catalog)
    # the frame words themselves (改革试点, 示范区 …) are this catalogue's vocabulary too
    words: set[str] = {w for w in SUFFIXES if len(w) > 2}
    for name in names + texts:
        for m in QUOTED.finditer(name):
            words.add(m.group(1))
    for name in names:
        for part in PUNCT_SPLIT.split(name):
            if 2 <= len(part) <= 16 and RUN.fullmatch(fold(part)):
                words.add(part)
                core = strip_affixes(part, areas)
                if core != part and len(core) >= 2:
                    words.add(core)
    return {fold(w) for w in words if RUN.fullmatch(fold(w))}


# --- segmentation ----------------------------------------------------------------------


class Segmenter:
    """jieba (without HMM, so results depend only on the dictionary) plus the data's words."""

    def __init__(self, words: Iterable[str] = ()):
        jieba = load_jieba()
        self.tok = jieba.Tokenizer()
        self.tok.initialize()
        for w in sorted(words):
            # A frequency high enough that the word is always cut whole.
            self.tok.add_word(w, freq=max(self.tok.suggest_freq(w, False), 1000) * 10)
        self.freq = self.tok.FREQ
        self._cut = lru_cache(maxsize=200_000)(self._cut_run)

    def _cut_run(self, run: str) -> tuple[tuple[str, float], ...]:
        if not ("\u3007" <= run[0] <= "\ufaff"):
            return ((run, 1.0),)
        out: list[tuple[str, float]] = []
        for tok in self.tok.cut(run, HMM=False):
            out.append((tok, 1.0))
            n = len(tok)
            if n > 2:
                # every dictionary word inside a longer token (资产收益扶贫 -> 资产, 收益, 扶贫)
                for size in range(n - 1, 1, -1):
                    for i in range(n - size + 1):
                        sub = tok[i : i + size]
                        if self.freq.get(sub):
                            out.append((sub, 0.5))
        return tuple(out)

    def terms(self, text: str) -> Iterator[tuple[str, float]]:
        """(term, weight) of a text, in order: 1 for a cut token, 0.5 for a word inside one."""
        for m in RUN.finditer(fold(text)):
            yield from self._cut(m.group(0))
