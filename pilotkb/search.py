"""Chinese full-text search index for the built site."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog


def build_index(catalog: Catalog, site_dir: Path, directory_urls: bool = True) -> None:
    """Write the search index into ``site_dir`` (called after the pages are built)."""
    raise NotImplementedError("search index not built yet")
