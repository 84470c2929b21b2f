"""数据下载: every open-data file with its format, size, record count, licence and version."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.registry import MODELS, DataFile
from pilotkb.publish.export import JSON_PATH, SCHEMA_PATH, SOURCE_COVERAGE_PATH, csv_path, source_text_path
from pilotkb.publish.opendata import Release
from pilotkb.publish.opendata.release import DATAPACKAGE_PATH, DATASETTE_PATH, SQLITE_PATH, XLSX_PATH
from pilotkb.settings import SITE_NAME
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage

URI = "about/downloads.md"


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    if not ctx.settings.exports:
        return
    page = GeneratedPage(
        URI,
        "数据下载",
        partial(body, ctx),
        "index",
        "全部记录的 CSV、Excel、JSON、SQLite 下载，附许可协议、数据日期与版本",
    )
    page.inputs = ()  # the preview does not remake the downloads, nor this page
    page.last = True  # shows the sizes of the files a second process may still be making
    yield page


def body(ctx: Context) -> str:
    context = downloads_context(ctx.cat, ctx.publication.download_sizes, ctx.release)
    return ctx.render("about_downloads.md.j2", URI, **context)


def size_label(n: int) -> str:
    """A file size as the page shows it: B, KB or MB, one decimal."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _listed(catalog: Catalog) -> list[tuple[str, str, str, int | None, str]]:
    """(path, title, format, record count, note) of every download, in the page's order."""
    counts = {coll: len(getattr(catalog, coll)) for coll in MODELS}
    total = sum(counts.values())
    csvs = [
        (
            csv_path(coll),
            DataFile.model_fields[coll].description or coll,
            "CSV（UTF-8，带 BOM）",
            counts[coll],
            "每条记录一行；多项以“；”连接",
        )
        for coll in MODELS
    ]
    return [
        (JSON_PATH, "全部记录", "JSON", total, "与数据文件同构，字段见数据字典"),
        (
            XLSX_PATH,
            "全部记录",
            "Excel 工作簿（XLSX）",
            total,
            "首张工作表“说明”列出许可、数据日期和字段说明；每个集合一张工作表",
        ),
        (
            SQLITE_PATH,
            "全部记录",
            "SQLite 数据库",
            total,
            "关联表、外键与中文全文检索；可用 Datasette 或任何 SQL 工具打开",
        ),
        *csvs,
        (
            SOURCE_COVERAGE_PATH,
            "各来源的原文覆盖",
            "CSV（UTF-8，带 BOM）",
            counts["sources"],
            "每份来源一行：原文句子数、实质句数、已引用实质句数和覆盖率",
        ),
        *(
            (
                source_text_path(s.file),
                f"来源原文：{s.title}",
                "文本（UTF-8）",
                None,
                "各条记录的引文逐字出自其中",
            )
            for s in catalog.sources.values()
            if s.file
        ),
        (
            DATAPACKAGE_PATH,
            "数据包说明",
            "Frictionless Data Package（JSON）",
            None,
            "描述以上每个文件及其字段、类型和外键",
        ),
        (SCHEMA_PATH, "数据文件结构", "JSON Schema", None, "data/pilots.yaml 的结构定义"),
        (DATASETTE_PATH, "Datasette 元数据", "JSON", None, "datasette pilots.db -m pilots.metadata.json"),
    ]


def downloads_context(catalog: Catalog, sizes: Mapping[str, int], release: Release) -> dict[str, Any]:
    """The context of ``about_downloads.md.j2``: each download in ``sizes`` (path -> bytes)
    with its format, size and record count, and the licence, data date and data version
    they share."""
    rows = [
        {
            "path": path,
            "name": path.rsplit("/", 1)[-1],
            "title": title,
            "format": fmt,
            "size": size_label(sizes[path]),
            "bytes": sizes[path],
            "records": records,
            "note": note,
        }
        for path, title, fmt, records, note in _listed(catalog)
        if path in sizes
    ]
    return {
        "downloads": rows,
        "licence": release.licence,
        "licence_title": release.licence_title,
        "licence_url": release.licence_url,
        "data_date": release.data_date,
        "data_version": release.data_version,
        "site_name": SITE_NAME,
    }
