"""``datasette pilots.db -m pilots.metadata.json``: titles, licence, column descriptions and
two ready searches over the SQLite download."""

from __future__ import annotations

from typing import Any

from pilotkb.data.registry import MODELS, DataFile
from pilotkb.publish.opendata.release import Release
from pilotkb.publish.opendata.sqlite import sqlite_schema
from pilotkb.settings import SITE_NAME

QUERIES = {
    "search": {
        "title": "全文检索（三字及以上，如 河长制）",
        "sql": "select d.collection, d.record_id, d.title, snippet(documents_fts, 1, '【', '】', '…', 16) as snippet "
        "from documents_fts join documents d on d.rowid = documents_fts.rowid "
        "where documents_fts match :q order by rank limit 100",
    },
    "search_words": {
        "title": "按词检索（任意长度的词，如 扶贫）",
        "sql": "select d.collection, d.record_id, d.title from documents_words "
        "join documents d on d.rowid = documents_words.rowid "
        "where documents_words match :q order by rank limit 100",
    },
}


def datasette_metadata(release: Release) -> dict[str, Any]:
    """The metadata file's content: every table and column described."""
    _, docs = sqlite_schema()
    tables: dict[str, Any] = {}
    for coll in MODELS:
        tables[coll] = {"description": DataFile.model_fields[coll].description or coll}
    for table, column, desc in docs:
        tables.setdefault(table, {}).setdefault("columns", {})[column] = desc
    tables["documents"] = {
        "description": "全文检索：每条记录一行；检索框用 documents_fts（三字及以上的任意片段）",
        "fts_table": "documents_fts",
        "fts_pk": "rowid",
    }
    meta: dict[str, Any] = {
        "title": f"{SITE_NAME}开放数据",
        "description": f"数据日期：{release.data_date or '未公开'}；数据版本：{release.data_version}",
        "license": release.licence_title,
        "databases": {"pilots": {"tables": tables, "queries": QUERIES}},
    }
    if release.licence_url:
        meta["license_url"] = release.licence_url
    return meta
