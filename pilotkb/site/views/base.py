"""What every page family shares: the generated page, and paging of long lists."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from pilotkb.analysis.changes import History
from pilotkb.analysis.history import read_history
from pilotkb.analysis.reading import SourceReading, readings
from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import FACETS, Value
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import text_page_uri
from pilotkb.publish.downloads import download_files
from pilotkb.publish.opendata import Release, data_version
from pilotkb.settings import Settings
from pilotkb.site.render import Renderer, title


@dataclass
class GeneratedPage:
    src_uri: str
    title: str  # plain text; escaped when written
    # Markdown with raw HTML blocks, or a function making it: the many record and list
    # pages are rendered only when written, so the build never holds all of them at once
    body: str | Callable[[], str]
    kind: str
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # The records the page shows, for the preview's incremental rebuild (pilotkb.mkdocs.preview):
    # the page is made again only when one of them (or a record linked to them) changes.
    # None: the page is compared by its body instead.
    inputs: tuple[tuple[str, str], ...] | None = None
    # Written after every other page: it shows what a second build process makes (sizes
    # of the downloads), so the pages before it are rendered while that process works.
    last: bool = False

    def text(self) -> str:
        """The body (rendered now if it is made on demand)."""
        return self.body() if callable(self.body) else self.body

    def front(self) -> dict[str, Any]:
        """The front matter, as the engine reads it back from ``markdown()``."""
        return {
            "title": html.escape(self.title, quote=False),
            "description": html.escape(self.description or self.title, quote=True),
            "render_macros": False,
            "kb_kind": self.kind,
            **self.meta,
        }

    def markdown(self) -> str:
        """The page as Markdown with front matter (JSON values, which are valid YAML)."""
        lines = ["---"]
        lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in self.front().items()]
        lines += ["---", "", self.text().rstrip() + "\n"]
        return "\n".join(lines)


def change_log(catalog: Catalog, settings: Settings) -> History:
    """The data file's change log over its last ``history_commits`` commits (empty, with a
    message, without git or with the setting at 0)."""
    if settings.history_commits == 0:
        return History(message="没有读取修改记录：设置 history_commits 为 0。")
    return read_history(catalog.path, settings.history_commits)


def release_of(catalog: Catalog, settings: Settings, history: History) -> Release:
    """What every download and citation states: licence, data date, data version."""
    date = settings.data_date
    if date == "git":
        date = history.head_date[:10] if history.head_date else None
    return Release(settings.licence, date or None, data_version(catalog.path))


class Publication:
    """What a build publishes beside its pages, each part made once: the data file's change
    log, the release every download and citation states, the downloads.

    A build makes the parts in its own stages and hands them in (``pilotkb.mkdocs.build``:
    the history kept from the previous preview; the downloads' sizes, when a second process
    writes them); a part not handed in is made here when first read (``pilotkb.site.pages``,
    the tests).
    """

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        *,
        history: History | None = None,
        release: Release | None = None,
        sizes: Callable[[], dict[str, int]] | None = None,
    ):
        self.cat = catalog
        self.settings = settings
        self._history, self._release = history, release
        self._sizes = sizes  # the sizes of the downloads a second process writes

    @cached_property
    def history(self) -> History:
        return self._history if self._history is not None else change_log(self.cat, self.settings)

    @cached_property
    def release(self) -> Release:
        return self._release or release_of(self.cat, self.settings, self.history)

    @cached_property
    def downloads(self) -> dict[str, bytes]:
        """The downloads this process makes, keyed by their path in the site (none when
        exports are off or a second process writes them)."""
        if not self.settings.exports or self._sizes is not None:
            return {}
        return download_files(self.cat, self.release)

    @cached_property
    def download_sizes(self) -> dict[str, int]:
        """Each download's size in bytes (the 数据下载 page shows them)."""
        if not self.settings.exports:
            return {}
        if self._sizes is not None:
            return self._sizes()
        return {path: len(content) for path, content in self.downloads.items()}


