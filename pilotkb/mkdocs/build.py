"""One MkDocs build of the site, in named stages, with all its state in one ``Build``.

``hooks/kb.py`` hands MkDocs' events to ``pilotkb.mkdocs.events``, which starts the build of
the configuration (``start``) and calls one stage of it:

- ``on_config``: ``start``: settings → catalogue (load + validate) → the way this build makes
  what is not a page, chosen once (``pilotkb.mkdocs.modes``) → publication (history,
  exports) → views;
- ``on_files``: ``add_files``: the page list (generated pages, as MkDocs files and pages; under
  the preview, which to make again), then the list data, charts, feeds and downloads;
- ``on_page_context`` / ``on_post_page``: ``page_context`` / ``index_page``: each generated
  page rendered just before the theme writes it, then handed to the search index;
- ``on_post_build``: ``finish``: open data and search index written, stage times, .gz copies.

Bad settings or data raise ``PluginError`` with the line-numbered messages (no traceback),
except while serving: then ``start`` returns an ``ErrorSite`` instead, whose every page is the
error page (``pilotkb.mkdocs.errorpage``).
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from pilotkb.data.catalog import Catalog
from pilotkb.errors import DataError
from pilotkb.mkdocs import shim, workers
from pilotkb.mkdocs.errorpage import ErrorSite
from pilotkb.mkdocs.modes import Mode, choose
from pilotkb.mkdocs.session import Session
from pilotkb.mkdocs.sitebuild import SiteBuild
from pilotkb.mkdocs.structure import GeneratedDocPage, SiteFile, prerender_permalink
from pilotkb.mkdocs.timing import THROUGH_MARKDOWN, StageTimes
from pilotkb.mkdocs.workers import reported
from pilotkb.settings import Settings
from pilotkb.site.views import Views
from pilotkb.site.views import feeds as feed_view

log = logging.getLogger("mkdocs.plugins.pilotkb")


def start(config: MkDocsConfig, session: Session) -> Build | ErrorSite:
    """on_config: settings → catalogue → the build's mode → publication → views; or, serving
    settings or data that do not pass the check, the error site."""
    times = StageTimes()
    previous = session.take_previous()  # what a preview rebuild compares with
    # A preview rebuild makes a whole new catalogue beside the previous one (millions of
    # objects); the cyclic collector would walk both several times while the reader waits
    # (about a second at 10,000 pilots). It is off until the rebuild is done (finish).
    gc.enable()
    if previous is not None:
        gc.disable()
    kb = config.extra.get("kb")  # read once, here
    root = Path(config.config_file_path).resolve().parent
    data = kb.get("data") if isinstance(kb, dict) else None
    data_path = root / (data if isinstance(data, str) else Settings.data)  # watched, even when bad
    try:
        settings = Settings.from_mapping(kb, str(config.config_file_path))
    except DataError as exc:
        return _stopped(config, session, Settings(), data_path, "设置有误，构建已停止：\n" + exc.report())
    data_path = root / settings.data
    _edit_button(config, settings, root)
    try:
        with times.time("load + validate"):
            catalog = session.catalogue(data_path)
    except DataError as exc:
        return _stopped(config, session, settings, data_path, "数据校验未通过，构建已停止：\n" + exc.report())
    mode = choose(session, previous, catalog, settings, config, times)
    return Build(config, session, settings, data_path, catalog, mode, times)


def _stopped(
    config: MkDocsConfig, session: Session, settings: Settings, data_path: Path, message: str
) -> ErrorSite:
    if not session.serving:
        raise PluginError(message)
    log.info("pilotkb: %s", message)  # not a warning: `serve --strict` would stop
    return ErrorSite(config, session, settings, data_path, message)


def _edit_button(config: MkDocsConfig, settings: Settings, root: Path) -> None:
    """Material's edit button on the hand-written pages: MkDocs' ``edit_uri``, made from
    the repository's address (generated pages have none; record pages link to the data
    file themselves). ``repo_url`` stays unset: Material would fetch the repository's star
    and fork counts from the forge's API on every page, a request that leaves the site."""
    forge = settings.forge
    docs = Path(config.docs_dir).resolve()
    if forge is not None and docs.is_relative_to(root):  # mkdocs.yml: the repository's top
        config.edit_uri = forge.edit(docs.relative_to(root).as_posix() + "/")


