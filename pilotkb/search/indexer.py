"""Building the index: each page is segmented as it is written, and the index is written
when the build ends (``build_index``), in this process or in a second one.

The index holds only what the pages show: a page's text is read from its built HTML
(``pilotkb/search/extract.py``), a row of a shared page from its data.
"""

from __future__ import annotations

import shutil
from array import array
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pilotkb.data.catalog import Catalog
from pilotkb.search.documents import page_path, search_documents
from pilotkb.search.expand import expand_impacts, expansions
from pilotkb.search.extract import Blocks, article_html, page_blocks
from pilotkb.search.format import INDEX_DIR
from pilotkb.search.score import impacts_of, term_weights
from pilotkb.search.segment import Segmenter, data_words, text_chars
from pilotkb.search.write import IndexStats, Postings, write_index

SNIPPET_TEXT_LIMIT = 20_000  # characters of page text kept per document for snippets


class Indexer:
    """Segments each page as it is written (``add_page``) and keeps only its term weights,
    packed as arrays of term numbers and weights, so the build never holds every page's text."""

    def __init__(self, catalog: Catalog, directory_urls: bool = True):
        self.catalog = catalog
        self.docs = search_documents(catalog, directory_urls)
        self.by_url = {d.url: i for i, d in enumerate(self.docs) if d.blocks is None}
        self.seg = Segmenter(data_words(catalog), text_chars(catalog))
        self.term_ids: dict[str, int] = {}
        # per document: (term numbers, weighted counts, length); None until it is read
        self.weights: list[tuple[array, array, float] | None] = [None] * len(self.docs)

    def add_page(self, url: str, html_text: str) -> None:
        """A built page (its whole HTML); pages that are not a search document are ignored."""
        i = self.by_url.get(url)
        if i is not None:
            d = self.docs[i]
            d.title, blocks = page_blocks(html_text)
            self._add(i, blocks)

    def _add(self, i: int, blocks: Blocks) -> None:
        d, seg = self.docs[i], self.seg
        d.text = "\n".join(text for text, _ in blocks)[:SNIPPET_TEXT_LIMIT]
        body = [(t, w * bw) for text, bw in blocks for t, w in seg.terms(text)]
        tf, length = term_weights(list(seg.terms(d.title)) if d.scored_title else [], body)
        ids = self.term_ids
        terms = array("I", (ids.setdefault(t, len(ids)) for t in tf))
        self.weights[i] = (terms, array("d", tf.values()), length)

    def _add_unread(self, site_dir: Path) -> None:
        """The documents no page was given for: rows made from data, pages read from disk."""
        for i, d in enumerate(self.docs):
            if self.weights[i] is None:
                if d.blocks is None:
                    d.title, blocks = page_blocks(page_path(site_dir, d.url).read_text(encoding="utf-8"))
                else:
                    blocks, d.blocks = d.blocks, None
                self._add(i, blocks)

    def _postings(self) -> Postings:
        """Each term's (document, impact) pairs, the weights let go as they are used."""
        names = list(self.term_ids)
        # the records' average length: the many short sentences of sources would make every
        # page look long
        lengths = [w[2] for d, w in zip(self.docs, self.weights, strict=True) if w and d.scored_title]
        avg_len = sum(lengths) / max(len(lengths), 1)
        postings: Postings = defaultdict(list)
        synonyms = expansions(self.catalog, self.seg)
        for i, d in enumerate(self.docs):
            terms, values, length = self.weights[i]  # type: ignore[misc]
            self.weights[i] = None
            tf = {names[t]: v for t, v in zip(terms, values, strict=True)}
            title = d.title if d.scored_title else ""
            for t, imp in expand_impacts(impacts_of(tf, length, title, avg_len), synonyms).items():
                postings[t].append((i, max(1, round(imp * d.weight))))
        return postings

    def write(self, site_dir: Path) -> IndexStats:
        """Write the index into ``site_dir``, replacing any there."""
        out = site_dir / INDEX_DIR
        if out.exists():
            shutil.rmtree(out)
        self._add_unread(site_dir)
        return write_index(self.catalog, self.docs, self._postings(), out)


class BackgroundIndexer:
    """An ``Indexer`` in a second process (``background.Job``): each written page's article
    goes to it through a pipe, and it writes the index when the build ends."""

    def __init__(self, catalog: Catalog, directory_urls: bool, site_dir: Path):
        from pilotkb.background import Job

        self._job = Job(_index_in_background, catalog, directory_urls, site_dir, feed=True)

    def add_page(self, url: str, html_text: str) -> None:
        article = article_html(html_text, with_end_tag=True)
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
    catalog: Catalog,
    site_dir: Path,
    directory_urls: bool = True,
    indexer: Indexer | BackgroundIndexer | None = None,
) -> IndexStats:
    """Write the search index into ``site_dir`` (called after the pages are built). Pages an
    ``indexer`` was given while they were written are not read again."""
    indexer = indexer or Indexer(catalog, directory_urls)
    return indexer.write(site_dir)
