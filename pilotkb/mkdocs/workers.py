"""The search index and the open data: made beside the pages, written after them.

Under ``mkdocs build`` (``workers`` on, where ``fork`` exists) each is made by a second
process while this one renders the pages (``pilotkb.background``): the search index is fed
each page as it is written, the open data is made from the catalogue. Otherwise the index
is made in this process from the pages as they are written, and the open data before them.
Either way the files are the same, and are written once every page is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from pilotkb import background
from pilotkb.analysis.history import History
from pilotkb.data.catalog import Catalog
from pilotkb.files import write_tree
from pilotkb.publish.export import export_files
from pilotkb.publish.opendata import OPEN_DATA_PATHS
from pilotkb.settings import Settings
from pilotkb.site.views import Publication
from pilotkb.site.views.base import open_data, release_of


def in_parallel(settings: Settings, serving: bool) -> bool:
    """Whether this build hands work to second processes (never while serving: forking the
    server's threads is unsafe, and the preview does not remake these files anyway)."""
    return not serving and settings.workers and background.available()


def open_data_elsewhere(catalog: Catalog, settings: Settings, history: History) -> Publication:
    """The publication whose open-data files a second process makes, from the exports and
    the release made here first (the process starts with them in memory)."""
    release = release_of(catalog, settings, history)
    exports = export_files(catalog)
    job = background.Job(open_data, catalog, exports, release)
    return Publication(
        catalog, settings, history=history, release=release, exports=exports, open_data=job.result
    )


def write_open_data(downloads: dict[str, bytes], site_dir: Path) -> None:
    """The open-data files the second process made, written into the site."""
    write_tree({uri: downloads[uri] for uri in OPEN_DATA_PATHS}, site_dir)


def start_index(catalog: Catalog, config: MkDocsConfig, parallel: bool) -> Any:
    """The search indexer fed each page as it is written (in a second process if parallel)."""
    from pilotkb.search import BackgroundIndexer, Indexer

    if parallel:
        return BackgroundIndexer(catalog, config.use_directory_urls, Path(config.site_dir))
    return Indexer(catalog, config.use_directory_urls, Path(config.site_dir))


def write_index(catalog: Catalog, config: MkDocsConfig, indexer: Any) -> None:
    """The search index, from the pages the indexer was given, written into the site."""
    from pilotkb.search import build_index

    build_index(catalog, Path(config.site_dir), config.use_directory_urls, indexer)
