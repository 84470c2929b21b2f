"""Chinese full-text search: a small static index, sharded so that a query fetches little.

The index is written after the build from the finished pages (so it holds only what the
pages show) into ``assets/search/index/``, in the format declared in ``search_format.py``;
``docs/assets/search/kb-search.js`` reads it. Terms come from jieba with a dictionary
derived from the data (pilot names, experience titles, unit and area names, quoted
phrases), and every dictionary word inside a longer token is indexed too, so that a part
of a name still finds it. The browser segments a query with the terms it finds in the
shards (longest match, or all terms starting with the query): the same vocabulary the
pages were indexed with.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import shutil
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import FACETS, search_facets
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import dest_url
from pilotkb.search.format import (
    DIGITS,
    DOC_FACET_KEYS,
    INDEX_DIR,
    TYPE_FACET,
    VERSION,
    bitset,
    encode_postings,
    key_file,
    shard_key,
    varint,
)
from pilotkb.search.segment import load_jieba

__all__ = ["DIGITS", "INDEX_DIR", "bitset", "build_index", "encode_postings", "fold", "varint"]
CAP = 200  # postings kept in a shard per term; the rest go to an overflow file
SHARD_LIMIT = 16_000  # bytes; a larger first-character shard is split by the second character
SNIPPET_TEXT_LIMIT = 20_000  # characters of page text kept per document for snippets

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
# Runs the client splits a query into, identically: CJK runs (segmented) and ASCII words.
CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[a-z0-9]+(?:\.[0-9]+)*")

log = logging.getLogger("mkdocs.plugins.pilotkb.search.index")


QUOTE_MARKS = re.compile("[“”‘’「」『』\"']")


def fold(text: str) -> str:
    """Full-width to half-width, lower case, quotation marks dropped (“两权”抵押 reads as one
    run, 两权抵押). The browser does the same to a query (``normalize`` in kb-search.js)."""
    return QUOTE_MARKS.sub("", unicodedata.normalize("NFKC", text).lower())


# --- segmentation --------------------------------------------------------------------


ORDINAL = re.compile(r"第[0-9一二三四五六七八九十百千]+[号批届期次]$")


def _strip_affixes(part: str, areas: Iterable[str]) -> str:
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


def data_words(catalog: Catalog) -> set[str]:
    """Words of this catalogue that must stay whole: names, titles, units, quoted phrases."""
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
    # the frame words themselves (改革试点, 示范区 …) are this catalogue's vocabulary too
    words: set[str] = {w for w in SUFFIXES if len(w) > 2}
    for name in names + texts:
        for m in QUOTED.finditer(name):
            words.add(m.group(1))
    for name in names:
        for part in PUNCT_SPLIT.split(name):
            if 2 <= len(part) <= 16 and RUN.fullmatch(fold(part)):
                words.add(part)
                core = _strip_affixes(part, areas)
                if core != part and len(core) >= 2:
                    words.add(core)
    return {fold(w) for w in words if RUN.fullmatch(fold(w))}


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
        for m in RUN.finditer(fold(text)):
            yield from self._cut(m.group(0))


# --- vocabulary ------------------------------------------------------------------------

EXPANSION = 0.8  # a document found through a vocabulary entry ranks below one using the word


def vocabulary(catalog: Catalog) -> dict[str, set[str]]:
    """Word -> the words a document using it is also found by (folded).

    Aliases of a term are one set, each finding the others; an ``includes`` word is found by
    the term, not the other way round.
    """
    out: dict[str, set[str]] = defaultdict(set)
    for t in catalog.records.get("terms", {}).values():
        same = {fold(w) for w in (t.term, *t.aliases)}
        for w in same:
            out[w] |= same - {w}
        for w in t.includes:
            out[fold(w)] |= same
    return out


def expand(impacts: dict[str, int], synonyms: dict[str, set[str]]) -> dict[str, int]:
    """A document's impacts plus those of the vocabulary words its terms stand for."""
    if not synonyms:
        return impacts
    out = dict(impacts)
    for t, imp in impacts.items():
        for other in synonyms.get(t, ()):
            out[other] = max(out.get(other, 0), max(1, round(imp * EXPANSION)))
    return out


# --- page text -----------------------------------------------------------------------


