"""One MkDocs build of the site, in named stages, with all its state in one ``Build``.

``hooks/kb.py`` hands MkDocs' events to ``pilotkb.mkdocs.events``, which finds the build of
the configuration and calls one stage of it:

- ``on_config``: ``start``: settings → catalogue (load + validate) → publication (history,
  exports; the open data handed to a second process) → views;
- ``on_files``: ``add_files``: the page list (generated pages, as MkDocs files and pages; under
  the preview, which to make again), then the list data, charts, feeds and downloads;
- ``on_page_context`` / ``on_post_page``: ``render`` / ``written``: each generated page
  rendered just before the theme writes it, then handed to the search index;
- ``on_post_build``: ``finish``: open data and search index written, stage times, .gz copies.

Bad settings or data raise ``PluginError`` with the line-numbered messages (no traceback),
except while serving: then ``error`` holds them and every page is the error page
(``pilotkb.mkdocs.errorpage``).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from pilotkb import load_catalog
from pilotkb.analysis.git import head_commit
from pilotkb.analysis.history import History
from pilotkb.data.catalog import Catalog
from pilotkb.errors import DataError
from pilotkb.mkdocs import shim, workers
from pilotkb.mkdocs.errorpage import error_files
from pilotkb.mkdocs.preview import Preview, RecordKey, digest
from pilotkb.mkdocs.session import Session
from pilotkb.mkdocs.structure import GeneratedDocPage, RemadeFile, SiteFile, fast_markdown
from pilotkb.mkdocs.timing import THROUGH_MARKDOWN, StageTimes
from pilotkb.settings import Settings
from pilotkb.site import pageload, themecache
from pilotkb.site.render import COMPILED
from pilotkb.site.views import Publication, Views
from pilotkb.site.views import feeds as feed_view
from pilotkb.site.views.base import change_log, release_of

log = logging.getLogger("mkdocs.plugins.pilotkb")
T = TypeVar("T")


class Build:
    """Everything one build computes and keeps, from its configuration to its last file."""

    def __init__(self, config: MkDocsConfig, session: Session):
        self.config = config
        self.session = session
        self.times = StageTimes()
        raw = config.extra.get("kb")
        data = raw.get("data") if isinstance(raw, dict) else None
        self.root = Path(config.config_file_path).resolve().parent
        self.data_path = self.root / (data if isinstance(data, str) else Settings.data)  # watched
        self.error: str | None = None  # the messages, while serving bad settings or data
        self.settings = Settings()
        self._catalog: Catalog | None = None
        self.views: Views | None = None  # None: bad settings or data
        self.previous: Preview | None = session.take_previous()  # what the preview compares with
        self.history_key: str | None = None  # the commit the history was read at (preview)
        self.parallel = False  # search index and open data made by second processes
        self.elsewhere: workers.DownloadsElsewhere | None = None  # downloads a second process writes
        self.preparing: workers.PreparedElsewhere | None = None  # charts, statistics (second process)
        self.pages: dict[str, GeneratedDocPage] = {}  # generated pages by src_uri, bodies on demand
        self.bodies: dict[str, str] = {}  # digests of bodies compared by body (preview only)
        self.downloads: list[str] = []  # the download files' paths in the site
        self.indexer: Any = None  # the search indexer, fed each page as it is written
        self.files: Files | None = None  # the site's files (a Markdown render needs them)
        self.nav: Navigation | None = None
        self.fast = fast_markdown(config)
        self.pages_started: float | None = None

    # --- on_config: settings → catalogue → publication → views ---------------------------

    def start(self) -> Build:
        """on_config: settings → catalogue → publication → views."""
        # A preview rebuild makes a whole new catalogue beside the previous one (millions of
        # objects); the cyclic collector would walk both several times while the reader waits
        # (about a second at 10,000 pilots). It is off until the rebuild is done (finish).
        gc.enable()
        if self.previous is not None:
            gc.disable()
        if self.read_settings() and self.read_catalogue():
            self.views = Views(
                self.catalog,
                self.settings,
                self.config.use_directory_urls,
                self.config.site_url,
                self.publish(),
            )
            if self.parallel:  # while MkDocs empties the site and reads docs/
                self.preparing = workers.PreparedElsewhere(self.views.ctx)
        return self

    def read_settings(self) -> bool:
        raw = self.config.extra.get("kb")
        try:
            self.settings = Settings.from_mapping(raw, str(self.config.config_file_path))
        except DataError as exc:
            return self.fail("设置有误，构建已停止：\n" + exc.report())
        self.data_path = self.root / self.settings.data
        self.edit_button()
        return True

    def edit_button(self) -> None:
        """Material's edit button on the hand-written pages: MkDocs' ``edit_uri``, made from
        the repository's address (generated pages have none; record pages link to the data
        file themselves). ``repo_url`` stays unset: Material would fetch the repository's star
        and fork counts from the forge's API on every page, a request that leaves the site."""
        forge = self.settings.forge
        docs = Path(self.config.docs_dir).resolve()
        if forge is not None and docs.is_relative_to(self.root):  # mkdocs.yml: the repository's top
            self.config.edit_uri = forge.edit(docs.relative_to(self.root).as_posix() + "/")

    def read_catalogue(self) -> bool:
        try:
            with self.times.time("load + validate"):
                self._catalog = load_catalog(self.data_path)
        except DataError as exc:
            return self.fail("数据校验未通过，构建已停止：\n" + exc.report())
        return True

    @property
    def catalog(self) -> Catalog:
        assert self._catalog is not None, "read_catalogue first"
        return self._catalog

    def fail(self, message: str) -> bool:
        if not self.session.serving:
            raise PluginError(message)
        self.error = message
        log.info("pilotkb: %s", message)  # not a warning: `serve --strict` would stop
        return False

    def publish(self) -> Publication:
        """The change log, and the downloads: made here before the pages, by a second process
        while they render, or (preview) kept as the first build made them."""
        with self.times.time("history (git)"):
            history = self.read_history()
        if self.previous is not None:
            return Publication(self.catalog, self.settings, history=history)
        self.parallel = workers.in_parallel(self.settings, self.session.serving)
        if self.parallel and self.settings.exports:  # made once MkDocs has emptied the site
            release = release_of(self.catalog, self.settings, history)
            self.elsewhere = workers.DownloadsElsewhere(self.catalog, release)
            return Publication(
                self.catalog, self.settings, history=history, release=release, sizes=self.elsewhere.sizes
            )
        with self.times.time("exports (JSON, CSV, XLSX, SQLite …)"):
            publication = Publication(self.catalog, self.settings, history=history)
            self.downloads = list(publication.downloads)
            return publication

    def read_history(self) -> History:
        """The data file's change log; the preview reads it again only after a commit."""
        if self.session.previewing:
            self.history_key = head_commit(self.data_path.parent)
            kept = self.previous.history_for(self.history_key) if self.previous is not None else None
            if kept is not None:
                return kept
        # a mistake in commit-notes.yaml stops the build at its line, as the data file's do
        return _reported(lambda: change_log(self.catalog, self.settings))

    # --- on_files: the page list, then the other files -----------------------------------

    def add_files(self, files: Files) -> Files:
        """on_files: the page list, then the other files (or, on bad data while serving,
        every page the error page)."""
        if self.views is None:
            return error_files(files, self.config, self.error or "", self.session.last_pages)
        if self.preparing is not None:  # the next engine's process, once the first has ended
            self.preparing.next()
        changed, affected = self.what_changed()
        remade = self.page_list(files, self.views, affected)
        if self.preparing is not None:  # ended before the other second processes start
            _reported(self.preparing.finish)
            self.preparing = None
        if self.elsewhere is not None:
            with self.times.time("exports (JSON, CSV, XLSX, SQLite …)"):
                self.elsewhere.start(Path(self.config.site_dir))
        if self.settings.search and self.previous is None:
            with self.times.time("search index"):
                assert self.views is not None
                self.indexer = workers.start_index(self.catalog, self.config, self.parallel, self.views.ctx)
        self.add_data_files(files, self.views)
        if self.session.previewing:  # hand-written pages may show the catalogue's numbers
            files = Files(RemadeFile.like(f) if _hand_written_page(f) else f for f in files)
        self.log_pages(changed, remade)
        self.previous = None  # its catalogue is let go before the pages are rendered
        self.files = files
        self.pages_started = time.perf_counter()
        return files

    def what_changed(self) -> tuple[set[RecordKey], set[RecordKey]]:
        """(changed records, records whose pages show them) since the previous preview."""
        if self.previous is None:
            return set(), set()
        with self.times.time("preview: what changed"):
            changed = self.previous.changed_records(self.catalog)
            return changed, self.previous.affected(changed, self.catalog)

    def page_list(self, files: Files, views: Views, affected: set[RecordKey]) -> list[str]:
        """Each generated page as a MkDocs file with its page (the body made when written);
        the pages marked ``last`` after the others. Returns the pages the preview remakes."""
        titles = shim.nav_titles(self.config)
        remade: list[str] = []
        first: list[GeneratedDocPage] = []
        last: list[GeneratedDocPage] = []
        with self.times.time("page list"):
            for page in views.pages():
                existing = files.get_file_from_path(page.src_uri)
                if existing is not None and not existing.generated_by:
                    raise PluginError(
                        f"docs/{page.src_uri} 与自动生成的页面同名；请改名或删除该文件（生成的页面不写入 docs/）"
                    )
                file = SiteFile.generated(self.config, page.src_uri, content="")
                if self.previous is not None:
                    file.unchanged = not self.previous.remake(page, affected, self.bodies)
                    if not file.unchanged:
                        remade.append(page.src_uri)
                made = GeneratedDocPage(titles.get(page.src_uri), file, self.config, page)
                (last if page.last else first).append(made)
            for made in first + last:
                files.append(made.file)
                self.pages[made.file.src_uri] = made
        self.session.last_pages[:] = list(self.pages)
        return remade

    def add_data_files(self, files: Files, views: Views) -> None:
        """The list data, charts and feeds, and the downloads: made here; named now and
        written after the pages (a second process makes them); or, under the preview, left
        in the site as the first build made them."""
        with self.times.time("list data, charts, feeds"):
            for uri, content in views.files(downloads=self.previous is None).items():
                files.append(SiteFile.generated(self.config, uri, content=content))
        if self.elsewhere is not None:
            for uri in self.elsewhere.paths:  # known to MkDocs (links to them are checked)
                files.append(self.placeholder(uri, written_later=True))
            self.downloads = self.elsewhere.paths
        elif self.previous is not None:  # pages still link to them
            self.downloads = self.previous.downloads
            for uri in self.downloads:
                files.append(self.placeholder(uri, unchanged=True))

    def placeholder(self, uri: str, *, written_later: bool = False, unchanged: bool = False) -> SiteFile:
        file = SiteFile.generated(self.config, uri, content=b"")
        file.written_later, file.unchanged = written_later, unchanged
        return file

    def log_pages(self, changed: set[RecordKey], remade: list[str]) -> None:
        if self.previous is not None:
            log.info(
                "pilotkb: preview: remade %d of %d generated pages (%d records changed); "
                "downloads and search index as of the first build",
                len(remade),
                len(self.pages),
                len(changed),
            )
            more = " …" if len(remade) > 50 else ""
            log.info("pilotkb: preview pages remade: %s", " ".join(remade[:50]) + more)
        log.info("pilotkb: generated %d pages from %s", len(self.pages), self.catalog.path)
        assert self.views is not None
        if self.views.ctx.history.message:
            log.info("pilotkb: %s", self.views.ctx.history.message)  # once per build

    # --- on_nav, on_env: the theme --------------------------------------------------------

    def navigation(self, nav: Navigation) -> Navigation:
        self.nav = nav
        shim.warn_unlisted(nav, self.pages.values(), self.config)
        return nav

    def theme(self, env: Any) -> Any:
        """Material's nav and tabs rendered once per folder of pages outside the nav
        (themecache); the theme's templates compiled once per process (render.COMPILED)."""
        env.bytecode_cache = COMPILED
        if self.nav is not None:
            themecache.install(env, self.nav)
        return env

    # --- each page, as the theme writes it ------------------------------------------------

    def page_context(self, context: dict[str, Any], page: Any) -> dict[str, Any]:
        """Feed links for the page's ``<head>`` (read by overrides/main.html); a generated
        page's HTML, made now."""
        if self.views is not None:
            context["kb_feed_links"] = feed_view.head_links(self.views.ctx, page.file.src_uri)
            if isinstance(page, GeneratedDocPage):
                self.render(page)
        return context

    def render(self, page: GeneratedDocPage) -> None:
        body = page.source.text()
        if self.session.previewing and page.source.inputs is None:
            self.bodies[page.source.src_uri] = digest(body)
        if not page.render_now(self.config, self.files or Files([]), body, self.fast):
            self.times.count(THROUGH_MARKDOWN)

    def written(self, output: str, page: Any) -> str:
        """The finished page handed to the search index; a generated page's HTML let go."""
        if self.indexer is not None:
            with self.times.time("search index"):
                self.indexer.add_page(page.url, output)
        if isinstance(page, GeneratedDocPage):
            page.written()
        return output

    # --- on_post_build: what is written after the pages -----------------------------------

    def finish(self) -> None:
        """on_post_build: the preview's record of this build, the files made beside the
        pages, the stage times; then the .gz copies of everything."""
        if self.views is not None:
            self.time_pages()
            self.keep_for_preview()
            self.write_products()
            self.report()
        gc.enable()
        if self.settings.precompress:  # once everything is written
            pageload.precompress(Path(self.config.site_dir))

    def time_pages(self) -> None:
        """The pages' time: since on_files, less what the search index took."""
        if self.pages_started is not None:
            index_part = self.times.seconds.get("search index", 0.0)
            self.times.add(
                "pages (HTML, theme, write)", time.perf_counter() - self.pages_started - index_part
            )

    def keep_for_preview(self) -> None:
        if self.session.previewing:
            assert self.views is not None
            self.session.previous = Preview(
                self.catalog,
                {uri: page.source for uri, page in self.pages.items()},
                self.bodies,
                history_key=self.history_key,
                history=self.views.ctx.history,
                downloads=self.downloads,
            )

    def write_products(self) -> None:
        """The downloads (written by their second process: waited for) and the search index."""
        if self.elsewhere is not None:
            with self.times.time("exports: waiting for the second process"):
                _reported(self.elsewhere.sizes)
        if self.indexer is not None:
            with self.times.time("search index"):
                _reported(lambda: workers.write_index(self.catalog, self.config, self.indexer))
            self.indexer = None

    def report(self) -> None:
        self.times.add("total (from config)", time.perf_counter() - self.times.started)
        report = self.times.report()
        log.info(self.times.summary(report))
        self.times.write(report)

    def macro_values(self) -> dict[str, Any]:
        """The catalogue's numbers for hand-written pages (mkdocs-macros' ``kb``)."""
        return self.views.macro_values() if self.views is not None else {}


def _reported(make: Callable[[], T]) -> T:
    """``make()``, its data error a build error with the same messages (no traceback)."""
    try:
        return make()
    except DataError as exc:
        raise PluginError(exc.report()) from None


def _hand_written_page(file: Any) -> bool:
    return file.is_documentation_page() and not file.generated_by
