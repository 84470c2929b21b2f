"""The JSON and CSV downloads of the data, and the spreadsheet-safe cell rule they share."""

from __future__ import annotations

import json
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.registry import FILE_ORDER, REGISTRY
from pilotkb.data.schema import json_schema


def records_json(catalog: Catalog) -> dict[str, Any]:
    return {
        name: [r.model_dump(mode="json", exclude_none=False) for r in getattr(catalog.data, name)]
        for name in FILE_ORDER
    }


def export_files(catalog: Catalog) -> dict[str, bytes]:
    """The whole catalogue as JSON, and each collection as a flat CSV (UTF-8 with BOM for
    Excel), keyed by their path in the site."""
    import io

    import pandas as pd

    files: dict[str, bytes] = {}
    data = records_json(catalog)
    files["downloads/pilots.json"] = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    files["downloads/pilots.schema.json"] = json.dumps(json_schema(), ensure_ascii=False, indent=2).encode(
        "utf-8"
    )
    for name, rows in data.items():
        flat = [{k: csv_safe_cell(v) for k, v in row.items()} for row in rows]
        frame = pd.DataFrame(flat, columns=list(REGISTRY[name].model.model_fields))
        buf = io.StringIO()
        # CRLF rows (RFC 4180): a CR inside a value is then quoted, never a row break
        frame.to_csv(buf, index=False, lineterminator="\r\n")
        files[f"downloads/{name}.csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    return files


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    """A CSV cell: lists joined, and text that a spreadsheet would run as a formula made inert
    with a leading apostrophe (the JSON download keeps every value exactly)."""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            value = json.dumps(value, ensure_ascii=False)
        else:
            value = "；".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
