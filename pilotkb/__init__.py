"""试点经验库: model, loading, validation, page generation and statistics.

The public surface is small: ``load_catalog`` and ``DataError``. Everything else is
internal and may change.
"""

from __future__ import annotations

from pathlib import Path

from pilotkb.data.catalog import Catalog
from pilotkb.errors import DataError, Problem

__all__ = ["Catalog", "DataError", "Problem", "load_catalog"]

_cache: dict[Path, tuple[float, int, Catalog]] = {}


def load_catalog(path: Path | str) -> Catalog:
    """Load and validate the data file; cached while the file is unchanged."""
    from pilotkb.data.validate import validate_file

    path = Path(path).resolve()
    try:
        st = path.stat()
        key = (st.st_mtime, st.st_size)
    except OSError:
        key = None
    hit = _cache.get(path)
    if key is not None and hit is not None and hit[:2] == key:
        return hit[2]
    catalog = validate_file(path)
    if key is not None:
        _cache[path] = (*key, catalog)
    return catalog
