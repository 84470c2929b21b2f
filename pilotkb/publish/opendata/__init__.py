"""Open data beyond JSON and CSV: an XLSX workbook, a SQLite database (with a Datasette
metadata file) and a Frictionless ``datapackage.json`` describing every download.

Everything is generated from the collection registry and the pydantic models
(``columns``), so a new field reaches every format, with its description, without code
here. All bytes are reproducible: no wall-clock time, no random ids. One module per format:
``xlsx``, ``sqlite``, ``datasette``, ``datapackage``; ``release`` holds what every download
states about itself and where it lives.

Entry point: ``open_data_files(catalog, files, licence=..., data_date=..., data_version=...)``
where ``files`` are the downloads that ``export.export_files`` already made.
"""

from __future__ import annotations

import json
from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.publish.opendata.datapackage import datapackage
from pilotkb.publish.opendata.datasette import datasette_metadata
from pilotkb.publish.opendata.release import (
    DATAPACKAGE_PATH,
    DATASETTE_PATH,
    OPEN_DATA_PATHS,
    SQLITE_PATH,
    XLSX_PATH,
    Release,
    data_version,
)
from pilotkb.publish.opendata.sqlite import sqlite_bytes
from pilotkb.publish.opendata.xlsx import xlsx_bytes

__all__ = ["OPEN_DATA_PATHS", "Release", "data_version", "open_data_files"]


def _json_file(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def open_data_files(
    catalog: Catalog,
    files: Mapping[str, bytes],
    *,
    licence: str,
    data_date: str | None,
    data_version: str,
) -> dict[str, bytes]:
    """The XLSX workbook, the SQLite database with its Datasette metadata, and
    ``datapackage.json`` describing those and ``files`` (the JSON, CSV and schema downloads),
    keyed by their path in the site."""
    release = Release(licence, data_date, data_version)
    out: dict[str, bytes] = {
        XLSX_PATH: xlsx_bytes(catalog, release),
        SQLITE_PATH: sqlite_bytes(catalog, release),
        DATASETTE_PATH: _json_file(datasette_metadata(release)),
    }
    # ChainMap: ``files`` may be read from disk one at a time (publish/downloads.py)
    out[DATAPACKAGE_PATH] = _json_file(datapackage(ChainMap(out, files), release, catalog))
    return out