class Context:
    """One catalogue, its settings and URL style, what the build publishes beside the pages
    (``publication``), and what several families compute."""

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        directory_urls: bool = True,
        site_url: str | None = None,
        publication: Publication | None = None,
    ):
        self.cat = catalog
        self.settings = settings
        self.directory_urls = directory_urls
        self.site_url = site_url or None
        self.publication = publication or Publication(catalog, settings)
        self.renderer = Renderer(catalog, directory_urls, self.quote_target)
        self.render = self.renderer.render
        self.href = self.renderer.href

    # The families read the publication's parts as the context's.
    @property
    def history(self) -> History:
        return self.publication.history

    @property
    def release(self) -> Release:
        return self.publication.release

    @property
    def downloads(self) -> dict[str, bytes]:
        return self.publication.downloads

    @cached_property
    def readings(self) -> dict[str, SourceReading | None]:
        """Each source's text read against the quotes citing it (None: no text file)."""
        return readings(self.cat)

    def quote_target(self, source: str, quote: str) -> tuple[str, str]:
        """(page, anchor) of the sentence of its source's text where ``quote`` starts (the
        source's page, and no anchor, when it has no text)."""
        reading = self.readings.get(source)
        sentence = reading.start_of(quote) if reading else None
        if reading is None or sentence is None:
            return text_page_uri(source, 0), ""
        shown_whole = not self.cat.sources[source].text_unpublished
        page = reading.page_of(sentence.anchor) if shown_whole else 0
        return text_page_uri(source, page), sentence.anchor

    @cached_property
    def facet_values(self) -> dict[str, list[Value]]:
        """For each facet, its values with their pilots (未公开 last)."""
        return {name: f.values(self.cat) for name, f in FACETS.items()}

    @cached_property
    def facet_options(self) -> list[dict[str, Any]]:
        """Each facet, in order, with its values and their pilot counts (the filter menus)."""
        return [
            {
                "name": name,
                "label": FACETS[name].label,
                "options": [{"slug": v.slug, "label": v.shown, "n": len(v.pilots)} for v in values],
            }
            for name, values in self.facet_values.items()
        ]

    def describe(self, coll: str, rec: Any) -> str:
        summary = getattr(rec, "summary", None) or getattr(rec, "covers", None) or ""
        head = f"{REGISTRY[coll].label}：{title(coll, rec)}"
        return f"{head}。{summary}"[:150] if summary else head

    def chunks(
        self, first_uri: str, base: str, items: list[Any]
    ) -> Iterator[tuple[str, list[Any], dict[str, Any]]]:
        """(src_uri, items, pager context) for each page of at most page_size items."""
        size = self.settings.page_size
        parts = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        uris = [first_uri if n == 1 else f"{base}/{n}.md" for n in range(1, len(parts) + 1)]
        for n, (here, part) in enumerate(zip(uris, parts, strict=True), start=1):
            pager = Pager(n, len(uris), partial(_link, self.href, here, uris))
            yield here, part, {"page": n, "pages": len(uris), "pager": pager}


def _link(href: Callable[[str, str], str], here: str, uris: list[str], n: int) -> str:
    return href(here, uris[n - 1])


# Pages a pager links on each side of the current one (besides the first and the last).
NEIGHBOURS = 1


@dataclass(frozen=True)
class Pager:
    """Page ``page`` (from 1) of a list of ``pages`` pages, and ``link(n)``: the address of page
    ``n`` from this one. A windowed pager (macro ``pager`` in ``_macros.j2``): it links the
    pages before and after this one, the first and the last, and NEIGHBOURS pages on each side,
    with a gap (…) for the others, so that it is the same size on page 2 of 3 as on page 150
    of 200 and fits a phone's width. Links are made when the page is rendered."""

    page: int
    pages: int
    link: Callable[[int], str]

    def numbers(self) -> list[int | None]:
        """The page numbers to show, in order, None for a gap of two pages or more (a gap of
        one page shows that page: the mark would take as much room)."""
        near = range(self.page - NEIGHBOURS, self.page + NEIGHBOURS + 1)
        shown = sorted({1, self.pages, *(n for n in near if 1 <= n <= self.pages)})
        out: list[int | None] = []
        for before, n in zip([0, *shown], shown, strict=False):
            if n - before == 2 and before:
                out.append(n - 1)
            elif n - before > 2 and before:
                out.append(None)
            out.append(n)
        return out


def paged_title(title: str, page: int) -> str:
    return title if page == 1 else f"{title}（第 {page} 页）"
