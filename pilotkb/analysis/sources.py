"""How completely the data cites its sources.

A source text is split into sentences; a sentence that states a number or names a pilot,
an experience, an outlet or an event is *substantive*; every substantive sentence should be
quoted (whole or in part) by at least one record (``pilotkb.analysis.reading`` says which are).

Pure functions over plain data: no site generator, no validation.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilotkb.data.load import collapse_space
from pilotkb.data.registry import FILE_ORDER, REGISTRY, cited_parts, model_cited_parts
from pilotkb.files import read_input

# Sentence ends: full-width and ASCII full stops, question and exclamation marks, semicolons.
_TERMINATORS = frozenset("。！？；?!;")
# Closing marks that belong to the sentence they follow (“……。” keeps its ”).
_CLOSERS = frozenset("”’」』）)")

_NUMERAL_RE = re.compile(r"[0-9０-９]")

# Words that name a pilot, an experience, a document, an outlet, a report or an event.
# A sentence containing none of them (and no numeral) is narrative or a headline.
SUBSTANTIVE_WORDS: tuple[str, ...] = (
    # pilots and zones
    "试点",
    "示范",
    "试验区",
    "功能区",
    # experiences and their adoption
    "经验",
    "做法",
    "模式",
    "典型",
    "采纳",
    "推广",
    # documents and titles
    "《",
    "条例",
    "方案",
    "规划",
    # outlets and reports
    "新闻",
    "媒体",
    "报道",
    "专栏",
    "刊发",
    "刊播",
    "公众平台",
    # events
    "会议",
    "大会",
    "现场会",
    "座谈会",
    "推介会",
    "研讨会",
    "党代会",
    "培训",
    "考察",
    "调研",
    "发言",
    "论坛",
    "仪式",
    "授牌",
    "汇报",
    # evaluations and checks
    "评估",
    "督查",
    "考核",
)

# Lines of the web page the text was saved from (its "news hot spots" and "send us news"
# links), not part of the report. They contain 新闻 but say nothing.
PAGE_FURNITURE: frozenset[str] = frozenset({"新闻热点", "新闻爆料"})


# Longest line (in characters) still taken for a headline.
HEADLINE_MAX = 12


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source text, where it is, and the anchor of its place on the page."""

    text: str  # as the file has it, stripped
    line: int  # 1-based line of the file where it starts
    paragraph: int  # 0-based index of the paragraph (a non-empty line) it belongs to
    anchor: str  # stable: made from the sentence itself, not from its position


def sentence_anchor(text: str) -> str:
    """``s-`` and 10 hex digits of the sentence's digest (spaces collapsed), so that the anchor
    of a sentence stays when others are added, removed or moved."""
    return "s-" + hashlib.sha256(collapse_space(text).encode("utf-8")).hexdigest()[:10]


def located_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with their line, paragraph and anchor (a sentence that occurs
    again gets ``-2``, ``-3`` … so that every anchor of a page is unique)."""
    out: list[Sentence] = []
    seen: dict[str, int] = {}
    paragraph = -1
    for number, line in enumerate(text.splitlines(), start=1):
        parts = _split_line(line)
        if parts:
            paragraph += 1
        for part in parts:
            anchor = sentence_anchor(part)
            seen[anchor] = seen.get(anchor, 0) + 1
            if seen[anchor] > 1:
                anchor = f"{anchor}-{seen[anchor]}"
            out.append(Sentence(part, number, paragraph, anchor))
    return out


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences at 。！？；?!; and line breaks; strip them; drop empties.

    The terminator stays with its sentence, and so do closing quotation marks and brackets
    that directly follow it.
    """
    return [s.text for s in located_sentences(text)]


def _split_line(line: str) -> list[str]:
    out: list[str] = []
    buf: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        buf.append(ch)
        i += 1
        if ch in _TERMINATORS:
            while i < n and (line[i] in _TERMINATORS or line[i] in _CLOSERS):
                buf.append(line[i])
                i += 1
            out.append("".join(buf))
            buf = []
    out.append("".join(buf))
    return [s for s in (part.strip() for part in out) if s]


def is_furniture(sentence: str) -> bool:
    """True for the web page's own links that were saved along with the text."""
    return sentence.strip() in PAGE_FURNITURE


