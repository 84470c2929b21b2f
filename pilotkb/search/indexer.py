"""Building the index: each page is segmented as it is written (its document file written
then), and the rest of the index is written when the build ends (``build_index``), in this
process or in a second one.

The index holds only what the pages show: a page's text is read from its built HTML
(``pilotkb/search/extract.py``), a row of a shared page from its data.
"""

from __future__ import annotations

import pickle
import shutil
from array import array
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from pilotkb.data.catalog import Catalog
from pilotkb.search.documents import page_path, page_urls, search_documents
from pilotkb.search.expand import expand_impacts, expansions
from pilotkb.search.extract import Blocks, article_html, page_blocks
from pilotkb.search.forgive import Readings, forgiving_files, readings
from pilotkb.search.format import INDEX_DIR
from pilotkb.search.score import impacts_of, term_weights
from pilotkb.search.segment import Segmenter, data_words, text_chars
from pilotkb.search.write import IndexFiles, IndexStats, PackedPostings, document_json, finish_index

if TYPE_CHECKING:
    from pilotkb.background import Inbox

SNIPPET_TEXT_LIMIT = 20_000  # characters of page text kept per document for snippets
IDLE_ROWS = 100  # documents made from data read at a time while no page is waiting


class Indexer:
    """Segments each page as it is written (``add_page``), writes its document file and keeps
    only its term weights, packed as arrays of term numbers and weights, so the build never
    holds every page's text. The documents made from data are read when there is time
    (``add_rows``), or at the end."""

    def __init__(self, catalog: Catalog, directory_urls: bool, site_dir: Path, read: Readings | None = None):
        self.catalog = catalog
        self.read = read  # the titles' and names' pinyin (forgive.py); made at the end if None
        self.docs = search_documents(catalog, directory_urls)
        self.by_url = {d.url: i for i, d in enumerate(self.docs) if d.blocks is None}
        self.seg: Segmenter | None = Segmenter(data_words(catalog), text_chars(catalog))
        self.term_ids: dict[str, int] = {}
        # per document: (term numbers, weighted counts, length); None until it is read
        self.weights: list[tuple[array, array, float] | None] = [None] * len(self.docs)
        out = site_dir / INDEX_DIR
        if out.exists():
            shutil.rmtree(out)
        self.files = IndexFiles(out, len(self.docs))
        self._rows = (i for i, d in enumerate(self.docs) if d.blocks is not None)

    def add_rows(self, limit: int | None = None) -> bool:
        """Read up to ``limit`` (default all) of the documents made from data; whether any may
        be left."""
        n = 0
        for i in islice(self._rows, limit):
            blocks, self.docs[i].blocks = self.docs[i].blocks, None
            self._add(i, blocks or [])
            n += 1
        return limit is not None and n == limit

    def add_page(self, url: str, html_text: str) -> None:
        """A built page (its whole HTML, or its article); pages that are not a search document
        are ignored."""
        i = self.by_url.get(url)
        if i is not None:
            d = self.docs[i]
            d.title, blocks = page_blocks(html_text)
            self._add(i, blocks)

    def _add(self, i: int, blocks: Blocks) -> None:
        d, seg = self.docs[i], self.seg
        assert seg is not None, "a page after the index was written"
        d.text = "\n".join(text for text, _ in blocks)[:SNIPPET_TEXT_LIMIT]
        self.files.write_document(i, document_json(self.catalog, d))
        d.text = ""  # written
        body = [(t, w * bw) for text, bw in blocks for t, w in seg.terms(text)]
        tf, length = term_weights(list(seg.terms(d.title)) if d.scored_title else [], body)
        ids = self.term_ids
        terms = array("I", (ids.setdefault(t, len(ids)) for t in tf))
        self.weights[i] = (terms, array("d", tf.values()), length)

    def _add_unread(self, site_dir: Path) -> None:
        """The pages no one gave: read from disk."""
        for i, d in enumerate(self.docs):
            if self.weights[i] is None:
                d.title, blocks = page_blocks(page_path(site_dir, d.url).read_text(encoding="utf-8"))
                self._add(i, blocks)

    def _postings(self) -> tuple[PackedPostings, dict[str, str]]:
        """Each term's (document, impact) pairs, the weights let go as they are used; and the
        files for forgiving queries (``forgive.py``), made while the segmenter is here."""
        names = list(self.term_ids)
        # the records' average length: the many short sentences of sources would make every
        # page look long
        lengths = [w[2] for d, w in zip(self.docs, self.weights, strict=True) if w and d.scored_title]
        avg_len = sum(lengths) / max(len(lengths), 1)
        postings = PackedPostings()
        assert self.seg is not None
        synonyms = expansions(self.catalog, self.seg)
        terms = set(names).union(*synonyms.values())
        chars = {c for t in terms for c in t}
        extra = forgiving_files(self.read or readings(self.catalog), self.seg, terms, chars)
        self.seg = None  # its dictionary: no text is cut after this
        for i, d in enumerate(self.docs):
            terms, values, length = self.weights[i]  # type: ignore[misc]
            self.weights[i] = None
            tf = {names[t]: v for t, v in zip(terms, values, strict=True)}
            title = d.title if d.scored_title else ""
            impacts = expand_impacts(impacts_of(tf, length, title, avg_len), synonyms)
            if d.weight != 1:
                impacts = {t: max(1, round(imp * d.weight)) for t, imp in impacts.items()}
            postings.add(i, impacts)
        return postings, extra

    def write(self, site_dir: Path) -> IndexStats:
        """Write the rest of the index into ``site_dir`` (the one it was made for)."""
        self.add_rows()
        self._add_unread(site_dir)
        postings, extra = self._postings()
        return finish_index(self.files, self.catalog, self.docs, postings, extra)


