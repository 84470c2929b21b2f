"""The only module that imports MkDocs: turns its events into calls to the package.

``hooks/kb.py`` and ``hooks/macros.py`` call these functions; a ``DataError`` becomes a
``PluginError`` carrying the same line-numbered messages, so a build never shows a
Python traceback for bad data.

While ``mkdocs serve`` runs, a ``PluginError`` would leave the old site in the browser
(MkDocs' livereload server logs the error and keeps serving the last good build). So when
serving, bad data does not stop the build: every page of the site becomes an error page
listing the messages, the rebuild succeeds, the browser reloads onto it, and reloads again
onto the normal site once the data is fixed. ``mkdocs build`` still fails.

Generated pages skip Python-Markdown (``prerender``) and are made one at a time while the
theme writes them, so neither their Markdown nor their HTML is held for the whole build.

Preview (``mkdocs serve --dirty``, as ``make serve`` runs it): after the first full build, a
rebuild makes again only the generated pages whose inputs changed (``_Preview``): the pages
of changed, added or removed records and of the records linked to them, the list pages that
show them, and every other page whose body differs. MkDocs skips the rest (``--dirty`` skips a
file that reports itself unmodified). The downloads and the search index stay as the first
build made them; ``mkdocs build`` always makes everything.
"""

from __future__ import annotations

import gc
import hashlib
import html
import json
import logging
import os
import resource
import time
import types
from pathlib import Path
from typing import Any

from markdown.extensions.toc import nest_toc_tokens
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from pilotkb import background, load_catalog
from pilotkb.analysis.git import head_commit
from pilotkb.data.catalog import Catalog
from pilotkb.errors import DataError
from pilotkb.publish.opendata import OPEN_DATA_PATHS
from pilotkb.settings import Settings
from pilotkb.site import pageload, prerender, themecache
from pilotkb.site.render import COMPILED
from pilotkb.site.views import GeneratedPage, Views
from pilotkb.site.views import feeds as feed_view

log = logging.getLogger("mkdocs.plugins.pilotkb")


