"""The index writer: the files declared in ``pilotkb/search/format.py``, from the postings.

Each file is written as soon as it is made, so the index is never held whole in memory: a
document's file as soon as its page is read, the rest once every page is. The manifest's
build id is a digest of all the other files in a fixed order (overflow, shards, documents,
facets), so the same catalogue always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import FACETS, search_facets
from pilotkb.data.registry import REGISTRY
from pilotkb.search.documents import PART_TYPE, SENTENCE_TYPE, SearchDocument
from pilotkb.search.format import (
    DOC_FACET_KEYS,
    TYPE_FACET,
    VERSION,
    bitset,
    encode_postings,
    key_file,
    shard_key,
)

CAP = 200  # postings kept in a shard per term; the rest go to an overflow file
SHARD_LIMIT = 16_000  # bytes; a larger first-character shard is split by the second character

Postings = Mapping[str, list[tuple[int, int]]]  # term -> [(document id, impact)], by document
ShardRow = list[Any]  # [term, df, postings, overflow?] (format.SHARD_ROW)

log = logging.getLogger("mkdocs.plugins.pilotkb.search")


class PackedPostings(Mapping[str, list[tuple[int, int]]]):
    """Postings as the indexer makes them, document by document: per term, an array of
    document ids and one of impacts (5 bytes a posting, where a list of tuples takes ~70);
    a term's list of pairs is made when the writer reads it."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.docs: list[array] = []
        self.impacts: list[array] = []

    def add(self, doc: int, impacts: dict[str, int]) -> None:
        """A document's impact for each of its terms; documents are added in ascending order."""
        ids, docs, imps = self.ids, self.docs, self.impacts
        for term, impact in impacts.items():
            t = ids.get(term)
            if t is None:
                t = ids[term] = len(docs)
                docs.append(array("I"))
                imps.append(array("B"))
            docs[t].append(doc)
            imps[t].append(impact)

    def __getitem__(self, term: str) -> list[tuple[int, int]]:
        t = self.ids[term]
        return list(zip(self.docs[t], self.impacts[t], strict=True))

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class IndexStats:
    documents: int
    terms: int
    files: int
    bytes: int


class IndexFiles:
    """Writes the index files under ``out``, counting them and digesting them in order.

    A document's file is written as soon as its text is known (``write_document``, while the
    pages are built) and its text let go; its bytes wait in a spool file until the files
    before it in the digest's order (overflow, shards) are written (``digest_documents``)."""

    def __init__(self, out: Path, documents: int):
        self.out = out
        self.digest = hashlib.sha256()
        self.count = 0
        self.total = 0
        self.folders: set[str] = set()
        self.spool = tempfile.TemporaryFile()
        self.spooled = 0
        self.doc_at = array("q", [-1]) * documents  # each document's offset in the spool
        self.doc_size = array("q", [0]) * documents

    def write(self, rel: str, content: str) -> None:
        data = self.put(rel, content)
        self.digest.update(rel.encode() + b"\0" + data)

    def put(self, rel: str, content: str) -> bytes:
        data = content.encode("utf-8")
        folder = rel.rpartition("/")[0]
        if folder not in self.folders:
            (self.out / folder).mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        (self.out / rel).write_bytes(data)
        self.count += 1
        self.total += len(data)
        return data

    def write_document(self, i: int, content: str) -> None:
        """``d/<i>.json``, written now and digested in its place by ``digest_documents``."""
        data = self.put(f"d/{i}.json", content)
        self.spool.write(data)
        self.doc_at[i], self.doc_size[i] = self.spooled, len(data)
        self.spooled += len(data)

    def digest_documents(self) -> None:
        """The documents' files, digested in their order (each written once)."""
        self.spool.flush()
        for i, (at, size) in enumerate(zip(self.doc_at, self.doc_size, strict=True)):
            assert at >= 0, f"search document {i} was never written"
            self.spool.seek(at)
            self.digest.update(f"d/{i}.json".encode() + b"\0" + self.spool.read(size))
        self.spool.close()


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_index(
    catalog: Catalog,
    docs: list[SearchDocument],
    postings: Postings,
    out: Path,
    extra: Mapping[str, str] | None = None,
) -> IndexStats:
    """Write the whole index into ``out`` (which does not exist yet)."""
    files = IndexFiles(out, len(docs))
    for i, d in enumerate(docs):
        files.write_document(i, document_json(catalog, d))
    return finish_index(files, catalog, docs, postings, extra or {})


def finish_index(
    files: IndexFiles,
    catalog: Catalog,
    docs: list[SearchDocument],
    postings: Postings,
    extra: Mapping[str, str],
) -> IndexStats:
    """The files written once every document is: overflow, shards, facets, the files for
    forgiving queries (``extra``: path -> content, ``forgive.py``), manifest."""
    rows = write_overflow(files, postings)
    split = write_shards(files, rows)
    files.digest_documents()
    facet_values = write_facets(files, catalog, facet_documents(docs), len(docs))
    for rel, content in extra.items():
        files.write(rel, content)
    # the sentences of sources come last (documents.py)
    first_sentence = next((i for i, d in enumerate(docs) if d.type == SENTENCE_TYPE), len(docs))
    write_manifest(files, catalog, (len(docs), first_sentence), split, facet_values)
    stats = IndexStats(len(docs), len(rows), files.count, files.total)
    log.info(
        "pilotkb: search index: %d documents, %d terms, %d files, %d bytes",
        stats.documents,
        stats.terms,
        stats.files,
        stats.bytes,
    )
    return stats