class Build(SiteBuild):
    """Everything one build of good data computes and keeps, from its configuration to its
    last file; what differs between ways of building is its ``mode``."""

    def __init__(
        self,
        config: MkDocsConfig,
        session: Session,
        settings: Settings,
        data_path: Path,
        catalog: Catalog,
        mode: Mode,
        times: StageTimes,
    ):
        super().__init__(config, session, settings, data_path)
        self.catalog, self.mode, self.times = catalog, mode, times
        with self.times.time("history (git)"):
            # a mistake in commit-notes.yaml stops the build at its line, as the data file's do
            history = reported(lambda: mode.history(data_path))
        views = Views(
            catalog, settings, config.use_directory_urls, config.site_url, mode.publication(history)
        )
        self.views = views
        mode.views_made(views)
        self.pages: dict[str, GeneratedDocPage] = {}  # generated pages by src_uri, bodies on demand
        # fed each page as it is written (none until the page list is made)
        self.search_index: workers.SearchIndex | workers.NoSearchIndex = workers.NoSearchIndex()
        self.files = Files([])  # the site's files (a Markdown render needs them)
        # (permalink, its title) when ``prerender`` makes the pages' HTML; None: Python-Markdown
        self.prerender_permalink = prerender_permalink(config)
        self.pages_started = 0.0

    # --- on_files: the page list, then the other files -----------------------------------

    def add_files(self, files: Files) -> Files:
        """on_files: the page list, then the other files."""
        self.mode.before_page_list()
        remade = self.page_list(files)
        self.mode.after_page_list()
        self.search_index = self.mode.search_index(self.views.ctx)
        with self.times.time("list data, charts, feeds"):
            for file in self.mode.data_files(self.views):
                files.append(file)
        files = self.mode.site_files(files)
        self.mode.log_remade(remade, len(self.pages))
        log.info("pilotkb: generated %d pages from %s", len(self.pages), self.catalog.path)
        if self.views.ctx.history.message:
            log.info("pilotkb: %s", self.views.ctx.history.message)  # once per build
        self.files = files
        self.pages_started = time.perf_counter()
        return files

    def page_list(self, files: Files) -> list[str]:
        """Each generated page as a MkDocs file with its page (the body made when written);
        the pages marked ``last`` after the others. Returns the pages made again."""
        titles = shim.nav_titles(self.config)
        remade: list[str] = []
        first: list[GeneratedDocPage] = []
        last: list[GeneratedDocPage] = []
        with self.times.time("page list"):
            for page in self.views.pages():
                existing = files.get_file_from_path(page.src_uri)
                if existing is not None and not existing.generated_by:
                    raise PluginError(
                        f"docs/{page.src_uri} 与自动生成的页面同名；请改名或删除该文件（生成的页面不写入 docs/）"
                    )
                file = SiteFile.generated(self.config, page.src_uri, content="")
                file.unchanged = not self.mode.remakes(page)
                if not file.unchanged:
                    remade.append(page.src_uri)
                made = GeneratedDocPage(titles.get(page.src_uri), file, self.config, page)
                (last if page.last else first).append(made)
            for made in first + last:
                files.append(made.file)
                self.pages[made.file.src_uri] = made
        self.session.last_pages[:] = list(self.pages)
        return remade

    # --- on_nav: the pages outside the nav --------------------------------------------------

    def navigation(self, nav: Navigation) -> Navigation:
        shim.warn_unlisted(nav, self.pages.values(), self.config)
        return super().navigation(nav)

    # --- each page, as the theme writes it ------------------------------------------------

    def page_context(self, context: dict[str, Any], page: Any) -> dict[str, Any]:
        """Feed links for the page's ``<head>`` (read by overrides/main.html); a generated
        page's HTML, made now."""
        context["kb_feed_links"] = feed_view.head_links(self.views.ctx, page.file.src_uri)
        if isinstance(page, GeneratedDocPage):
            self.render(page)
        return context

    def render(self, page: GeneratedDocPage) -> None:
        body = page.source.text()
        self.mode.rendered(page.source, body)
        if not page.render_now(self.config, self.files, body, self.prerender_permalink):
            self.times.count(THROUGH_MARKDOWN)

    def index_page(self, output: str, page: Any) -> str:
        """on_post_page: the finished page handed to the search index; a generated page's
        HTML let go."""
        self.search_index.add_page(page.url, output)
        if isinstance(page, GeneratedDocPage):
            page.let_go_of_html()
        return output

    # --- on_post_build: what is written after the pages -----------------------------------

    def finish(self) -> None:
        """on_post_build: the preview's record of this build, the files made beside the
        pages, the stage times; then the .gz copies of everything."""
        index_part = self.times.seconds.get("search index", 0.0)
        self.times.add("pages (HTML, theme, write)", time.perf_counter() - self.pages_started - index_part)
        self.mode.keep(
            self.session, {uri: page.source for uri, page in self.pages.items()}, self.views.ctx.history
        )
        self.mode.wait_for_downloads()
        self.search_index.write()
        self.times.add("total (from config)", time.perf_counter() - self.times.started)
        report = self.times.report()
        log.info(self.times.summary(report))
        self.times.write(report)
        super().finish()

    def macro_values(self) -> dict[str, Any]:
        """The catalogue's numbers for hand-written pages (mkdocs-macros' ``kb``)."""
        return self.views.macro_values()