class _ArticleText(HTMLParser):
    """Visible text of the article: the title (h1) and the rest, in blocks."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "div", "tr", "blockquote", "dl", "ul", "ol", "table"}
    # page furniture, not the record: badges, empty notes, change logs, citations, feed boxes
    SKIP_CLASSES = {
        "headerlink",
        "kb-none",
        "kb-badges",
        "kb-changed",
        "kb-history",
        "kb-history__more",
        "kb-cite",
        "kb-feeds",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.blocks: list[tuple[str, float]] = []
        self.quoted = 0  # inside a source quote or citation: repeated on many pages
        self.cur: list[str] = []
        self.stack: list[tuple[str, bool, bool, bool]] = []  # tag, skipping, in_title, quoted
        self.skip = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr", "input", "meta", "link", "wbr"):
            if tag == "br":
                self.cur.append(" ")
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipping = bool(classes & self.SKIP_CLASSES) or tag in ("script", "style", "svg", "h2")
        if tag in self.BLOCKS:
            self._flush()
        if tag == "dt":
            self.cur.append("")
        quoted = tag == "blockquote" or "kb-sources" in classes
        self.stack.append((tag, skipping, tag == "h1", quoted))
        if skipping:
            self.skip += 1
        if quoted:
            self.quoted += 1
        if tag == "h1":
            self.in_title = True

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            t, skipping, was_title, quoted = self.stack.pop()
            if skipping:
                self.skip -= 1
            if quoted:
                self._flush()
                self.quoted -= 1
            if was_title:
                self._flush()
                self.in_title = False
            if t == "dt" and not self.skip:
                self.cur.append("：")
            if t in self.BLOCKS:
                self._flush()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
        else:
            self.cur.append(data)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.cur)).strip()
        self.cur = []
        if text and not text.endswith("：未公开") and not text.endswith("："):
            self.blocks.append((text, QUOTE_WEIGHT if self.quoted else 1.0))


# A tag (attribute values may hold '>' inside quotes), a comment, or a run of text. The
# pages are the build's own well-formed HTML, so this tokenizer feeds _ArticleText the same
# events html.parser would, at about a third of its cost (html.parser tracks line numbers
# and parses every attribute; only ``class`` matters here). tests/test_search.py compares
# the two on every page of the site.
_TOKEN = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<!--.*?-->|([^<]+|<)", re.S)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_RAW_TEXT = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _feed(parser: _ArticleText, text: str) -> None:
    pos, n = 0, len(text)
    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        if m is None:  # cannot happen: the last alternative matches any character
            break
        pos = m.end()
        name = m.group(2)
        if name is None:
            data = m.group(4)
            if data is not None:
                parser.handle_data(html.unescape(data) if "&" in data else data)
            continue
        tag = name.lower()
        if m.group(1):
            parser.handle_endtag(tag)
            continue
        attrs_text = m.group(3)
        c = _CLASS.search(attrs_text) if "class" in attrs_text else None
        attrs = [("class", html.unescape(next(g for g in c.groups() if g is not None)))] if c else []
        parser.handle_starttag(tag, attrs)
        if attrs_text.endswith("/"):
            parser.handle_endtag(tag)  # <x/>: html.parser reports a start and an end
        elif tag in _RAW_TEXT:
            close = _RAW_TEXT[tag].search(text, pos)
            end = close.start() if close else n
            if end > pos and not parser.skip:
                parser.handle_data(text[pos:end])
            pos = close.end() if close else n
            parser.handle_endtag(tag)


def page_blocks(html_text: str) -> tuple[str, list[tuple[str, float]]]:
    """(title, [(block text, weight)]) of a built page's article; quotes weigh less."""
    start = html_text.find("<article")
    end = html_text.find("</article>", start)
    parser = _ArticleText()
    _feed(parser, html_text[start:end] if start >= 0 and end > start else "")
    parser._flush()
    title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    return title, parser.blocks


def page_text(html_text: str) -> tuple[str, str]:
    """(title, body text) of a built page's article."""
    title, blocks = page_blocks(html_text)
    return title, "\n".join(text for text, _ in blocks)


# --- documents -----------------------------------------------------------------------


