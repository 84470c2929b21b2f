"""The Frictionless ``datapackage.json``: every download with its size and hash, each CSV
with its table schema (types, constraints, foreign keys), the licence and the sources."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.model import DATE_RE, SLUG_RE
from pilotkb.data.registry import MODELS, DataFile
from pilotkb.publish.export import (
    COVERAGE_COLUMNS,
    DOWNLOADS,
    JSON_PATH,
    SCHEMA_PATH,
    SOURCE_COVERAGE_PATH,
    csv_path,
    source_text_path,
)
from pilotkb.publish.opendata.columns import LIST_SEP, Column, columns
from pilotkb.publish.opendata.release import DATASETTE_PATH, SQLITE_PATH, XLSX_PATH, Release
from pilotkb.settings import SITE_NAME

MEDIA_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "db": "application/vnd.sqlite3",
}

CSV_DESCRIPTION = (
    "每条记录一行；以 =、+、-、@ 开头的文字前加了一个撇号（'），"
    "以免电子表格把它当作公式；原值见 JSON、XLSX 与 SQLite。"
)

# The downloads that are not tables: (path, name, title, format, description).
FILE_RESOURCES = [
    (
        JSON_PATH,
        "pilots-json",
        "全部记录（JSON）",
        "json",
        "与数据文件同构：每个集合一个列表，字段与数据字典一致。",
    ),
    (SCHEMA_PATH, "pilots-schema", "数据文件的 JSON Schema", "json", "data/pilots.yaml 的 JSON Schema。"),
    (
        XLSX_PATH,
        "pilots-xlsx",
        "全部记录（Excel 工作簿）",
        "xlsx",
        "第一张工作表“说明”列出许可协议、数据日期、版本和字段说明；每个集合一张工作表。",
    ),
    (
        SQLITE_PATH,
        "pilots-sqlite",
        "全部记录（SQLite 数据库）",
        "db",
        "每个集合一张表，引用关系为关联表，含外键与全文检索（documents_fts、documents_words），可直接用 Datasette 打开。",
    ),
    (
        DATASETTE_PATH,
        "pilots-datasette-metadata",
        "Datasette 元数据",
        "json",
        "datasette pilots.db -m pilots.metadata.json",
    ),
]


def _field_schema(col: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": col.name, "description": col.description}
    constraints: dict[str, Any] = {}
    if col.kind == "scalar" and col.py_type is float:
        field["type"] = "number"
    else:
        field["type"] = "string"
    if col.kind == "nested":
        field["description"] += "（JSON 文本，每项字段见数据字典）"
    elif col.kind in ("list", "refs"):
        field["description"] += f"（多项以“{LIST_SEP}”连接）"
    elif isinstance(col.py_type, type) and issubclass(col.py_type, Enum):
        constraints["enum"] = [m.value for m in col.py_type]
    elif col.is_date:
        constraints["pattern"] = DATE_RE.pattern.strip("^$")
    elif col.is_slug:
        constraints["pattern"] = SLUG_RE.pattern.strip("^$")
    if col.required:
        constraints["required"] = True
    if col.name == "id":
        constraints["unique"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _relative(path: str) -> str:
    """A path in the site as the package states it: relative to ``downloads/``."""
    return path[len(DOWNLOADS) + 1 :]


def _digest(body: bytes) -> dict[str, Any]:
    return {"bytes": len(body), "hash": "sha256:" + hashlib.sha256(body).hexdigest()}


def _table_schema(coll: str, cols: list[Column]) -> dict[str, Any]:
    """Fields, primary key and the foreign keys of a collection's CSV."""
    fks = [
        {"fields": c.name, "reference": {"resource": "" if c.ref == coll else c.ref, "fields": "id"}}
        for c in cols
        if c.kind == "scalar" and c.ref
    ]
    schema: dict[str, Any] = {"fields": [_field_schema(c) for c in cols], "primaryKey": ["id"]}
    if fks:
        schema["foreignKeys"] = fks
    return schema


