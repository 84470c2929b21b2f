"""Queries typed the way people type: traditional characters, pinyin and initials, the wrong
character of the right sound. Made at build time into small files the browser fetches only
when a query's word matches nothing (``format.py``: ``p/``, ``ts.txt``, ``py.txt``).

* Readings (``readings``) come from pypinyin, each word read whole, so that a character of
  several readings is read as in that word (行长 háng zhǎng, 河长制 hé zhǎng zhì). During a
  build they are made in the ``kb-pinyin`` second process (``pilotkb.site.views.glossary``,
  ``search_readings``), so that neither the index's process nor the main one loads
  pypinyin's ~55 MB phrase dictionary; elsewhere here, when first needed.
* Pinyin keys (``pinyin_keys``): every index word of at most ``KEYED_LENGTH`` characters
  that is a title, a name, an alias or a glossary term, or a word inside one, under its
  toneless syllables (``she'bao'ka``), from which the browser reads its pinyin
  (``shebaoka``) and its initials (``sbk``).
* Traditional → simplified (``traditional_pairs``): OpenCC's character table as the
  opencc-purepy package ships it (a text file, read without importing the package), kept
  for the simplified characters the index holds.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass
from pathlib import Path

from pilotkb.data.catalog import Catalog
from pilotkb.search.format import READINGS_FILE, SYLLABLE_BREAK, TRADITIONAL_FILE, pinyin_file
from pilotkb.search.segment import CJK_CHAR, RUN, Segmenter, catalogue_names, fold

SYLLABLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz")
# Longer words are found by the words inside them (a long name's pinyin is not typed whole).
KEYED_LENGTH = 8


@dataclass
class Readings:
    """Toneless pinyin: of each CJK run of the catalogue's titles and names (one syllable a
    character, read in context), and of single characters (every reading)."""

    words: dict[str, tuple[str, ...]]
    chars: dict[str, tuple[str, ...]]


def common_chars() -> list[str]:
    """GB 2312's first level: the 3,755 characters a pinyin input method offers first."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def titled_runs(catalog: Catalog) -> list[str]:
    """The CJK runs of every title, name, alias and glossary term (folded, sorted)."""
    _, names, _ = catalogue_names(catalog)
    texts: list[str] = [*names, *(ev.title for ev in catalog.events.values())]
    texts += [s.title for s in catalog.sources.values()]
    texts += [c.title or "" for c in catalog.coverage.values()]
    runs = {m.group(0) for text in texts for m in RUN.finditer(fold(text))}
    return sorted(r for r in runs if len(r) >= 2 and CJK_CHAR.match(r))


def _syllables(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v for v in values if v and SYLLABLE_CHARS.issuperset(v))


def readings(catalog: Catalog) -> Readings:
    """The readings the index's pinyin files are made from (loads pypinyin)."""
    return read_runs(titled_runs(catalog))


def read_runs(runs: Iterable[str]) -> Readings:
    """Each run read whole (its characters as in it), and the readings of every character of
    them and of ``common_chars``."""
    from pypinyin import Style, lazy_pinyin, pinyin

    words: dict[str, tuple[str, ...]] = {}
    for run in runs:
        syllables = _syllables(lazy_pinyin(run))
        if len(syllables) == len(run):
            words[run] = syllables
    chars: dict[str, tuple[str, ...]] = {}
    for c in sorted(set(common_chars()).union(*words)):
        found = _syllables(pinyin(c, style=Style.NORMAL, heteronym=True)[0])
        if found:
            chars[c] = tuple(dict.fromkeys(found))
    return Readings(words, chars)


def pinyin_keys(read: Readings, seg: Segmenter, terms: Container[str]) -> dict[str, list[str]]:
    """Syllables (``she'bao'ka``) -> the index words read so: each title's or name's words
    (the run and the words the segmenter finds in it, when the index holds them), read as
    in it."""
    keys: dict[str, set[str]] = defaultdict(set)
    for run, syllables in read.words.items():
        for word, _ in seg.terms(run):
            if not 2 <= len(word) <= KEYED_LENGTH or word not in terms:
                continue
            at = run.find(word)
            keys[SYLLABLE_BREAK.join(syllables[at : at + len(word)])].add(word)
    return {k: sorted(v) for k, v in sorted(keys.items())}


def traditional_pairs(chars: Container[str]) -> str:
    """``黨党體体…``: each traditional character whose simplified one the index holds (and
    that the index does not hold itself, as 著 or 乾), with it."""
    spec = importlib.util.find_spec("opencc_purepy")
    assert spec is not None and spec.submodule_search_locations, "opencc-purepy is not installed"
    table = Path(next(iter(spec.submodule_search_locations))) / "dicts" / "TSCharacters.txt"
    pairs = []
    for line in table.read_text(encoding="utf-8").splitlines():
        trad, _, simple = line.partition("\t")
        simple = simple.split(" ")[0]
        if len(trad) == 1 and len(simple) == 1 and trad != simple and simple in chars and trad not in chars:
            pairs.append(trad + simple)
    return "".join(sorted(pairs))


def reading_table(read: Readings, syllables: Container[str]) -> str:
    """``py.txt``: each syllable some key holds, with the characters read so."""
    by_syllable: dict[str, list[str]] = defaultdict(list)
    for c, found in sorted(read.chars.items()):
        for s in found:
            if s in syllables:
                by_syllable[s].append(c)
    return "".join(s + "".join(cs) + "\n" for s, cs in sorted(by_syllable.items()))


def forgiving_files(
    read: Readings, seg: Segmenter, terms: Container[str], chars: Container[str]
) -> dict[str, str]:
    """The files for forgiving queries (path under the index -> content): the pinyin keys of
    the index words among ``terms``, and the tables for the characters ``chars`` it holds."""
    keys = pinyin_keys(read, seg, terms)
    files: dict[str, list[str]] = defaultdict(list)
    for key, words in keys.items():
        files[pinyin_file(key)].append(" ".join((key, *words)) + "\n")
    out = {path: "".join(lines) for path, lines in sorted(files.items())}
    held = {s for key in keys for s in key.split(SYLLABLE_BREAK)}
    out[READINGS_FILE] = reading_table(read, held)
    out[TRADITIONAL_FILE] = traditional_pairs(chars)
    return out
