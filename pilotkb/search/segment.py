"""Chinese word segmentation: jieba (loaded here only) and the catalogue's own words.

Terms come from jieba with a dictionary derived from the data (pilot names, experience
titles, unit and area names, quoted phrases), and every dictionary word inside a longer
token is indexed too, so that a part of a name still finds it. The editor's proposed ids
and the open-data full-text tables use the same loader.

jieba's dictionary (about 500,000 words and prefixes, ~60 MB in a process) can be read only
for the characters the texts hold (``text_chars``): a Segmenter given them keeps a fifth to
a third of it and cuts every text of those characters exactly as the whole would.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pilotkb.analysis.sources import read_text
from pilotkb.data.catalog import Catalog

log = logging.getLogger("mkdocs.plugins.pilotkb.search")


@cache
def load_jieba() -> Any:
    """The jieba module, imported on first use (its dictionary costs memory and time)."""
    # jieba opens its files through pkg_resources when it can import it (deprecated by
    # setuptools; importing it reads every installed distribution: ~10 MB and 0.1 s), else by
    # path: a module set to None in sys.modules cannot be imported, so jieba's import of it
    # fails. Its old escape sequences warn; the warnings are silenced.
    refuse = "pkg_resources" not in sys.modules
    if refuse:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import jieba
    finally:
        if refuse:
            del sys.modules["pkg_resources"]

    jieba.setLogLevel(logging.WARNING)
    return jieba


QUOTE_MARKS = re.compile("[“”‘’「」『』\"']")
# Runs the client splits a query into, identically: CJK runs (segmented) and ASCII words.
CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[a-z0-9]+(?:\.[0-9]+)*")
CJK_CHAR = re.compile(f"[{CJK}]")


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


# Runs cut kept for the next time (labels and names repeat on every page): ~800 bytes each,
# so a catalogue of many different sentences cannot fill memory with them.
CACHED_RUNS = 20_000


class Segmenter:
    """jieba (without HMM, so results depend only on the dictionary) plus the data's words.

    With ``chars`` (``text_chars``), jieba's dictionary is read only for the words and
    prefixes made of those characters (and of the data's words): cutting a run looks up only
    parts of the run, so a run of those characters is cut exactly as with the whole
    dictionary. A run holding any other character first loads the whole dictionary (same
    results; the memory of the whole)."""

    def __init__(self, words: Iterable[str] = (), chars: Iterable[str] | None = None):
        self.words = sorted(words)
        self.chars = None if chars is None else frozenset(chars).union(*self.words)
        self.tok = self._tokenizer()
        self._cut = lru_cache(maxsize=CACHED_RUNS)(self._cut_run)

    def _tokenizer(self) -> Any:
        tok = load_jieba().Tokenizer()
        if self.chars is None:
            tok.initialize()
        else:
            tok.FREQ, tok.total = prefix_dictionary(tok, self.chars)
            tok.initialized = True
        for w in self.words:
            # A frequency high enough that the word is always cut whole.
            tok.add_word(w, freq=max(tok.suggest_freq(w, False), 1000) * 10)
        self.freq = tok.FREQ
        return tok

    def _cut_run(self, run: str) -> tuple[tuple[str, float], ...]:
        if not ("\u3007" <= run[0] <= "\ufaff"):
            return ((run, 1.0),)
        if self.chars is not None and not self.chars.issuperset(run):
            log.debug("pilotkb: search: %r holds characters beyond the data's: whole dictionary", run)
            self.chars = None
            self.tok = self._tokenizer()
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


def prefix_dictionary(tok: Any, chars: frozenset[str]) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary as ``Tokenizer.gen_pfdict`` makes it from its word list (each
    word with its frequency, each prefix of a word with 0, a later line winning), keeping only
    the entries made of ``chars``; and the total of every frequency, as the whole has it."""
    other = re.compile("[^" + "".join(re.escape(c) for c in sorted(chars)) + "]")
    freq: dict[str, int] = {}
    total = 0
    keep_prefix = freq.setdefault
    with io.TextIOWrapper(tok.get_dict_file(), encoding="utf-8") as lines:
        for line in lines:  # a line at a time: the file is 5 MB
            word, n = line.split(" ", 2)[:2]
            total += int(n)
            m = other.search(word)
            if m is None:
                freq[word] = int(n)
                end = len(word) - 1
            else:
                end = m.start()  # the prefixes before the first other character
            for i in range(1, end + 1):
                keep_prefix(word[:i], 0)
    return freq, total


PACKAGE = Path(__file__).resolve().parent.parent


def text_chars(catalog: Catalog) -> set[str]:
    """The CJK characters the catalogue's search texts can hold (for ``Segmenter``): those of
    the data file and its source texts, and of the package's templates and code (the labels a
    page adds). Were a page to hold another, the Segmenter would load the whole dictionary."""
    seen: set[str] = set()
    with catalog.path.open(encoding="utf-8") as f:
        while chunk := f.read(1 << 20):
            seen.update(chunk)
    for s in catalog.sources.values():
        if s.file:
            seen.update(read_text(catalog.path, s.file))
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".j2"):
            seen.update(path.read_text(encoding="utf-8"))
    return {c for ch in seen for c in fold(ch) if CJK_CHAR.match(c)}