class _Stages:
    """Wall time of each stage of a build, logged at the end and written as JSON to the file
    named by KB_STAGE_TIMES (scripts/bench reads it)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def time(self, name: str) -> _Timer:
        return _Timer(self, name)

    def report(self) -> dict[str, Any]:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"seconds": self.seconds, "counts": self.counts, "peak_mb": peak}


class _Timer:
    def __init__(self, stages: _Stages, name: str):
        self.stages, self.name = stages, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.stages.add(self.name, time.perf_counter() - self.start)


class _Build:
    """What one build computes once: settings, catalogue and views.

    Bad settings or data raise ``PluginError``, except while serving: then ``error`` holds
    the messages and the site is made of error pages (see ``_error_files``).
    """

    def __init__(self, config: MkDocsConfig):
        root = Path(config.config_file_path).resolve().parent
        self.stages = _Stages()
        self.started = time.perf_counter()
        self.pages: dict[str, GeneratedPage] = {}  # generated pages by src_uri, bodies on demand
        self.indexer: Any = None  # search.Indexer, fed each page as it is written
        self.files: Files | None = None  # the site's files (a fallback Markdown render needs them)
        self.pages_started: float | None = None
        self.previewing = False  # under `serve --dirty`: keep what the next rebuild compares
        self.bodies: dict[str, str] = {}  # digests of bodies compared by body (preview only)
        self.history: tuple[str | None, Any] | None = None
        self.downloads: list[str] = []  # the open-data files' paths in the site
        self.error: str | None = None
        self.views: Views | None = None
        self.nav: Any = None  # MkDocs' Navigation, for themecache
        self.open_data_pending = False  # the open-data files come from a second process
        raw = config.extra.get("kb")
        data = raw.get("data") if isinstance(raw, dict) else None
        self.data_path = root / (data if isinstance(data, str) else Settings.data)
        try:
            self.settings = Settings.from_mapping(raw, str(config.config_file_path))
        except DataError as exc:
            self._fail("设置有误，构建已停止：\n" + exc.report())
            return
        self.data_path = root / self.settings.data
        try:
            with self.stages.time("load + validate"):
                self.catalog: Catalog = load_catalog(self.data_path)
        except DataError as exc:
            self._fail("数据校验未通过，构建已停止：\n" + exc.report())
            return
        self.views = Views(self.catalog, self.settings, config.use_directory_urls, config.site_url)

    def _fail(self, message: str) -> None:
        if not _serving:
            raise PluginError(message)
        self.error = message
        log.info("pilotkb: %s", message)  # not a warning: `serve --strict` would stop


# True while `mkdocs serve` runs (set once, by on_startup); _dirty with --dirty.
_serving = False
_dirty = False
# The pages of the last good build: while serving bad data, each shows the error.
_last_pages: list[str] = []

# One build at a time (mkdocs serve makes a new config for each rebuild).
_current: tuple[int, _Build] | None = None


def _build(config: MkDocsConfig) -> _Build:
    global _current
    if _current is None or _current[0] != id(config):
        _current = (id(config), _Build(config))
    return _current[1]


def on_startup(command: str, dirty: bool) -> None:
    global _serving, _dirty
    _serving = command == "serve"
    _dirty = dirty
    if _serving and dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_quiet_dirty_warning)


def _quiet_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns on every --dirty build (which `serve --strict` would count as an error);
    the preview's rebuild is incremental on purpose and says what it remade."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


class _Preview:
    """What the previous preview build made, to find the pages a rebuild must make again."""

    def __init__(self, catalog: Catalog, pages: dict[str, GeneratedPage], bodies: dict[str, str]):
        self.catalog = catalog
        self.signatures = {uri: _signature(p) for uri, p in pages.items()}
        self.bodies = bodies  # uri -> digest of the body, for pages compared by body
        self.history: tuple[str | None, Any] | None = None  # (commit, History)
        self.downloads: list[str] = []  # made by the first build, kept in the site

    def remake(self, page: GeneratedPage, affected: set[tuple[str, str]], bodies: dict[str, str]) -> bool:
        """Whether the page must be made again (a page compared by body is made here, and its
        digest kept in ``bodies`` for the next rebuild)."""
        if page.inputs is None:
            body = page.text()
            page.body = body  # made once: on_page_context uses it
            bodies[page.src_uri] = _digest(body)
            return self.bodies.get(page.src_uri) != bodies[page.src_uri]
        if self.signatures.get(page.src_uri) != _signature(page):
            return True
        return any(key in affected for key in page.inputs)

    def changed_records(self, new: Catalog) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for coll, records in new.records.items():
            old = self.catalog.records.get(coll, {})
            out |= {(coll, rid) for rid, rec in records.items() if old.get(rid) != rec}
            out |= {(coll, rid) for rid in old if rid not in records}
        return out


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def _signature(page: GeneratedPage) -> tuple[Any, ...]:
    return (page.title, page.description, page.kind, page.inputs)


def _linked(catalog: Catalog, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The records linked to these (both ways, sources by citation) that are in the catalogue."""
    out: set[tuple[str, str]] = set()
    for coll, rid in keys:
        rec = catalog.records.get(coll, {}).get(rid)
        if rec is None:
            continue
        if coll == "sources":
            out |= {(c, r.id) for c, recs in catalog.cited_by(rid).items() for r in recs}
            continue
        out |= {(c, r.id) for c, recs in catalog.relations(coll, rid).items() for r in recs}
        out |= {("sources", s["source"].id) for s in catalog.citations(coll, rec) if "source" in s}
    return out