@dataclass
class Doc:
    coll: str
    uri: str
    url: str
    facets: dict[str, list[str]] = field(default_factory=dict)  # facet -> its values
    title: str = ""
    text: str = ""
    # documents made from data (a row of a shared page, a pilot's metric) rather than a page:
    # their blocks of (text, weight); None for a page, whose text is read from the built HTML
    blocks: list[tuple[str, float]] | None = None
    type: tuple[str, str] | None = None  # (slug, label) when not the collection's own


def documents(catalog: Catalog, directory_urls: bool) -> list[Doc]:
    """One document per record: its page, or its row (anchor) on a shared page; plus one per
    nested item a collection declares a result of its own (a pilot's metrics)."""
    docs: list[Doc] = []
    facets = list(search_facets())
    for coll, c in REGISTRY.items():
        parts: list[Doc] = []
        for rec in catalog.records[coll].values():
            values = {f.name: f.of(coll, rec) for f in facets}
            uri = c.uri(rec.id)
            url = dest_url(uri, directory_urls)
            if c.has_pages:
                docs.append(Doc(coll, uri, url, values))
            else:
                title = c.result_title(rec) if c.result_title else c.title_of(rec)
                docs.append(
                    Doc(coll, uri, f"{url}#{c.anchor(rec.id)}", values, title, blocks=_data_blocks(rec))
                )
            for name in c.result_parts:
                for n, item in enumerate(getattr(rec, name), start=1):
                    blocks = [(c.title_of(rec), 1.0), *_data_blocks(item)]
                    title = f"{item.name} {item.value}"
                    parts.append(
                        Doc(coll, uri, f"{url}#{name[:-1]}-{n}", values, title, blocks=blocks, type=PART_TYPE)
                    )
        docs.extend(parts)
    return docs


PART_TYPE = ("metric", "指标")
_NOT_TEXT = {"id", "source", "number", "catalogue", "note", "file", "link"}


def _data_blocks(rec: Any) -> list[tuple[str, float]]:
    """The text of a record made from data: its own text fields, then its quotes (weighing less)."""
    refs = {f for c in REGISTRY.values() for f in c.references}
    blocks: list[tuple[str, float]] = []
    for name, value in rec:
        if name in _NOT_TEXT or name in refs or name == "quote" or value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip():
                blocks.append((str(getattr(v, "value", v)), 1.0))
    for q in getattr(rec, "quote", None) or []:
        blocks.append((q, QUOTE_WEIGHT))
    return blocks


def _html_path(site_dir: Path, url: str) -> Path:
    return site_dir / (url + "index.html" if url.endswith("/") or url == "" else url)


# --- scoring -------------------------------------------------------------------------

K1 = 1.2
B = 0.5
TITLE_WEIGHT = 6.0
QUOTE_WEIGHT = 0.4


def impacts(
    title_terms: list[tuple[str, float]], body_terms: list[tuple[str, float]], title: str, avg_len: float
) -> dict[str, int]:
    """Impact 0-63 of each term in one document: BM25-like saturation of weighted counts,
    plus a bonus when the title contains the term, larger the more of the title it covers."""
    tf, length = term_weights(title_terms, body_terms)
    return impacts_of(tf, length, title, avg_len)


def term_weights(
    title_terms: list[tuple[str, float]], body_terms: list[tuple[str, float]]
) -> tuple[dict[str, float], float]:
    """Each term's weighted count in one document, and the document's length."""
    tf: dict[str, float] = defaultdict(float)
    for t, w in title_terms:
        tf[t] += TITLE_WEIGHT * w
    for t, w in body_terms:
        tf[t] += w
    return tf, sum(w for _, w in body_terms) + len(title_terms)


def impacts_of(tf: dict[str, float], length: float, title: str, avg_len: float) -> dict[str, int]:
    norm = K1 * (1 - B + B * length / avg_len)
    bare = re.sub(r"[^0-9a-z\u3007-\ufaff.]", "", fold(title))
    out: dict[str, int] = {}
    for t, f in tf.items():
        score = 36 * f * (K1 + 1) / (f + norm) / (K1 + 1)
        if t in bare:
            score += 8 + 19 * len(t) / max(len(bare), 1)
        out[t] = max(1, min(63, round(score)))
    return out


# --- the index -----------------------------------------------------------------------


