"""试点经验库: model, loading, validation, page generation and statistics.

The public surface is small: ``load_catalog`` and ``DataError``. Everything else is
internal and may change.
"""

from __future__ import annotations

from pathlib import Path

from pilotkb.data.catalog import Catalog
from pilotkb.errors import DataError, Problem

__all__ = ["Catalog", "DataError", "Problem", "load_catalog"]


def load_catalog(path: Path | str) -> Catalog:
    """Load and validate the data file (``mkdocs serve`` keeps the last one while the file is
    unchanged: ``pilotkb.mkdocs.session.Session.catalogue``)."""
    from pilotkb.data.validate import validate_file

    return validate_file(Path(path).resolve())