# The previous build's state while previewing (None before the first build, after bad data).
_preview: _Preview | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings and the data before anything is built."""
    # A preview rebuild makes a whole new catalogue beside the previous one (millions of
    # objects); the cyclic collector would walk both several times while the reader waits
    # (about a second at 10,000 pilots). It is off until the rebuild is done (on_post_build).
    gc.enable()
    if _serving and _dirty and _preview is not None:
        gc.disable()
    _build(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page, in memory, to the site's files."""
    global _preview
    build = _build(config)
    if build.views is None:
        _preview = None  # the next good build makes every page again
        return _error_files(files, config, build.error or "")
    views, stages = build.views, build.stages
    previous = _preview if _serving and _dirty else None
    _preview = None  # set again by on_post_build once this build is done
    with stages.time("history (git)"):
        key = _history_key(build.data_path)
        if previous is not None and previous.history is not None and previous.history[0] == key:
            views.ctx.__dict__["history"] = previous.history[1]  # same commits: same history
        build.history = (key, views.ctx.history)
    # Under `mkdocs build`, the search index and the open data are made by second processes
    # while this one renders the pages (pilotkb.background).
    parallel = previous is None and not _serving and build.settings.workers and background.available()
    if parallel and build.settings.search:
        from pilotkb.search import BackgroundIndexer

        with stages.time("search index"):
            build.indexer = BackgroundIndexer(build.catalog, config.use_directory_urls, Path(config.site_dir))
    if previous is None:
        with stages.time("exports (JSON, CSV, XLSX, SQLite …)"):
            if parallel and build.settings.exports:
                views.ctx.exports, views.ctx.release  # noqa: B018 - made here, read by the job
                views.ctx.open_data_job = background.Job(views.ctx.open_data)
                build.open_data_pending = True
            else:
                views.ctx.downloads  # noqa: B018
    affected: set[tuple[str, str]] = set()
    if previous is not None:
        with stages.time("preview: what changed"):
            changed = previous.changed_records(build.catalog)
            affected = changed | _linked(build.catalog, changed) | _linked(previous.catalog, changed)
    pages: list[str] = []
    build.pages.clear()
    remade: list[str] = []
    last: list[tuple[GeneratedPage, File]] = []
    with stages.time("page list"):
        for page in views.pages():
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None and not existing.generated_by:
                raise PluginError(
                    f"docs/{page.src_uri} 与自动生成的页面同名；请改名或删除该文件（生成的页面不写入 docs/）"
                )
            # The body is made when the page is written (on_page_context), not held here.
            file = File.generated(config, page.src_uri, content="")
            if previous is not None and not previous.remake(page, affected, build.bodies):
                file.is_modified = _unmodified  # type: ignore[method-assign]
            elif previous is not None:
                remade.append(page.src_uri)
            if page.last:
                last.append((page, file))
                continue
            files.append(file)
            build.pages[page.src_uri] = page
            pages.append(page.src_uri)
        for page, file in last:
            files.append(file)
            build.pages[page.src_uri] = page
            pages.append(page.src_uri)
    _last_pages[:] = pages
    with stages.time("list data, charts, feeds"):
        made_now = previous is None and not build.open_data_pending
        for uri, content in views.files(downloads=made_now).items():
            files.append(File.generated(config, uri, content=content))
    if build.open_data_pending:
        for uri, content in views.ctx.exports.items():
            files.append(File.generated(config, uri, content=content))
        for uri in OPEN_DATA_PATHS:  # known to MkDocs (links to them are checked), written later
            file = File.generated(config, uri, content=b"")
            file.copy_file = _written_later  # type: ignore[method-assign]
            files.append(file)
        build.downloads = [*views.ctx.exports, *OPEN_DATA_PATHS]
    elif previous is None:
        build.downloads = list(views.ctx.downloads)
    else:  # the first build's downloads stay in the site; pages still link to them
        build.downloads = previous.downloads
        for uri in previous.downloads:
            file = File.generated(config, uri, content=b"")
            file.is_modified = _unmodified  # type: ignore[method-assign]
            files.append(file)
    if _serving and _dirty:
        for f in files.documentation_pages():
            if not f.generated_by:  # hand-written pages may show the catalogue's numbers
                f.is_modified = _modified  # type: ignore[method-assign]
    if previous is not None:
        log.info(
            "pilotkb: preview: remade %d of %d generated pages (%d records changed); "
            "downloads and search index as of the first build",
            len(remade),
            len(pages),
            len(changed),
        )
        log.info(
            "pilotkb: preview pages remade: %s", " ".join(remade[:50]) + (" …" if len(remade) > 50 else "")
        )
    elif build.settings.search and build.indexer is None:
        from pilotkb.search import Indexer

        with stages.time("search index"):
            build.indexer = Indexer(build.catalog, config.use_directory_urls)
    build.previewing = _serving and _dirty
    log.info("pilotkb: generated %d pages from %s", len(pages), build.catalog.path)
    if views.ctx.history.message:
        log.info("pilotkb: %s", views.ctx.history.message)  # once per build
    build.files = files
    build.pages_started = time.perf_counter()
    return files


