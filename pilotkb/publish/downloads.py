"""Every download of the site, made together: the JSON, CSV and schema exports and the source
texts (``export``), and the open data that describes them (``opendata``: workbook, database,
data package).

A build either holds them as MkDocs files (``download_files``) or has a second process
write them straight into the site and report only their sizes (``write_downloads``): at
10,000 pilots they are ~80 MB, which the rendering process then never holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from pilotkb.data.catalog import Catalog
from pilotkb.files import write_tree
from pilotkb.publish.export import export_files, export_paths
from pilotkb.publish.opendata import OPEN_DATA_PATHS, Release, open_data_files


def download_files(catalog: Catalog, release: Release) -> dict[str, bytes]:
    """Every download, keyed by its path in the site (``download_paths`` order)."""
    exports = export_files(catalog)
    return {**exports, **_open_data(catalog, exports, release)}


def download_paths(catalog: Catalog) -> list[str]:
    """The paths ``download_files`` makes, known without making them."""
    return [*export_paths(catalog), *OPEN_DATA_PATHS]


def write_downloads(catalog: Catalog, release: Release, site_dir: Path) -> dict[str, int]:
    """Every download written into ``site_dir`` (each file atomically); their sizes. The
    exports are written, and let go, before the open data is made: the data package reads
    them back one at a time to describe them."""
    exports = export_files(catalog)
    write_tree(exports, site_dir)
    sizes = {path: len(content) for path, content in exports.items()}
    del exports
    made = _open_data(catalog, _OnDisk(site_dir, sizes), release)
    write_tree(made, site_dir)
    sizes |= {path: len(content) for path, content in made.items()}
    if list(sizes) != download_paths(catalog):  # the build named these paths to MkDocs
        raise RuntimeError(f"downloads made differ from those named: {sorted(sizes)}")
    return sizes


def _open_data(catalog: Catalog, exports: Mapping[str, bytes], release: Release) -> dict[str, bytes]:
    r = release
    return open_data_files(
        catalog, exports, licence=r.licence, data_date=r.data_date, data_version=r.data_version
    )


class _OnDisk(Mapping[str, bytes]):
    """Files written under ``root`` (path -> size), read back when asked for."""

    def __init__(self, root: Path, sizes: dict[str, int]):
        self.root, self.sizes = root, sizes

    def __getitem__(self, path: str) -> bytes:
        if path not in self.sizes:
            raise KeyError(path)
        return (self.root / path).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)