def write_overflow(files: IndexFiles, postings: Postings) -> dict[str, ShardRow]:
    """Each term's shard row, in term order; a term in more than ``CAP`` documents keeps its
    best ``CAP`` postings and the rest go to the next ``x/<n>.txt``."""
    rows: dict[str, ShardRow] = {}
    n_more = 0
    for term in sorted(postings):
        plist = postings[term]
        row: ShardRow = [term, len(plist)]
        if len(plist) > CAP:
            # best first; equal impacts stay in document order (sorting is stable)
            ranked = sorted(plist, key=itemgetter(1), reverse=True)
            row.append(encode_postings(ranked[:CAP]))
            row.append(n_more)
            files.write(f"x/{n_more}.txt", encode_postings(ranked[CAP:]))
            n_more += 1
        else:
            row.append(encode_postings(plist))
        rows[term] = row
    return rows


def write_shards(files: IndexFiles, rows: dict[str, ShardRow]) -> set[str]:
    """One shard per first character, or per first two characters where one shard would
    exceed ``SHARD_LIMIT``; returns those split first characters."""
    by_first: dict[str, list[str]] = defaultdict(list)
    for term in rows:
        by_first[term[0]].append(term)
    split: set[str] = set()
    for first, terms in by_first.items():
        size = sum(len(json.dumps(rows[t], ensure_ascii=False).encode()) for t in terms)
        if size > SHARD_LIMIT and len(terms) > 1:
            split.add(first)
    shards: dict[str, list[ShardRow]] = defaultdict(list)
    for term, row in rows.items():
        shards[shard_key(term, split)].append(row)
    for key, shard_rows in shards.items():
        files.write(f"t/{key_file(key)}.json", compact_json(shard_rows))
    return split


def document_json(catalog: Catalog, d: SearchDocument) -> str:
    """``d/<id>.json`` of a document: its URL, title, type, facet labels and snippet text."""
    doc: dict[str, Any] = {"u": d.url, "t": d.title, "k": (d.type or REGISTRY[d.coll].search_type)[1]}
    for name, key in DOC_FACET_KEYS.items():
        f = FACETS[name]
        shown = [f.shown(v, catalog) for v in d.facets.get(name, [])]
        doc[key] = shown if f.many else (shown[0] if shown else None)
    doc["x"] = d.text
    return compact_json(doc)


def facet_documents(docs: list[SearchDocument]) -> dict[tuple[str, str], list[int]]:
    """(facet, value slug) -> the ids of the documents having it; the type is a facet too."""
    facet_docs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        facet_docs[(TYPE_FACET[0], (d.type or REGISTRY[d.coll].search_type)[0])].append(i)
        for name in DOC_FACET_KEYS:
            for v in d.facets.get(name, []):
                facet_docs[(name, FACETS[name].slug(v))].append(i)
    return facet_docs


def write_facets(
    files: IndexFiles, catalog: Catalog, facet_docs: dict[tuple[str, str], list[int]], n: int
) -> dict[str, list[list[Any]]]:
    """A bitset per facet value held by some document; returns the manifest's ``facets``:
    facet -> [[slug, label, count], …] in the facet's order, types in the registry's (the
    sentences of sources last)."""
    all_types = [
        t for c in REGISTRY.values() for t in (c.search_type, *([PART_TYPE] if c.result_parts else []))
    ] + [SENTENCE_TYPE]
    types = {t: None for t in all_types if facet_docs.get((TYPE_FACET[0], t[0]))}
    choices: dict[str, list[tuple[str, str]]] = {TYPE_FACET[0]: list(types)}
    for f in search_facets():
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
    return facet_values


def write_manifest(
    files: IndexFiles,
    catalog: Catalog,
    counts: tuple[int, int],
    split: set[str],
    facet_values: dict[str, list[list[Any]]],
) -> None:
    """The manifest, last: its build id digests every file written before it. ``counts``:
    (documents, id of the first sentence of a source)."""
    n, first_sentence = counts
    manifest = {
        "v": VERSION,
        "build": files.digest.hexdigest()[:12],
        "n": n,
        "cap": CAP,
        "split": "".join(sorted(split)),
        "s": first_sentence,
        "fl": [list(TYPE_FACET)] + [[f.name, f.label] for f in search_facets()],
        "voc": [[t.term, [*t.aliases, *t.includes]] for t in catalog.records.get("terms", {}).values()],
        "facets": facet_values,
    }
    files.write("manifest.json", compact_json(manifest))
