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
from .pages import Site, generate, generated_files
from .settings import Settings

log = logging.getLogger("mkdocs.plugins.pilotkb")


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def settings_of(config: MkDocsConfig) -> Settings:
    try:
        return Settings.from_mapping(config.extra.get("kb"), str(config.config_file_path))
    except DataError as exc:
        raise PluginError(exc.report()) from None


def data_path(config: MkDocsConfig) -> Path:
    return _root(config) / settings_of(config).data


def catalog_of(config: MkDocsConfig) -> Catalog:
    try:
        return load_catalog(data_path(config))
    except DataError as exc:
        raise PluginError("数据校验未通过，构建已停止：\n" + exc.report()) from None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings and the data before anything is built."""
    catalog_of(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page, in memory, to the site's files."""
    catalog = catalog_of(config)
    pages = generate(catalog, settings_of(config), config.use_directory_urls)
    for page in pages:
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None and not existing.generated_by:
            raise PluginError(
                f"docs/{page.src_uri} 与自动生成的页面同名；请改名或删除该文件（生成的页面不写入 docs/）"
            )
        files.append(File.generated(config, page.src_uri, content=page.markdown()))
    for uri, content in generated_files(catalog, settings_of(config), config.use_directory_urls).items():
        files.append(File.generated(config, uri, content=content))
    log.info("pilotkb: generated %d pages from %s", len(pages), catalog.path)
    return files


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Rebuild when the data file (or the package's templates) change."""
    server.watch(str(data_path(config)))
    server.watch(str(Path(__file__).parent / "templates"))
    return server


def define_env(env: Any) -> None:
    """mkdocs-macros: expose the catalogue's headline numbers as ``kb``."""
    config = env.conf
    catalog = catalog_of(config)
    site = Site(catalog, settings_of(config), config.use_directory_urls)
    env.variables["kb"] = site.macro_values()


def on_post_build(config: MkDocsConfig) -> None:
    """The search index, built from the finished pages."""
    if settings_of(config).search:
        from .search import build_index

        try:
            build_index(catalog_of(config), Path(config.site_dir), config.use_directory_urls)
        except DataError as exc:
            raise PluginError(exc.report()) from None
