"""The context every page family reads: one build's catalogue, settings, URL style and
publication, and what the build computes once (``Context.once``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

from pilotkb.analysis.changes import History
from pilotkb.analysis.reading import SourceReading, readings
from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import FACETS, Value
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import text_page_uri
from pilotkb.publish.opendata import Release
from pilotkb.publish.publication import Publication
from pilotkb.settings import Settings
from pilotkb.site.charts import Chart
from pilotkb.site.render import Renderer, title
from pilotkb.site.views.paging import Pager

T = TypeVar("T")


class Context:
    """One build's catalogue, its settings and URL style, what the build publishes beside
    the pages (``publication``), and what the build computes once (``once``)."""

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
        # What is computed once for this build, by the function that makes it (``once``).
        self.made: dict[Callable[[Context], Any], Any] = {}
        # Adopts what a second process is making (``memo.adopt_when_asked``); None: nothing awaited.
        self.awaiting: Callable[[], None] | None = None
        # Charts drawn as SVG by a second process, used instead of drawing (``memo.adopt``).
        self.drawings: dict[Chart, str] = {}

    def once(self, make: Callable[[Context], T]) -> T:
        """``make(self)``, computed once per build: the one place a build keeps what several
        pages and files share (a preview rebuild makes a new Context, so nothing outlives it)."""
        if make not in self.made:
            self.made[make] = make(self)
        return self.made[make]

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

    @property
    def readings(self) -> dict[str, SourceReading | None]:
        """Each source's text read against the quotes citing it (None: no text file)."""
        return self.once(_readings)

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

    @property
    def facet_values(self) -> dict[str, list[Value]]:
        """For each facet, its values with their pilots (未公开 last)."""
        return self.once(_facet_values)

    @property
    def facet_options(self) -> list[dict[str, Any]]:
        """Each facet, in order, with its values and their pilot counts (the filter menus)."""
        return self.once(_facet_options)

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


def _readings(ctx: Context) -> dict[str, SourceReading | None]:
    return readings(ctx.cat)


def _facet_values(ctx: Context) -> dict[str, list[Value]]:
    return {name: f.values(ctx.cat) for name, f in FACETS.items()}


def _facet_options(ctx: Context) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": FACETS[name].label,
            "options": [{"slug": v.slug, "label": v.shown, "n": len(v.pilots)} for v in values],
        }
        for name, values in ctx.facet_values.items()
    ]