@dataclass
class IndexStats:
    documents: int
    terms: int
    files: int
    bytes: int


class BackgroundIndexer:
    """An ``Indexer`` in a second process (``background.Job``): each written page's article
    goes to it through a pipe, and it writes the index when the build ends."""

    def __init__(self, catalog: Catalog, directory_urls: bool, site_dir: Path):
        from pilotkb.background import Job

        self._job = Job(_index_in_background, catalog, directory_urls, site_dir, feed=True)

    def add_page(self, url: str, html_text: str) -> None:
        start = html_text.find("<article")
        end = html_text.find("</article>", start)
        article = html_text[start : end + len("</article>")] if start >= 0 and end > start else ""
        self._job.send(f"{url}\0{article}".encode())

    def write(self, site_dir: Path) -> IndexStats:
        return self._job.result()


def _index_in_background(
    catalog: Catalog, directory_urls: bool, site_dir: Path, pages: Iterable[bytes]
) -> IndexStats:
    indexer = Indexer(catalog, directory_urls)
    for message in pages:
        url, _, article = message.decode().partition("\0")
        indexer.add_page(url, article)
    return indexer.write(site_dir)


def build_index(
    catalog: Catalog, site_dir: Path, directory_urls: bool = True, indexer: Indexer | None = None
) -> IndexStats:
    """Write the search index into ``site_dir`` (called after the pages are built). Pages an
    ``indexer`` was given while they were written are not read again."""
    indexer = indexer or Indexer(catalog, directory_urls)
    return indexer.write(site_dir)


class Indexer:
    """Segments each page as it is written (``add_page``) and keeps only its term weights,
    packed as arrays of term numbers and weights, so the build never holds every page's text."""

    def __init__(self, catalog: Catalog, directory_urls: bool = True):
        self.catalog = catalog
        self.docs = documents(catalog, directory_urls)
        self.by_url = {d.url: i for i, d in enumerate(self.docs) if d.blocks is None}
        self.seg = Segmenter(data_words(catalog))
        self.term_ids: dict[str, int] = {}
        self.weights: list[tuple[array, array, float] | None] = [None] * len(self.docs)

    def add_page(self, url: str, html_text: str) -> None:
        """A built page (its whole HTML); pages that are not a search document are ignored."""
        i = self.by_url.get(url)
        if i is not None:
            d = self.docs[i]
            d.title, blocks = page_blocks(html_text)
            self._add(i, blocks)

    def _add(self, i: int, blocks: list[tuple[str, float]]) -> None:
        d, seg = self.docs[i], self.seg
        d.text = "\n".join(text for text, _ in blocks)[:SNIPPET_TEXT_LIMIT]
        body = [(t, w * bw) for text, bw in blocks for t, w in seg.terms(text)]
        tf, length = term_weights(list(seg.terms(d.title)), body)
        ids = self.term_ids
        terms = array("I", (ids.setdefault(t, len(ids)) for t in tf))
        self.weights[i] = (terms, array("d", tf.values()), length)

    def write(self, site_dir: Path) -> IndexStats:
        out = site_dir / INDEX_DIR
        if out.exists():
            shutil.rmtree(out)
        catalog, docs = self.catalog, self.docs
        for i, d in enumerate(docs):
            if self.weights[i] is None:
                if d.blocks is None:
                    d.title, blocks = page_blocks(_html_path(site_dir, d.url).read_text(encoding="utf-8"))
                else:
                    blocks, d.blocks = d.blocks, None
                self._add(i, blocks)
        names = list(self.term_ids)
        avg_len = sum(w[2] for w in self.weights if w) / max(len(docs), 1)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        synonyms = vocabulary(catalog)
        for i, d in enumerate(docs):
            terms, values, length = self.weights[i]  # type: ignore[misc]
            self.weights[i] = None
            tf = {names[t]: v for t, v in zip(terms, values, strict=True)}
            weight = REGISTRY[d.coll].search_weight
            for t, imp in expand(impacts_of(tf, length, d.title, avg_len), synonyms).items():
                postings[t].append((i, max(1, round(imp * weight))))
        return _write_index(catalog, docs, postings, out)