def _written_later(dirty: bool = False) -> None:
    """An open-data file a second process is making: on_post_build writes it."""


def _unmodified() -> bool:
    return False


def _modified() -> bool:
    return True


def _history_key(data_path: Path) -> str | None:
    """The commit the history was read at (None without git): the preview reads it again only
    when a commit was made."""
    return head_commit(data_path.parent)


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """A generated page skips reading and Markdown: its front matter is known, and its HTML
    is made just before the theme writes it (``on_page_context``)."""
    generated = _build(config).pages.get(page.file.src_uri)
    if generated is not None and page.file.generated_by:
        page.read_source = types.MethodType(_read_generated(generated), page)  # type: ignore[method-assign]
        page.render = types.MethodType(_render_later, page)  # type: ignore[method-assign]
    return page


def _read_generated(generated: GeneratedPage) -> Any:
    def read_source(page: Page, config: MkDocsConfig) -> None:
        page.markdown, page.meta = "", generated.front()

    return read_source


def _render_later(page: Page, config: MkDocsConfig, files: Files) -> None:
    page.content = ""


def _fast_settings(config: MkDocsConfig) -> tuple[str, str] | None:
    """(permalink, permalink title) when the Markdown setup is one ``prerender`` reproduces."""
    known = {"attr_list", "tables", "admonition", "md_in_html", "toc", "fenced_code"}
    names = set(config.markdown_extensions)
    if not {"attr_list", "md_in_html", "toc"} <= names or names - known:
        return None
    toc = config.mdx_configs.get("toc") or {}
    if set(toc) - {"permalink", "permalink_title"} or not isinstance(toc.get("permalink"), str):
        return None
    return toc["permalink"], toc.get("permalink_title", "Permanent link")


def _render_generated(page: Page, generated: GeneratedPage, config: MkDocsConfig, build: _Build) -> None:
    """Set the page's HTML, table of contents and anchors from its generated body."""
    body = generated.text()
    if build.previewing and generated.inputs is None:
        build.bodies[generated.src_uri] = _digest(body)
    fast = _fast_settings(config)
    done = prerender.to_html(body, *fast) if fast else None
    if done is None:  # not only HTML blocks and headings: Markdown, as any page
        build.stages.counts["pages through Markdown"] = (
            build.stages.counts.get("pages through Markdown", 0) + 1
        )
        page.markdown = body
        Page.render(page, config, build.files or Files([]))
        page.markdown = ""
        # made after on_page_content ran (on an empty page): wrap its tables here, as
        # hooks/pageload.py does for the hand-written pages
        page.content = pageload.wrap_tables(page.content or "")
        return
    page.content = pageload.wrap_tables(done.content)
    tokens = [
        {"level": lv, "id": hid, "name": text, "html": text, "data-toc-label": "", "children": []}
        for lv, hid, text in done.headings
    ]
    page.toc = get_toc(nest_toc_tokens(tokens))
    page.present_anchor_ids = done.anchors


def _nav_paths(items: Any) -> list[str]:
    """The Markdown files the nav of mkdocs.yml names."""
    out: list[str] = []
    for item in items or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            out += _nav_paths(value)
        elif isinstance(value, str) and value.endswith(".md") and "://" not in value:
            out.append(value)
    return out


def error_page(message: str) -> str:
    """A page listing the validator's messages (escaped), for `mkdocs serve`."""
    lines = [line for line in message.splitlines() if line.strip()]
    head, problems = lines[0], lines[1:]
    # DataError.report() ends with a count line ("共 N 处问题；…"): a sentence, not an item
    tail = problems.pop() if problems and problems[-1].startswith("共 ") else ""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems)
    body = (
        '<div class="kb-data-error" role="alert">\n'
        '<h1 class="kb-title">数据有错误，预览暂停</h1>\n'
        f"<p>{html.escape(head)}</p>\n"
        f'<ol class="kb-data-error__list">\n{items}\n</ol>\n'
        f"<p>{html.escape(tail)}</p>\n"
        "<p>改正数据文件并保存后，本页会自动刷新，显示改正后的网站。"
        "也可以在终端运行 <code>scripts/kb check</code> 查看同样的提示。</p>\n"
        "</div>\n"
    )
    front = {"title": "数据有错误", "render_macros": False, "kb_kind": "error", "search": {"exclude": True}}
    meta = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
    return f"---\n{meta}\n---\n\n{body}"


