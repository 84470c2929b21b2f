"""The search index and the downloads: made beside the pages.

Under ``mkdocs build`` (``workers`` on, where ``fork`` exists) each is made by a second
process while this one renders the pages (``pilotkb.background``): the search index is fed
each page as it is written and written once every page is; the downloads are made from the
catalogue and written into the site by their process, which then ends. Otherwise the index
is made in this process from the pages as they are written, and the downloads before them,
as MkDocs files. Either way the files are the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from pilotkb import background
from pilotkb.data.catalog import Catalog
from pilotkb.publish.downloads import download_paths, write_downloads
from pilotkb.publish.opendata import Release
from pilotkb.settings import Settings
from pilotkb.site.views.base import Context
from pilotkb.site.views.memo import ENGINES, PINYIN, STATISTICS, adopt_awaited, adopt_when_asked, prepare

# Each second process's name (/proc/PID/comm, ``ps``; scripts/bench reports memory by it).
PROCESS_NAMES = {PINYIN: "kb-pinyin", STATISTICS: "kb-charts"}


def in_parallel(settings: Settings, serving: bool) -> bool:
    """Whether this build hands work to second processes (never while serving: forking the
    server's threads is unsafe, and the preview does not remake these files anyway)."""
    return not serving and settings.workers and background.available()


class DownloadsElsewhere:
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


class PreparedElsewhere:
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


def start_index(catalog: Catalog, config: MkDocsConfig, parallel: bool, ctx: Context) -> Any:
    """The search indexer fed each page as it is written (in a second process if parallel),
    given the titles' pinyin that ``kb-pinyin`` made (``glossary.search_readings``)."""
    from pilotkb.search import BackgroundIndexer, Indexer
    from pilotkb.site.views.glossary import search_readings

    args = (catalog, config.use_directory_urls, Path(config.site_dir), search_readings(ctx))
    return BackgroundIndexer(*args) if parallel else Indexer(*args)


def write_index(catalog: Catalog, config: MkDocsConfig, indexer: Any) -> None:
    """The search index, from the pages the indexer was given, written into the site."""
    from pilotkb.search import build_index

    build_index(catalog, Path(config.site_dir), config.use_directory_urls, indexer)
