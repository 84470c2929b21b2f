"""The JSON and CSV downloads of the data, and the spreadsheet-safe cell rule they share."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pilotkb.analysis.reading import readings
from pilotkb.data.catalog import Catalog
from pilotkb.data.registry import FILE_ORDER, REGISTRY
from pilotkb.data.schema import json_schema
from pilotkb.files import inert_cell, read_input

# Where the downloads live in the site; those made here (described by
# pilotkb.publish.opendata.datapackage, listed on the downloads page): the whole catalogue as
# JSON and its schema, each collection as CSV, each source's coverage, the published texts.
DOWNLOADS = "downloads"
JSON_PATH = f"{DOWNLOADS}/pilots.json"
SCHEMA_PATH = f"{DOWNLOADS}/pilots.schema.json"
SOURCE_COVERAGE_PATH = f"{DOWNLOADS}/source_coverage.csv"


def csv_path(collection: str) -> str:
    """The CSV download of one collection."""
    return f"{DOWNLOADS}/{collection}.csv"


def source_text_path(file: str) -> str:
    """A source's text in the downloads, where the data folder has it (sources/….txt)."""
    return f"{DOWNLOADS}/{file}"


# The columns of the coverage table (source_coverage.csv), with their descriptions.
COVERAGE_COLUMNS = {
    "source": "来源编号（sources 中的 id）",
    "title": "来源标题",
    "sentences": "原文句子数",
    "substantive": "实质句数：载有数字，或提到试点、经验、报道、活动等可收录内容的句子",
    "cited": "已被记录引用的实质句数",
    "coverage": "覆盖率：已引用实质句占实质句的百分比（向下取整）；没有原文文本或没有实质句时为空",
}


def records_json(catalog: Catalog) -> dict[str, Any]:
    return {
        name: [r.model_dump(mode="json", exclude_none=False) for r in getattr(catalog.data, name)]
        for name in FILE_ORDER
    }


def export_files(catalog: Catalog) -> dict[str, bytes]:
    """The whole catalogue as JSON, and each collection as a flat CSV (UTF-8 with BOM for
    Excel), keyed by their path in the site; each source's coverage and published text."""
    files: dict[str, bytes] = {}
    data = records_json(catalog)
    files[JSON_PATH] = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    files[SCHEMA_PATH] = json.dumps(json_schema(), ensure_ascii=False, indent=2).encode("utf-8")
    for name, rows in data.items():
        files[csv_path(name)] = csv_bytes(rows, list(REGISTRY[name].model.model_fields))
    files.update(source_files(catalog))
    return files


def export_paths(catalog: Catalog) -> list[str]:
    """The paths ``export_files`` makes, in its order, known without making them (the build
    names the downloads before a second process writes them)."""
    return [
        JSON_PATH,
        SCHEMA_PATH,
        *(csv_path(name) for name in FILE_ORDER),
        SOURCE_COVERAGE_PATH,
        *(source_text_path(src.file) for src in catalog.sources.values() if _text_published(src)),
        *(source_text_path(src.original) for src in catalog.sources.values() if _original_published(src)),
    ]


def _text_published(src: Any) -> bool:
    """Whether the downloads include the source's text: it has one (validation checked the
    file) that it does not withhold (``text_unpublished``)."""
    return bool(src.file) and not src.text_unpublished


def _original_published(src: Any) -> bool:
    """Whether the downloads include the source's original: it keeps one (kb check compared
    it with its SHA-256) and does not withhold its text."""
    return bool(src.original) and not src.text_unpublished


def csv_bytes(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    """A CSV download: UTF-8 with BOM for Excel, CRLF rows (RFC 4180: a CR inside a value is
    then quoted, never a row break), every cell made safe for spreadsheets."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(columns)
    for row in rows:  # an empty cell for None; numbers as they are (no float columns)
        out.writerow(["" if (v := csv_safe_cell(row.get(c))) is None else v for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def source_files(catalog: Catalog) -> dict[str, bytes]:
    """Each source's coverage (one CSV row per source) and the texts of the sources whose
    text may be published (``text_unpublished`` empty), where the data folder has them."""
    rows: list[dict[str, Any]] = []
    texts: dict[str, bytes] = {}
    for sid, reading in readings(catalog).items():
        src = catalog.sources[sid]
        c = reading.coverage if reading else None
        counts = (c.sentences, c.substantive, c.cited, c.percent) if c else (None,) * 4
        rows.append(
            {"source": sid, "title": src.title, **dict(zip(list(COVERAGE_COLUMNS)[2:], counts, strict=True))}
        )
        if reading and _text_published(src):
            texts[source_text_path(src.file)] = reading.text.encode("utf-8")
    originals = {  # after every text, in export_paths's order
        source_text_path(src.original): read_input(catalog.path.parent / src.original)
        for src in catalog.sources.values()
        if _original_published(src)
    }
    return {SOURCE_COVERAGE_PATH: csv_bytes(rows, list(COVERAGE_COLUMNS)), **texts, **originals}


def csv_safe_cell(value: Any) -> Any:
    """A CSV cell: lists joined, and text that a spreadsheet would run as a formula made inert
    with a leading apostrophe (the JSON download keeps every value exactly)."""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            value = json.dumps(value, ensure_ascii=False)
        else:
            value = "；".join(str(v) for v in value)
    return inert_cell(value) if isinstance(value, str) else value