def _write_index(
    catalog: Catalog, docs: list[Doc], postings: dict[str, list[tuple[int, int]]], out: Path
) -> IndexStats:
    files = _Writer(out)
    # overflow of capped terms, and the shard entries
    entries: dict[str, list[Any]] = {}
    n_more = 0
    for term in sorted(postings):
        plist = postings[term]
        entry: list[Any] = [term, len(plist)]
        if len(plist) > CAP:
            ranked = sorted(plist, key=lambda p: (-p[1], p[0]))
            entry.append(encode_postings(ranked[:CAP]))
            entry.append(n_more)
            files.write(f"x/{n_more}.txt", encode_postings(ranked[CAP:]))
            n_more += 1
        else:
            entry.append(encode_postings(plist))
        entries[term] = entry
    by_first: dict[str, list[str]] = defaultdict(list)
    for term in entries:
        by_first[term[0]].append(term)
    split: set[str] = set()
    for first, terms in by_first.items():
        size = sum(len(json.dumps(entries[t], ensure_ascii=False).encode()) for t in terms)
        if size > SHARD_LIMIT and len(terms) > 1:
            split.add(first)
    shards: dict[str, list[list[Any]]] = defaultdict(list)
    for term, entry in entries.items():
        shards[shard_key(term, split)].append(entry)
    for key, rows in shards.items():
        files.write(f"t/{key_file(key)}.json", _json(rows))

    # documents and facet bitsets
    facets = list(search_facets())
    type_counts: dict[str, int] = defaultdict(int)
    facet_docs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        slug, label = d.type or REGISTRY[d.coll].search_type
        type_counts[slug] += 1
        facet_docs[(TYPE_FACET[0], slug)].append(i)
        doc: dict[str, Any] = {"u": d.url, "t": d.title, "k": label}
        for name, key in DOC_FACET_KEYS.items():
            f = FACETS[name]
            values = d.facets.get(name, [])
            for v in values:
                facet_docs[(name, f.slug(v))].append(i)
            shown = [f.shown(v, catalog) for v in values]
            doc[key] = shown if f.many else (shown[0] if shown else None)
        doc["x"] = d.text
        files.write(f"d/{i}.json", _json(doc))
        d.text = ""  # written; the snippet text is not needed again
    n = len(docs)
    all_types = [
        t for c in REGISTRY.values() for t in (c.search_type, *([PART_TYPE] if c.result_parts else []))
    ]
    types = {t: None for t in all_types if type_counts.get(t[0])}
    choices: dict[str, list[tuple[str, str]]] = {TYPE_FACET[0]: list(types)}
    for f in facets:
        choices[f.name] = [(f.slug(v), f.shown(v, catalog)) for v, _ in f.choices(catalog)]
    facet_values: dict[str, list[list[Any]]] = {}
    for name, values in choices.items():
        kept = []
        for slug, label in values:
            ids = facet_docs.get((name, slug), [])
            if ids:
                files.write(f"f/{name}/{slug}.txt", bitset(ids, n))
                kept.append([slug, label, len(ids)])
        facet_values[name] = kept
    build = files.digest.hexdigest()[:12]
    files.write(
        "manifest.json",
        _json(
            {
                "v": VERSION,
                "build": build,
                "n": n,
                "cap": CAP,
                "split": "".join(sorted(split)),
                "fl": [list(TYPE_FACET)] + [[f.name, f.label] for f in facets],
                "voc": [
                    [t.term, [*t.aliases, *t.includes]] for t in catalog.records.get("terms", {}).values()
                ],
                "facets": facet_values,
            }
        ),
    )
    stats = IndexStats(n, len(entries), files.count, files.total)
    log.info(
        "pilotkb: search index: %d documents, %d terms, %d files, %d bytes",
        n,
        len(entries),
        files.count,
        files.total,
    )
    return stats


class _Writer:
    """Writes each index file as soon as it is made, so the index is never held whole in
    memory; the build id is a digest of everything written before the manifest."""

    def __init__(self, out: Path):
        self.out = out
        self.digest = hashlib.sha256()
        self.count = 0
        self.total = 0

    def write(self, rel: str, content: str) -> None:
        data = content.encode("utf-8")
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.digest.update(rel.encode() + b"\0" + data)
        self.count += 1
        self.total += len(data)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
