"""How a build with good data makes what is not a page, one class per way, chosen once
(``choose``) when the build starts:

- ``InOneProcess`` (``Mode`` as it is): the downloads before the pages, the search index
  from the pages as they are written, all in this process (``mkdocs serve``; ``mkdocs
  build`` without ``workers``);
- ``WithSecondProcesses``: the same files made by second processes while this one renders
  the pages (``mkdocs build``, ``pilotkb.mkdocs.workers``);
- ``FirstPreview``: as ``InOneProcess``, keeping what the next preview rebuild compares with;
- ``PreviewRebuild``: reuses the previous preview build: its history (when no commit was
  made since), downloads and search index; remakes only the pages whose inputs changed.

Serving data that does not pass the check is not a mode of this build but another object,
``pilotkb.mkdocs.errorpage.ErrorSite``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from pilotkb.analysis.git import head_commit
from pilotkb.analysis.history import History
from pilotkb.data.catalog import Catalog
from pilotkb.mkdocs import workers
from pilotkb.mkdocs.preview import Preview, RecordKey, digest
from pilotkb.mkdocs.session import Session
from pilotkb.mkdocs.structure import RemadeFile, SiteFile
from pilotkb.mkdocs.timing import StageTimes
from pilotkb.mkdocs.workers import reported
from pilotkb.publish.publication import Publication, change_log, release_of
from pilotkb.settings import Settings
from pilotkb.site.views import GeneratedPage, Views
from pilotkb.site.views.context import Context

log = logging.getLogger("mkdocs.plugins.pilotkb")
EXPORTS = "exports (JSON, CSV, XLSX, SQLite …)"


class Mode:
    """How a build makes what is not a page; as defined here, everything in this process:
    the downloads before the pages (as MkDocs files), the search index from the pages as they
    are written. Each other mode changes only what it does differently."""

    def __init__(self, catalog: Catalog, settings: Settings, config: MkDocsConfig, times: StageTimes):
        self.catalog, self.settings, self.config, self.times = catalog, settings, config, times
        self.downloads: list[str] = []  # the download files' paths in the site

    def history(self, data_path: Path) -> History:
        return change_log(self.catalog, self.settings)

    def publication(self, history: History) -> Publication:
        with self.times.time(EXPORTS):
            publication = Publication(self.catalog, self.settings, history=history)
            self.downloads = list(publication.downloads)
            return publication

    def views_made(self, views: Views) -> None:
        """Called while MkDocs empties the site and reads docs/."""

    def before_page_list(self) -> None:
        pass

    def remakes(self, page: GeneratedPage) -> bool:
        """Whether the page is made again (a full build makes every page)."""
        return True

    def after_page_list(self) -> None:
        pass

    def search_index(self, ctx: Context) -> workers.SearchIndex | workers.NoSearchIndex:
        if not self.settings.search:
            return workers.NoSearchIndex()
        return workers.SearchIndex(self.catalog, self.config, self.times, ctx, in_second_process=False)

    def data_files(self, views: Views) -> list[File]:
        """The list data, charts, feeds and downloads as MkDocs files."""
        return [self.file(uri, content) for uri, content in views.files(downloads=True).items()]

    def site_files(self, files: Files) -> Files:
        return files

    def log_remade(self, remade: list[str], pages: int) -> None:
        pass

    def rendered(self, page: GeneratedPage, body: str) -> None:
        pass

    def wait_for_downloads(self) -> None:
        pass

    def keep(self, session: Session, pages: dict[str, GeneratedPage], history: History) -> None:
        """What the next preview rebuild compares with (nothing: no preview follows)."""

    def file(self, uri: str, content: str | bytes) -> SiteFile:
        return SiteFile.generated(self.config, uri, content=content)


class InOneProcess(Mode):
    """``mkdocs build`` without ``workers`` (or where ``fork`` is missing), ``mkdocs serve``
    without ``--dirty``."""


class WithSecondProcesses(Mode):
    """The downloads and the search index made by second processes while this one renders
    the pages, and what needs a heavy engine (charts, statistics, pinyin) before them."""

    downloads_process: workers.DownloadsProcess | None = None  # None: exports off
    engine_processes: workers.EngineProcesses

    def publication(self, history: History) -> Publication:
        if not self.settings.exports:
            return super().publication(history)
        release = release_of(self.catalog, self.settings, history)
        self.downloads_process = workers.DownloadsProcess(self.catalog, release)
        self.downloads = self.downloads_process.paths
        sizes = self.downloads_process.sizes
        return Publication(self.catalog, self.settings, history=history, release=release, sizes=sizes)

    def views_made(self, views: Views) -> None:
        self.engine_processes = workers.EngineProcesses(views.ctx)

    def before_page_list(self) -> None:
        self.engine_processes.next()  # the next engine's process, once the first has ended

    def after_page_list(self) -> None:
        """The engines' processes ended before the downloads' starts (their memory is never
        held at once); the downloads' started once MkDocs has emptied the site."""
        reported(self.engine_processes.finish)
        if self.downloads_process is not None:
            with self.times.time(EXPORTS):
                self.downloads_process.start(Path(self.config.site_dir))

    def search_index(self, ctx: Context) -> workers.SearchIndex | workers.NoSearchIndex:
        if not self.settings.search:
            return workers.NoSearchIndex()
        return workers.SearchIndex(self.catalog, self.config, self.times, ctx, in_second_process=True)

    def data_files(self, views: Views) -> list[File]:
        """As in one process; the downloads named now (links to them are checked) and
        written by their process after the pages."""
        files = super().data_files(views)
        for uri in self.downloads:
            file = self.file(uri, b"")
            file.written_later = True
            files.append(file)
        return files

    def wait_for_downloads(self) -> None:
        if self.downloads_process is not None:
            with self.times.time("exports: waiting for the second process"):
                reported(self.downloads_process.sizes)