def _error_files(files: Files, config: MkDocsConfig, message: str) -> Files:
    """Every page of the site (the docs' pages, the last good build's generated pages and
    the nav's) replaced by the error page; assets stay, so the page keeps its style."""
    content = error_page(message)
    uris = {f.src_uri for f in files if f.is_documentation_page()}
    uris |= set(_last_pages) | set(_nav_paths(config.nav))
    for f in [f for f in files if f.is_documentation_page()]:
        files.remove(f)
    for uri in sorted(uris):
        files.append(File.generated(config, uri, content=content))
    return files


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    """Material's nav and tabs rendered once per folder of pages outside the nav (themecache);
    the theme's templates compiled once per process (render.COMPILED)."""
    env.bytecode_cache = COMPILED
    nav = getattr(_build(config), "nav", None)
    if nav is not None:
        themecache.install(env, nav)
    return env


def on_nav(nav: Any, config: MkDocsConfig, files: Files) -> Any:
    _build(config).nav = nav
    return nav


def on_page_context(context: dict[str, Any], page: Any, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """Feed links for the page's ``<head>`` (autodiscovery), read by overrides/main.html."""
    build = _build(config)
    if build.views is not None:
        context["kb_feed_links"] = feed_view.head_links(build.views.ctx, page.file.src_uri)
        generated = build.pages.get(page.file.src_uri)
        if generated is not None and page.file.generated_by:
            _render_generated(page, generated, config, build)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Hand the finished page to the search index, and let its HTML go."""
    build = _build(config)
    if build.indexer is not None:
        start = time.perf_counter()
        build.indexer.add_page(page.url, output)
        build.stages.add("search index", time.perf_counter() - start)
    if page.file.src_uri in build.pages:
        page.content = ""
    return output


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Rebuild when the data file (or the package's templates) change."""
    server.watch(str(_build(config).data_path))
    server.watch(str(Path(__file__).parents[1] / "site" / "templates"))
    return server


def define_env(env: Any) -> None:
    """mkdocs-macros: expose the catalogue's headline numbers as ``kb``."""
    views = _build(env.conf).views
    env.variables["kb"] = views.macro_values() if views is not None else {}


def on_post_build(config: MkDocsConfig) -> None:
    """The search index, built from the finished pages; then the stage times."""
    build = _build(config)
    if build.views is None:
        return
    stages = build.stages
    if build.pages_started is not None:
        index_part = stages.seconds.get("search index", 0.0)
        stages.add("pages (HTML, theme, write)", time.perf_counter() - build.pages_started - index_part)
    if build.previewing:
        global _preview
        _preview = _Preview(build.catalog, build.pages, build.bodies)
        _preview.history = build.history
        _preview.downloads = build.downloads
    if build.open_data_pending:
        with stages.time("exports: waiting for the second process"):
            try:
                made = build.views.ctx.downloads
            except DataError as exc:
                raise PluginError(exc.report()) from None
        for uri in OPEN_DATA_PATHS:
            target = Path(config.site_dir) / uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(made[uri])
    if build.settings.search and build.indexer is not None:
        from pilotkb.search import build_index

        try:
            with stages.time("search index"):
                build_index(build.catalog, Path(config.site_dir), config.use_directory_urls, build.indexer)
        except DataError as exc:
            raise PluginError(exc.report()) from None
        build.indexer = None
    stages.add("total (from config)", time.perf_counter() - build.started)
    gc.enable()
    report = stages.report()
    log.info(
        "pilotkb: stages: %s; peak %.0f MB",
        ", ".join(f"{k} {v:.1f} s" for k, v in report["seconds"].items()),
        report["peak_mb"],
    )
    target = os.environ.get("KB_STAGE_TIMES")
    if target:
        Path(target).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
