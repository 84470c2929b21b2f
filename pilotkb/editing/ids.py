"""Ids for new records: the pinyin of the name's words plus a short hash of the name.

The same name gives the same id on every branch, and different names almost never share
one, so editors on different branches need no shared counter.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pilotkb.data.model import RESERVED_IDS, SLUG_RE
from pilotkb.editing.refusal import EditError
from pilotkb.search.segment import load_jieba

# Words that nearly every name has; dropped from the readable part when others remain.
GENERIC_WORDS = frozenset({"试点", "改革", "工作", "建设", "的", "和", "与", "及"})
MAX_WORDS = 4
MAX_CHARS = 32
HASH_LENGTHS = (4, 6, 8, 12, 16)  # tried in turn while the shorter id is taken


def name_words(name: str) -> list[str]:
    """The words of ``name`` as the search index segments them (spaces dropped)."""
    return [w for w in load_jieba().lcut(name) if w.strip()]


def slug_words(name: str) -> list[str]:
    """The pinyin of each word of ``name`` (one slug part per word), generic words dropped."""
    from pypinyin import lazy_pinyin

    words = name_words(name)
    kept = [w for w in words if w not in GENERIC_WORDS] or words
    parts: list[str] = []
    for word in kept:
        part = "".join(lazy_pinyin(word, errors="default")).lower()
        part = re.sub(r"[^a-z0-9]+", "", part)
        if part:
            parts.append(part)
    out: list[str] = []
    for part in parts[:MAX_WORDS]:
        if out and len("-".join([*out, part])) > MAX_CHARS:
            break
        out.append(part[:MAX_CHARS])
    return out


def name_hash(name: str, length: int) -> str:
    """The first ``length`` hex digits of the SHA-256 of the name (NFKC, trimmed)."""
    key = unicodedata.normalize("NFKC", name).strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:length]


def propose_id(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """``pinyin-words-hash``: readable, the same for the same name on every branch, and free.

    The hash of the exact name, not a counter, keeps ids of different names apart across
    branches; if an existing id already has the proposal, the hash is lengthened (still
    derived from the name only).
    """
    stem = "-".join(slug_words(name))
    for length in HASH_LENGTHS:
        rid = f"{stem}-{name_hash(name, length)}" if stem else f"id-{name_hash(name, length)}"
        if rid not in taken and rid not in RESERVED_IDS and SLUG_RE.match(rid):
            return rid
    raise EditError(f"无法为“{name}”找到空闲的编号")  # pragma: no cover - 16 hex digits