class FirstPreview(Mode):
    """The first build of ``make serve``: made in one process, and kept (``Preview``) for
    the next rebuild to compare with."""

    def __init__(self, catalog: Catalog, settings: Settings, config: MkDocsConfig, times: StageTimes):
        super().__init__(catalog, settings, config, times)
        self.history_key: str | None = None  # the commit the history was read at
        self.bodies: dict[str, str] = {}  # digests of the bodies of pages compared by body

    def history(self, data_path: Path) -> History:
        self.history_key = head_commit(data_path.parent)
        return super().history(data_path)

    def site_files(self, files: Files) -> Files:
        """Hand-written pages made again: they may show the catalogue's numbers."""
        return Files(RemadeFile.like(f) if _hand_written_page(f) else f for f in files)

    def rendered(self, page: GeneratedPage, body: str) -> None:
        if page.inputs is None:
            self.bodies[page.src_uri] = digest(body)

    def keep(self, session: Session, pages: dict[str, GeneratedPage], history: History) -> None:
        session.previous = Preview(
            self.catalog,
            pages,
            self.bodies,
            history_key=self.history_key,
            history=history,
            downloads=self.downloads,
        )


class PreviewRebuild(FirstPreview):
    """A ``make serve`` rebuild: the pages whose inputs changed made again; the history (when
    no commit was made since), downloads and search index kept as the previous build made
    them."""

    def __init__(
        self, catalog: Catalog, settings: Settings, config: MkDocsConfig, times: StageTimes, previous: Preview
    ):
        super().__init__(catalog, settings, config, times)
        self.previous: Preview | None = previous  # let go once the page list is made
        self.downloads = previous.downloads  # left in the site as the first build made them
        self.changed: set[RecordKey] = set()
        self.affected: set[RecordKey] = set()  # the changed records and those linked to them

    def the_previous(self) -> Preview:
        assert self.previous is not None, "used only until the page list is made"
        return self.previous

    def history(self, data_path: Path) -> History:
        self.history_key = head_commit(data_path.parent)
        kept = self.the_previous().history_for(self.history_key)
        return kept if kept is not None else change_log(self.catalog, self.settings)

    def publication(self, history: History) -> Publication:
        return Publication(self.catalog, self.settings, history=history)

    def before_page_list(self) -> None:
        with self.times.time("preview: what changed"):
            self.changed = self.the_previous().changed_records(self.catalog)
            self.affected = self.the_previous().affected(self.changed, self.catalog)

    def remakes(self, page: GeneratedPage) -> bool:
        return self.the_previous().remake(page, self.affected, self.bodies)

    def after_page_list(self) -> None:
        self.previous = None  # its catalogue is let go before the pages are rendered

    def search_index(self, ctx: Context) -> workers.NoSearchIndex:
        return workers.NoSearchIndex()

    def data_files(self, views: Views) -> list[File]:
        files: list[File] = [self.file(uri, content) for uri, content in views.files(downloads=False).items()]
        for uri in self.downloads:  # pages still link to them
            file = self.file(uri, b"")
            file.unchanged = True
            files.append(file)
        return files

    def log_remade(self, remade: list[str], pages: int) -> None:
        log.info(
            "pilotkb: preview: remade %d of %d generated pages (%d records changed); "
            "downloads and search index as of the first build",
            len(remade),
            pages,
            len(self.changed),
        )
        more = " …" if len(remade) > 50 else ""
        log.info("pilotkb: preview pages remade: %s", " ".join(remade[:50]) + more)


def choose(
    session: Session,
    previous: Preview | None,
    catalog: Catalog,
    settings: Settings,
    config: MkDocsConfig,
    times: StageTimes,
) -> Mode:
    """The way this build makes what is not a page, chosen once."""
    if previous is not None:
        return PreviewRebuild(catalog, settings, config, times, previous)
    if session.previewing:
        return FirstPreview(catalog, settings, config, times)
    if workers.in_parallel(settings, session.serving):
        return WithSecondProcesses(catalog, settings, config, times)
    return InOneProcess(catalog, settings, config, times)


def _hand_written_page(file: File) -> bool:
    return file.is_documentation_page() and not file.generated_by