def is_headline(sentence: str) -> bool:
    """A short slogan standing on its own line, such as 四大举措齐发力 or 找准试点突破口.

    Headlines of this kind of report are a few words, with no numeral, no comma and no
    sentence-final mark. Longer lines (the domain headings, which name a domain's pilots)
    are not headlines and must be cited like any sentence.
    """
    s = sentence.strip()
    return (
        0 < len(s) <= HEADLINE_MAX
        and not _NUMERAL_RE.search(s)
        and not any(ch in _TERMINATORS or ch in ",，" for ch in s)
    )


def is_substantive(sentence: str) -> bool:
    """True when the sentence states an Arabic numeral or names something to catalogue.

    Page furniture and short headlines are never substantive.
    """
    if is_furniture(sentence) or is_headline(sentence):
        return False
    if _NUMERAL_RE.search(sentence):
        return True
    return any(word in sentence for word in SUBSTANTIVE_WORDS)


def _raw(catalog_or_raw_data: Any) -> Mapping[str, Any]:
    """The plain dict of the data, from a dict, a loaded file or a validated catalogue."""
    obj = catalog_or_raw_data
    if isinstance(obj, Mapping):
        return obj
    inner = getattr(obj, "data", None)
    if isinstance(inner, Mapping):
        return inner
    if inner is not None and hasattr(inner, "model_dump"):
        return inner.model_dump(mode="json")
    raise TypeError(f"expected the raw data (a mapping) or a catalogue, got {type(obj).__name__}")


def _quotes(cited: Mapping[str, Any]) -> list[str]:
    quote = cited.get("quote")
    if isinstance(quote, str):
        return [quote]
    if isinstance(quote, list):
        return [q for q in quote if isinstance(q, str)]
    return []


def citations(catalog_or_raw_data: Any, source_id: str | None = None) -> Iterator[tuple[str, str, str]]:
    """Every (collection, record id, normalised quote) of the data, nested items included."""
    for source, collection, rid, quote in cited_quotes(catalog_or_raw_data):
        if source_id is None or source == source_id:
            yield collection, rid, quote


def cited_quotes(catalog_or_raw_data: Any) -> Iterator[tuple[str, str, str, str]]:
    """Every (source id, collection, record id, normalised quote) of the data, nested items
    included; a validated catalogue is read from its models (no dump of the whole data)."""
    records = getattr(catalog_or_raw_data, "records", None)
    if isinstance(records, Mapping) and not isinstance(catalog_or_raw_data, Mapping):
        for collection in FILE_ORDER:  # the order of the data file, as the plain data has it
            if collection == "sources":
                continue
            for rec in records[collection].values():
                for cited in model_cited_parts(collection, rec):
                    for quote in cited.quote:
                        if q := collapse_space(quote):
                            yield cited.source, collection, rec.id, q
        return
    data = _raw(catalog_or_raw_data)
    for collection, items in data.items():
        if collection == "sources" or collection not in REGISTRY or not isinstance(items, list):
            continue
        for record in items:
            if not isinstance(record, Mapping) or not isinstance(record.get("id"), str):
                continue
            for _, item in cited_parts(collection, record):
                source = item.get("source")
                for quote in _quotes(item):
                    if isinstance(source, str) and (q := collapse_space(quote)):
                        yield source, collection, record["id"], q


def _matches(quote: str, sentence: str) -> bool:
    return quote in sentence or sentence in quote


def cited_by(catalog_or_raw_data: Any, sentence: str, source_id: str | None = None) -> list[str]:
    """Ids of the records whose quote is ``sentence``, a part of it, or contains it.

    A nested metric, update or adoption is reported as the id of the record holding it.
    Each id appears once, in the order of the data.
    """
    s = collapse_space(sentence)
    if not s:
        return []
    return _unique(rid for _, rid, quote in citations(catalog_or_raw_data, source_id) if _matches(quote, s))


def _unique(ids: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for rid in ids:
        seen.setdefault(rid, None)
    return list(seen)


def read_text(data_path: Path | str, file: str) -> str:
    """A source's text file, named relative to the data file's folder, as text."""
    return read_input(Path(data_path).parent / file, file).decode("utf-8-sig")


def source_text(data: Mapping[str, Any], data_path: Path, source_id: str) -> str:
    """The text of source ``source_id``; its ``file`` is relative to the data file's folder."""
    for src in data.get("sources") or []:
        if isinstance(src, Mapping) and src.get("id") == source_id:
            file = src.get("file")
            if not isinstance(file, str):
                raise ValueError(f"source {source_id!r} has no text file")
            return read_text(data_path, file)
    raise KeyError(f"no source {source_id!r} in {data_path}")
