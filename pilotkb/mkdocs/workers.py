"""The search index and the downloads: made beside the pages.

Under ``mkdocs build`` (``workers`` on, where ``fork`` exists) each is made by a second
process while this one renders the pages (``pilotkb.background``): the search index is fed
each page as it is written and written once every page is; the downloads are made from the
catalogue and written into the site by their process, which then ends. Otherwise the index
is made in this process from the pages as they are written, and the downloads before them,
as MkDocs files. Either way the files are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from pilotkb import background
from pilotkb.data.catalog import Catalog
from pilotkb.errors import DataError
from pilotkb.mkdocs.timing import StageTimes
from pilotkb.publish.downloads import download_paths, write_downloads
from pilotkb.publish.opendata import Release
from pilotkb.settings import Settings
from pilotkb.site.views.context import Context
from pilotkb.site.views.memo import ENGINES, PINYIN, STATISTICS, adopt_awaited, adopt_when_asked, prepare

# Each second process's name (/proc/PID/comm, ``ps``; scripts/bench reports memory by it).
PROCESS_NAMES = {PINYIN: "kb-pinyin", STATISTICS: "kb-charts"}
INDEX = "search index"  # the stage's name in the stage times
T = TypeVar("T")


def reported(make: Callable[[], T]) -> T:
    """``make()``, its data error a build error with the same messages (no traceback)."""
    try:
        return make()
    except DataError as exc:
        raise PluginError(exc.report()) from None


def in_parallel(settings: Settings, serving: bool) -> bool:
    """Whether this build hands work to second processes (never while serving: forking the
    server's threads is unsafe, and the preview does not remake these files anyway)."""
    return not serving and settings.workers and background.available()


class DownloadsProcess:
    """The downloads, made and written into the site by a second process while the pages
    render: this process names them to MkDocs (``paths``) and holds only their sizes."""

    def __init__(self, catalog: Catalog, release: Release):
        self.catalog, self.release = catalog, release
        self.paths = download_paths(catalog)
        self._job: background.Job | None = None

    def start(self, site_dir: Path) -> None:
        """Started once MkDocs has emptied the site folder (on_files)."""
        self._job = background.Job(write_downloads, self.catalog, self.release, site_dir, name="kb-downloads")

    def sizes(self) -> dict[str, int]:
        """Each download's size, once the second process has written them all (waits)."""
        assert self._job is not None, "start first"
        return self._job.result()


class EngineProcesses:
    """What needs a heavy engine (pypinyin's order, pandas' statistics, Vega's charts: see
    ``pilotkb.site.views.memo``), made by short-lived second processes, one engine after the
    other, so that the process that renders the pages never loads those engines."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._engines = list(ENGINES)
        self._job: background.Job | None = None
        self.next()

    def next(self) -> None:
        """The current engine's results adopted (waits for them), the next engine started:
        its results are adopted when a page first asks for one (``memo.adopt_when_asked``)."""
        adopt_awaited(self.ctx)  # the current engine's, unless a page asked for them already
        if self._engines:
            engine = self._engines.pop(0)
            self._job = background.Job(prepare, self.ctx, engine, name=PROCESS_NAMES[engine])
            adopt_when_asked(self.ctx, self._job.result)
        else:
            self._job = None

    def finish(self) -> None:
        """Every engine's results made and adopted; no second process left running."""
        while self._job is not None:
            self.next()


class SearchIndex:
    """The search index: fed each page as it is written, written once every page is (by a
    second process when ``in_second_process``), given the titles' pinyin that ``kb-pinyin``
    made (``glossary.search_readings``)."""

    def __init__(
        self, catalog: Catalog, config: MkDocsConfig, times: StageTimes, ctx: Context, in_second_process: bool
    ):
        from pilotkb.search import BackgroundIndexer, Indexer
        from pilotkb.site.views.glossary import search_readings

        self.catalog, self.config, self.times = catalog, config, times
        kind = BackgroundIndexer if in_second_process else Indexer
        with times.time(INDEX):
            site = Path(config.site_dir)
            self.indexer: Any = kind(catalog, config.use_directory_urls, site, search_readings(ctx))

    def add_page(self, url: str, html: str) -> None:
        with self.times.time(INDEX):
            self.indexer.add_page(url, html)

    def write(self) -> None:
        """The index, from the pages it was given, written into the site."""
        from pilotkb.search import build_index

        site = Path(self.config.site_dir)
        with self.times.time(INDEX):
            reported(lambda: build_index(self.catalog, site, self.config.use_directory_urls, self.indexer))


class NoSearchIndex:
    """No search index: ``search`` off, or a preview rebuild (the first build's stays)."""

    def add_page(self, url: str, html: str) -> None:
        pass

    def write(self) -> None:
        pass