def _csv_resources(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    out = []
    for coll, model in MODELS.items():
        path = csv_path(coll)
        if path not in files:
            continue
        out.append(
            {
                "name": coll,
                "title": DataFile.model_fields[coll].description or coll,
                "path": _relative(path),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "description": CSV_DESCRIPTION,
                **_digest(files[path]),
                "schema": _table_schema(coll, columns(model, coll)),
            }
        )
    return out


def _file_resources(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "title": title,
            "path": _relative(path),
            # not a table: validated by size and hash only
            "type": "file",
            "format": fmt,
            "mediatype": MEDIA_TYPES[fmt],
            "description": desc,
            **_digest(files[path]),
        }
        for path, name, title, fmt, desc in FILE_RESOURCES
        if path in files
    ]


def _coverage_resource(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The table of each source's coverage (source_coverage.csv)."""
    if SOURCE_COVERAGE_PATH not in files:
        return []
    fields = [
        {"name": name, "type": "string" if name in ("source", "title") else "integer", "description": desc}
        for name, desc in COVERAGE_COLUMNS.items()
    ]
    fields[0]["constraints"] = {"required": True, "unique": True}
    return [
        {
            "name": "source-coverage",
            "title": "各来源的原文覆盖",
            "path": _relative(SOURCE_COVERAGE_PATH),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "description": "每份来源一行：原文句子数、实质句数、已被记录引用的实质句数和覆盖率。",
            **_digest(files[SOURCE_COVERAGE_PATH]),
            "schema": {
                "fields": fields,
                "primaryKey": ["source"],
                "foreignKeys": [{"fields": "source", "reference": {"resource": "sources", "fields": "id"}}],
            },
        }
    ]


def _text_resources(files: Mapping[str, bytes], catalog: Catalog) -> list[dict[str, Any]]:
    """The source texts the downloads hold (not those whose text is unpublished)."""
    out = []
    for s in catalog.sources.values():
        path = source_text_path(s.file) if s.file else ""
        if path not in files:
            continue
        out.append(
            {
                "name": f"source-text-{s.id}",
                "title": f"来源原文：{s.title}",
                "path": _relative(path),
                "type": "file",
                "format": "txt",
                "mediatype": "text/plain",
                "encoding": "utf-8",
                "description": f"来源 {s.id} 的原文文本（UTF-8），各条记录的 quote 逐字出自其中。"
                + ("文本由原件逐段提取，原件见下一项。" if s.original else ""),
                **_digest(files[path]),
            }
        )
        kept = source_text_path(s.original) if s.original else ""
        if kept in files:
            out.append(
                {
                    "name": f"source-original-{s.id}",
                    "title": f"来源原件：{s.title}",
                    "path": _relative(kept),
                    "type": "file",
                    "format": kept.rsplit(".", 1)[-1],
                    "mediatype": str(s.original_type),
                    "description": f"来源 {s.id} 的原件，逐字节保存；上一项原文文本由它提取。",
                    **_digest(files[kept]),
                }
            )
    return out


def _sources(catalog: Catalog) -> list[dict[str, Any]]:
    out = []
    for s in catalog.sources.values():
        src: dict[str, Any] = {"title": s.title}
        if s.link:
            src["path"] = s.link
        out.append(src)
    return out


def datapackage(files: Mapping[str, bytes], release: Release, catalog: Catalog) -> dict[str, Any]:
    """The descriptor of every download in ``files`` (paths relative to ``downloads/``)."""
    licence: dict[str, Any] = {"name": release.licence, "title": release.licence_title}
    if release.licence_url:
        licence["path"] = release.licence_url
    return {
        "profile": "data-package",
        "name": "pilotkb",
        "title": f"{SITE_NAME}开放数据",
        "description": f"改革试点及其可复制可推广经验的结构化记录。数据日期：{release.data_date or '未公开'}；"
        f"数据版本：{release.data_version}（数据文件 SHA-256 前 12 位）。",
        "version": release.data_version,
        "licenses": [licence],
        "sources": _sources(catalog),
        "keywords": ["改革试点", "可复制可推广经验"],
        "data_date": release.data_date,
        "resources": _csv_resources(files)
        + _coverage_resource(files)
        + _file_resources(files)
        + _text_resources(files, catalog),
    }
