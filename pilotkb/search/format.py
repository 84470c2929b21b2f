"""The search index format, declared once. ``pilotkb/search/write.py`` writes it; ``kb-search.js`` reads it.

The script checks ``VERSION`` against the manifest's ``v`` and says plainly when they
differ; a browser test decodes vectors encoded here, so the two sides cannot drift apart.
Bump ``VERSION`` whenever anything in this table changes.

Files, under ``assets/search/index/``:

============================  =============================================================
``manifest.json``             ``{"v": VERSION, "build": str, "n": documents, "cap": CAP,
                              "split": str, "s": int, "fl": [[facet, label], …],
                              "voc": [[term, [word, …]], …],
                              "facets": {facet: [[slug, label, count], …]}}``.
                              ``build``: 12 hex digits of a digest of every other file,
                              appended as ``?v=`` to fetches so caches never mix builds.
                              ``split``: first characters whose terms are sharded by their
                              first two characters. ``fl``: the search filters in display
                              order, ``type`` first. ``s``: the first sentence document
                              (sentences of sources come last and rank after the records
                              holding as many query words). ``voc``: the vocabulary.
``t/<key>.json``              shard: ``[[term, df, postings, overflow?], …]``; ``key`` is the
                              term's first character (two if the first is in ``split``),
                              file name = ``key_file(key)``. ``postings``: the term's best
                              ``CAP`` postings by impact, sorted by document; ``overflow``:
                              the number ``n`` of ``x/<n>.txt`` with the rest, if capped.
``x/<n>.txt``                 postings beyond the cap.
``d/<id>.json``               one document: ``DOC_KEYS``.
``f/<facet>/<slug>.txt``      bitset of the documents having one facet value.
``p/<a>.txt``                 the index words whose pinyin begins with the letter ``a``: one
                              line per reading, ``syllables word word …`` (space-separated,
                              sorted), the toneless syllables joined by ``'`` (``she'bao'ka
                              社保卡``): the browser matches a Latin word with the pinyin
                              (``shebaoka``, or a prefix) or, from ``INITIALS_FROM`` letters,
                              the initials (``sbk``).
``ts.txt``                    traditional → simplified: pairs of characters, ``黨党體体…``,
                              for the simplified characters the index holds (OpenCC's data).
``py.txt``                    the toneless readings of common characters and of the index's
                              words' characters, for words typed with the wrong character of
                              the right sound: one line per syllable, ``syllable`` then its
                              characters (``zhi值制之…``); a character of several readings is
                              on each of their lines.
============================  =============================================================

``ts.txt`` and ``py.txt`` are fetched only when a query has a word no page holds, ``p/``
files only for a query of Latin letters no page holds, or for that same fallback.

Encodings (alphabet ``DIGITS``, 64 characters):

* postings: per document, ascending, the gap from the previous document id as a base-32
  varint, low digit first (``0-9a-v`` = 0–31 ends the number, ``w-zA-Z_-`` = 32–63 is a
  digit 0–31 that continues it), then one character for the impact 0–63;
* bitset: 6 documents per character, document ``i`` is bit ``i % 6`` of character ``i // 6``.
"""

from __future__ import annotations

from collections.abc import Iterable

VERSION = 4
INDEX_DIR = "assets/search/index"
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
MAX_IMPACT = 63

MANIFEST_KEYS = {
    "v": "format version (VERSION)",
    "build": "digest of the index files",
    "n": "number of documents",
    "cap": "postings kept per term in its shard",
    "split": "first characters sharded by two characters",
    "fl": "[[facet, label], …] in display order",
    "s": "id of the first sentence of a source: from it on, documents rank after the others holding as many query words",
    "voc": "[[term, [its other words …]], …]: the vocabulary, for close words when nothing matches",
    "facets": "{facet: [[slug, label, count], …]}",
}
SHARD_ROW = ("term", "df", "postings", "overflow")
DOC_KEYS = {
    "u": "URL, relative to the site root",
    "t": "title",
    "k": "type label (试点, 经验 …)",
    "l": "level label or null",
    "s": "status label or null",
    "d": "domain labels",
    "a": "area names",
    "x": "page text for the snippet",
}
# facet -> document key showing its values
DOC_FACET_KEYS = {"level": "l", "status": "s", "domain": "d", "area": "a"}
TYPE_FACET = ("type", "类型")


def varint(n: int) -> str:
    """Base-32 digits, low first: 0-9a-v ends a number, w-zA-Z_- (the same digits + 32) continues."""
    out = []
    while n >= 32:
        out.append(DIGITS[32 + (n & 31)])
        n >>= 5
    out.append(DIGITS[n])
    return "".join(out)


SHORT_VARINTS = [varint(n) for n in range(32 * 32)]  # the gaps of one or two digits, made once


def encode_postings(postings: Iterable[tuple[int, int]]) -> str:
    prev = 0
    out = []
    short = SHORT_VARINTS
    for doc, impact in sorted(postings):
        gap = doc - prev
        out.append((short[gap] if gap < len(short) else varint(gap)) + DIGITS[impact])
        prev = doc
    return "".join(out)


def bitset(ids: Iterable[int], n: int) -> str:
    """Documents as a bitset, 6 documents per character."""
    bits = [0] * ((n + 5) // 6)
    for i in ids:
        bits[i // 6] |= 1 << (i % 6)
    return "".join(DIGITS[b] for b in bits)


def shard_key(term: str, split: set[str]) -> str:
    if term[0] in split and len(term) > 1:
        return term[:2]
    return term[0]


PINYIN_DIR = "p"
TRADITIONAL_FILE = "ts.txt"
READINGS_FILE = "py.txt"
SYLLABLE_BREAK = "'"
INITIALS_FROM = 3  # a Latin word of at least this many letters may be initials (sbk)


def pinyin_file(key: str) -> str:
    """The ``p/`` file holding ``key`` (toneless syllables, lower-case Latin letters)."""
    return f"{PINYIN_DIR}/{key[0]}.txt"


def key_file(key: str) -> str:
    return "-".join(f"{ord(c):x}" for c in key)
