"""The only module that imports MkDocs: turns its events into calls to the package.

``hooks/kb.py`` and ``hooks/macros.py`` call these functions; a ``DataError`` becomes a
``PluginError`` carrying the same line-numbered messages, so a build never shows a
Python traceback for bad data.
"""

from __future__ import annotations

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

log = logging.getLogger("mkdocs.plugins.pilotkb")


class _Build:
    """What one build computes once: settings, catalogue and views."""

    def __init__(self, config: MkDocsConfig):
        root = Path(config.config_file_path).resolve().parent
        try:
            self.settings = Settings.from_mapping(config.extra.get("kb"), str(config.config_file_path))
        except DataError as exc:
            raise PluginError(exc.report()) from None
        self.data_path = root / self.settings.data
        try:
            self.catalog: Catalog = load_catalog(self.data_path)
        except DataError as exc:
            raise PluginError("数据校验未通过，构建已停止：\n" + exc.report()) from None
        self.views = Views(self.catalog, self.settings, config.use_directory_urls, config.site_url)


# One build at a time (mkdocs serve makes a new config for each rebuild).
_current: tuple[int, _Build] | None = None


def _build(config: MkDocsConfig) -> _Build:
    global _current
    if _current is None or _current[0] != id(config):
        _current = (id(config), _Build(config))
    return _current[1]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings and the data before anything is built."""
    _build(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page, in memory, to the site's files."""
    build = _build(config)
    count = 0
    for page in build.views.pages():
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None and not existing.generated_by:
            raise PluginError(
                f"docs/{page.src_uri} 与自动生成的页面同名；请改名或删除该文件（生成的页面不写入 docs/）"
            )
        files.append(File.generated(config, page.src_uri, content=page.markdown()))
        count += 1
    for uri, content in build.views.files().items():
        files.append(File.generated(config, uri, content=content))
    log.info("pilotkb: generated %d pages from %s", count, build.catalog.path)
    if build.views.ctx.history.message:
        log.info("pilotkb: %s", build.views.ctx.history.message)  # once per build
    return files


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Rebuild when the data file (or the package's templates) change."""
    server.watch(str(_build(config).data_path))
    server.watch(str(Path(__file__).parent / "templates"))
    return server


def define_env(env: Any) -> None:
    """mkdocs-macros: expose the catalogue's headline numbers as ``kb``."""
    env.variables["kb"] = _build(env.conf).views.macro_values()


def on_post_build(config: MkDocsConfig) -> None:
    """The search index, built from the finished pages."""
    build = _build(config)
    if build.settings.search:
        from .search import build_index

        try:
            build_index(build.catalog, Path(config.site_dir), config.use_directory_urls)
        except DataError as exc:
            raise PluginError(exc.report()) from None
