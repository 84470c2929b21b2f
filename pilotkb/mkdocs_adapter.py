"""The only module that imports MkDocs: turns its events into calls to the package.

``hooks/kb.py`` and ``hooks/macros.py`` call these functions; a ``DataError`` becomes a
``PluginError`` carrying the same line-numbered messages, so a build never shows a
Python traceback for bad data.

While ``mkdocs serve`` runs, a ``PluginError`` would leave the old site in the browser
(MkDocs' livereload server logs the error and keeps serving the last good build). So when
serving, bad data does not stop the build: every page of the site becomes an error page
listing the messages, the rebuild succeeds, the browser reloads onto it, and reloads again
onto the normal site once the data is fixed. ``mkdocs build`` still fails.
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from . import load_catalog
from .catalog import Catalog
from .errors import DataError
from .settings import Settings
from .views import Views
from .views import feeds as feed_view

log = logging.getLogger("mkdocs.plugins.pilotkb")


class _Build:
    """What one build computes once: settings, catalogue and views.

    Bad settings or data raise ``PluginError``, except while serving: then ``error`` holds
    the messages and the site is made of error pages (see ``_error_files``).
    """

    def __init__(self, config: MkDocsConfig):
        root = Path(config.config_file_path).resolve().parent
        self.error: str | None = None
        self.views: Views | None = None
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


# True while `mkdocs serve` runs (set once, by on_startup).
_serving = False
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
    global _serving
    _serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings and the data before anything is built."""
    _build(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page, in memory, to the site's files."""
    build = _build(config)
    if build.views is None:
        return _error_files(files, config, build.error or "")
    count = 0
    pages: list[str] = []
    for page in build.views.pages():
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None and not existing.generated_by:
            raise PluginError(
                f"docs/{page.src_uri} 与自动生成的页面同名；请改名或删除该文件（生成的页面不写入 docs/）"
            )
        files.append(File.generated(config, page.src_uri, content=page.markdown()))
        pages.append(page.src_uri)
        count += 1
    _last_pages[:] = pages
    for uri, content in build.views.files().items():
        files.append(File.generated(config, uri, content=content))
    log.info("pilotkb: generated %d pages from %s", count, build.catalog.path)
    if build.views.ctx.history.message:
        log.info("pilotkb: %s", build.views.ctx.history.message)  # once per build
    return files


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


def on_page_context(context: dict[str, Any], page: Any, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """Feed links for the page's ``<head>`` (autodiscovery), read by overrides/main.html."""
    build = _build(config)
    if build.views is not None:
        context["kb_feed_links"] = feed_view.head_links(build.views.ctx, page.file.src_uri)
    return context


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Rebuild when the data file (or the package's templates) change."""
    server.watch(str(_build(config).data_path))
    server.watch(str(Path(__file__).parent / "templates"))
    return server


def define_env(env: Any) -> None:
    """mkdocs-macros: expose the catalogue's headline numbers as ``kb``."""
    views = _build(env.conf).views
    env.variables["kb"] = views.macro_values() if views is not None else {}


def on_post_build(config: MkDocsConfig) -> None:
    """The search index, built from the finished pages."""
    build = _build(config)
    if build.views is not None and build.settings.search:
        from .search import build_index

        try:
            build_index(build.catalog, Path(config.site_dir), config.use_directory_urls)
        except DataError as exc:
            raise PluginError(exc.report()) from None