class BackgroundIndexer:
    """An ``Indexer`` in a second process (``background.Job``): the article of each written
    page that is a search document goes to it through a pipe, a batch of pages at a time,
    and it writes the index when the build ends."""

    BATCH = 1 << 16  # characters of articles sent at once: few messages, each read in one go

    def __init__(self, catalog: Catalog, directory_urls: bool, site_dir: Path, read: Readings | None = None):
        from pilotkb.background import Job

        args = (catalog, directory_urls, site_dir, read)
        self._job = Job(_index_in_background, *args, feed=True, name="kb-search")
        self._wanted = page_urls(catalog, directory_urls)
        self._batch: list[tuple[str, str]] = []
        self._size = 0

    def add_page(self, url: str, html_text: str) -> None:
        if url in self._wanted:
            article = article_html(html_text, with_end_tag=True)
            self._batch.append((url, article))
            self._size += len(article)
            if self._size >= self.BATCH:
                self._send()

    def _send(self) -> None:
        if self._batch:
            self._job.send(pickle.dumps(self._batch, protocol=pickle.HIGHEST_PROTOCOL))
            self._batch, self._size = [], 0

    def write(self, site_dir: Path) -> IndexStats:
        self._send()
        return self._job.result()


def _index_in_background(
    catalog: Catalog, directory_urls: bool, site_dir: Path, read: Readings | None, inbox: Inbox
) -> IndexStats:
    indexer = Indexer(catalog, directory_urls, site_dir, read)
    # the documents made from data are read while no page is waiting
    for message in inbox.each(idle=lambda: indexer.add_rows(IDLE_ROWS)):
        for url, article in pickle.loads(message):
            indexer.add_page(url, article)
    return indexer.write(site_dir)


def build_index(
    catalog: Catalog,
    site_dir: Path,
    directory_urls: bool = True,
    indexer: Indexer | BackgroundIndexer | None = None,
) -> IndexStats:
    """Write the search index into ``site_dir`` (called after the pages are built). Pages an
    ``indexer`` was given while they were written are not read again."""
    indexer = indexer or Indexer(catalog, directory_urls, site_dir)
    return indexer.write(site_dir)
