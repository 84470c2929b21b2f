"""Open data beyond JSON and CSV: an XLSX workbook, a SQLite database (with a Datasette
metadata file) and a Frictionless ``datapackage.json`` describing every download.

Everything is generated from the collection registry and the pydantic models,
so a new field reaches every format, with its description, without code here. All bytes are
reproducible: no wall-clock time, no random ids.

Entry point: ``open_data_files(catalog, files, licence=..., data_date=..., data_version=...)``
where ``files`` are the downloads that ``export.export_files`` already made.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import sqlite3
import tempfile
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pilotkb.data.catalog import Catalog
from pilotkb.data.model import DATE_RE, SLUG_RE, _partial_date, _slug
from pilotkb.data.registry import MODELS, REGISTRY, DataFile
from pilotkb.errors import DataError, Problem
from pilotkb.publish.export import dictionary_rows, records_json
from pilotkb.settings import SITE_NAME

COLLECTIONS = MODELS
REFERENCES = {name: dict(c.references) for name, c in REGISTRY.items()}

DOWNLOADS = "downloads"
XLSX_PATH = f"{DOWNLOADS}/pilots.xlsx"
SQLITE_PATH = f"{DOWNLOADS}/pilots.db"
DATASETTE_PATH = f"{DOWNLOADS}/pilots.metadata.json"
DATAPACKAGE_PATH = f"{DOWNLOADS}/datapackage.json"
# what open_data_files makes (known before it runs: a second process may be making them)
OPEN_DATA_PATHS = (XLSX_PATH, SQLITE_PATH, DATASETTE_PATH, DATAPACKAGE_PATH)
JSON_PATH = f"{DOWNLOADS}/pilots.json"
SCHEMA_PATH = f"{DOWNLOADS}/pilots.schema.json"

LIST_SEP = "；"  # lists in one cell, as in the CSV downloads
XLSX_CELL_MAX = 32767  # Excel's limit on the characters of one cell

# Licences a site is likely to choose: SPDX id -> (Chinese title, English title, deed URL).
LICENCES: dict[str, tuple[str, str, str]] = {
    "CC-BY-4.0": (
        "署名 4.0 国际",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "署名—相同方式共享 4.0 国际",
        "Creative Commons Attribution Share-Alike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": (
        "CC0 1.0 通用（公共领域贡献）",
        "Creative Commons Zero v1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODbL-1.0": (
        "开放数据库许可 1.0",
        "Open Data Commons Open Database License v1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}

# A record's name in table and column names (pilot_id …) and its title in the full-text
# index: both from the registry.
SINGULAR = {name: c.search_type[0] for name, c in REGISTRY.items()}
TITLE_FIELD = {name: c.title_field for name, c in REGISTRY.items()}


@dataclass(frozen=True)
class Release:
    """What every download states about itself."""

    licence: str
    data_date: str | None
    data_version: str

    @property
    def licence_title(self) -> str:
        known = LICENCES.get(self.licence)
        return f"{known[0]}（{self.licence}）" if known else self.licence

    @property
    def licence_url(self) -> str | None:
        known = LICENCES.get(self.licence)
        return known[2] if known else None


def data_version(path: Path | str) -> str:
    """The data file's content hash: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


# --- the shape of each field ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "scalar" | "list" (of text) | "refs" (link table) | "nested" (child table)
    required: bool
    description: str
    py_type: Any  # str, float or an Enum class (for scalars and list items)
    is_date: bool = False
    is_slug: bool = False
    ref: str | None = None  # the collection a scalar or a list refers to
    item_model: type[BaseModel] | None = None


def _doc(f: FieldInfo) -> str:
    doc = f.description or ""
    for m in f.metadata:
        doc = doc or getattr(m, "description", None) or ""
    return doc


def _validators(f: FieldInfo) -> set[Callable[..., Any]]:
    return {getattr(m, "func", None) for m in f.metadata} - {None}


def columns(model: type[BaseModel], coll: str | None = None) -> list[Column]:
    """Each field of ``model`` classified for tables; ``coll`` gives its references."""
    refs = REFERENCES.get(coll or "", {})
    out = []
    for name, f in model.model_fields.items():
        ann = f.annotation
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        optional = type(None) in typing.get_args(ann)
        base = args[0] if optional and len(args) == 1 else ann
        if typing.get_origin(base) is typing.Annotated:  # an optional constrained type
            base = typing.get_args(base)[0]
        validators = _validators(f)
        ref = refs.get(name) or ("sources" if name == "source" else None)
        if typing.get_origin(base) is list:
            item = typing.get_args(base)[0]
            if isinstance(item, type) and issubclass(item, BaseModel):
                out.append(Column(name, "nested", f.is_required(), _doc(f), item, item_model=item))
            elif ref:
                out.append(Column(name, "refs", f.is_required(), _doc(f), str, ref=ref))
            else:
                out.append(Column(name, "list", f.is_required(), _doc(f), item))
        else:
            out.append(
                Column(
                    name,
                    "scalar",
                    f.is_required(),
                    _doc(f),
                    base,
                    is_date=_partial_date in validators,
                    is_slug=_slug in validators,
                    ref=ref,
                )
            )
    return out


def child_table(coll: str, field: str) -> str:
    """The SQLite table (and XLSX sheet key) of a reference list or a nested list."""
    return f"{SINGULAR[coll]}_{field}"


def child_sheet(coll: str, field: str) -> str:
    return f"{coll}.{field}"


def _nested_fields() -> Iterator[tuple[str, Column]]:
    for coll, model in COLLECTIONS.items():
        for col in columns(model, coll):
            if col.kind == "nested":
                yield coll, col


# --- XLSX ----------------------------------------------------------------------------


def _fixed_time(release: Release) -> _dt.datetime:
    """The workbook's created/modified date: the data date when it is known, else a fixed one,
    never the time of the build."""
    if release.data_date and (m := DATE_RE.match(release.data_date)):
        y, mo, d = m.groups()
        return _dt.datetime(int(y), int(mo or 1), int(d or 1))
    return _dt.datetime(2000, 1, 1)


def _xlsx_text(value: Any) -> str:
    return LIST_SEP.join(str(v) for v in value) if isinstance(value, list) else str(value)


def xlsx_bytes(catalog: Catalog, release: Release) -> bytes:
    """One workbook: 说明 (licence, data date, version, every field's description), then a
    sheet per collection and per nested list, header frozen. Every text is a string cell, so
    nothing that looks like a formula (= + - @) is ever run."""
    import xlsxwriter

    data = records_json(catalog)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    when = _fixed_time(release)
    wb.set_properties({"title": f"{SITE_NAME}开放数据", "author": SITE_NAME, "created": when})
    wb.set_custom_property("data_version", release.data_version)
    bold = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    too_long: list[Problem] = []

    def put(ws: Any, row: int, col: int, value: Any, where: tuple[str, str]) -> None:
        if value is None or value == []:
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            ws.write_number(row, col, value)
        else:
            text = _xlsx_text(value)
            if len(text) > XLSX_CELL_MAX:
                too_long.append(
                    Problem(
                        str(catalog.path),
                        0,
                        where[0],
                        where[1],
                        f"文字共 {len(text)} 字，超过 Excel 单元格上限；允许：不超过 {XLSX_CELL_MAX} 字",
                    )
                )
            ws.write_string(row, col, text)

    # -- 说明 --
    about = wb.add_worksheet("说明")
    about.set_column(0, 0, 24)
    about.set_column(1, 1, 22)
    about.set_column(2, 2, 12)
    about.set_column(3, 3, 70)
    info = [
        ("数据集", f"{SITE_NAME}开放数据"),
        ("许可协议", release.licence_title + (f" {release.licence_url}" if release.licence_url else "")),
        ("数据日期", release.data_date or "未公开"),
        ("数据版本", f"{release.data_version}（数据文件 SHA-256 前 12 位）"),
        (
            "说明",
            f"每个集合一张工作表；列表字段以“{LIST_SEP}”连接；"
            "试点的进展、关键指标和经验的推广采纳各有一张工作表（如 pilots.updates），"
            "以 position 标明在原列表中的次序，原表对应列为条数。",
        ),
    ]
    for r, (k, v) in enumerate(info):
        about.write_string(r, 0, k, bold)
        about.write_string(r, 1, v)
    r = len(info) + 1
    for c, h in enumerate(("工作表", "字段", "必填", "说明")):
        about.write_string(r, c, h, bold)
    about.freeze_panes(r + 1, 0)
    for table, desc, rows in dictionary_rows():
        r += 1
        about.write_string(r, 0, table, bold)
        about.write_string(r, 3, desc, wrap)
        for fname, type_name, required, doc in rows:
            r += 1
            about.write_string(r, 0, table)
            about.write_string(r, 1, fname)
            about.write_string(r, 2, "是" if required else "否")
            about.write_string(r, 3, f"{doc}（{type_name}）" if doc else type_name, wrap)

    def sheet(name: str, header: list[str], rows: list[tuple[str, list[Any]]]) -> None:
        ws = wb.add_worksheet(name)
        for c, h in enumerate(header):
            ws.write_string(0, c, h, bold)
        ws.freeze_panes(1, 0)
        ws.set_column(0, len(header) - 1, 18)
        for r, (rid, values) in enumerate(rows, start=1):
            for c, value in enumerate(values):
                put(ws, r, c, value, (rid, header[c]))
        if rows:
            ws.autofilter(0, 0, len(rows), len(header) - 1)

    for coll, model in COLLECTIONS.items():
        cols = columns(model, coll)
        rows = []
        for rec in data[coll]:
            rows.append((rec["id"], [len(rec[c.name]) if c.kind == "nested" else rec[c.name] for c in cols]))
        sheet(coll, [c.name for c in cols], rows)
    for coll, col in _nested_fields():
        assert col.item_model is not None
        item_cols = [c.name for c in columns(col.item_model)]
        parent = f"{SINGULAR[coll]}_id"
        rows = []
        for rec in data[coll]:
            for pos, item in enumerate(rec[col.name], start=1):
                rows.append((rec["id"], [rec["id"], pos, *(item[c] for c in item_cols)]))
        sheet(child_sheet(coll, col.name), [parent, "position", *item_cols], rows)
    if too_long:
        raise DataError(too_long)
    wb.close()
    return buf.getvalue()


# --- SQLite --------------------------------------------------------------------------


def _sql_type(col: Column) -> str:
    return "REAL" if col.py_type is float else "TEXT"


def _sql_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "list":
        return json.dumps(value, ensure_ascii=False)
    return value


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _texts(value: Any) -> Iterator[str]:
    """Every string inside a record (for the full-text index), in field order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)


def _sqlite_schema() -> tuple[list[str], list[tuple[str, str, str]]]:
    """CREATE statements, and (table, column, description) for every column."""
    stmts: list[str] = []
    docs: list[tuple[str, str, str]] = []
    for coll, model in COLLECTIONS.items():
        cols = columns(model, coll)
        defs: list[str] = []
        fks: list[str] = []
        for c in cols:
            if c.kind in ("refs", "nested"):
                continue
            d = f"{_q(c.name)} {_sql_type(c)}"
            if c.name == "id":
                d += " PRIMARY KEY NOT NULL"
            elif c.required:
                d += " NOT NULL"
            defs.append(d)
            if c.ref:
                fks.append(f"FOREIGN KEY ({_q(c.name)}) REFERENCES {_q(c.ref)}(id)")
            docs.append((coll, c.name, c.description + ("（JSON 数组）" if c.kind == "list" else "")))
        stmts.append(f"CREATE TABLE {_q(coll)} (\n  " + ",\n  ".join(defs + fks) + "\n)")
        owner = f"{SINGULAR[coll]}_id"
        for c in cols:
            table = child_table(coll, c.name)
            if c.kind == "refs":
                assert c.ref is not None
                target = f"{SINGULAR[c.ref]}_id"
                if target == owner:
                    target = "other_" + target
                stmts.append(
                    f"CREATE TABLE {_q(table)} (\n  {owner} TEXT NOT NULL REFERENCES {_q(coll)}(id),\n"
                    f"  position INTEGER NOT NULL,\n  {target} TEXT NOT NULL REFERENCES {_q(c.ref)}(id),\n"
                    f"  PRIMARY KEY ({owner}, position)\n)"
                )
                stmts.append(f"CREATE INDEX {_q(table + '_' + target)} ON {_q(table)}({target})")
                docs += [
                    (table, owner, f"{coll} 的 id"),
                    (table, "position", "在原列表中的次序（从 1 起）"),
                    (table, target, f"{c.description}（{c.ref} 的 id）"),
                ]
            elif c.kind == "nested":
                assert c.item_model is not None
                item_cols = columns(c.item_model)
                defs = [f"{owner} TEXT NOT NULL REFERENCES {_q(coll)}(id)", "position INTEGER NOT NULL"]
                docs += [
                    (table, owner, f"{coll} 的 id"),
                    (table, "position", "在原列表中的次序（从 1 起）"),
                ]
                for ic in item_cols:
                    d = f"{_q(ic.name)} {_sql_type(ic)}" + (" NOT NULL" if ic.required else "")
                    if ic.ref:
                        d += f" REFERENCES {_q(ic.ref)}(id)"
                    defs.append(d)
                    docs.append(
                        (table, ic.name, ic.description + ("（JSON 数组）" if ic.kind == "list" else ""))
                    )
                defs.append(f"PRIMARY KEY ({owner}, position)")
                stmts.append(f"CREATE TABLE {_q(table)} (\n  " + ",\n  ".join(defs) + "\n)")
    return stmts, docs


FTS_STATEMENTS = [
    "CREATE TABLE documents (\n  rowid INTEGER PRIMARY KEY,\n  collection TEXT NOT NULL,\n"
    "  record_id TEXT NOT NULL,\n  title TEXT NOT NULL,\n  body TEXT NOT NULL\n)",
    # Any run of three or more characters, as written: 河长制, 资产收益扶贫 …
    'CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, content="documents", '
    "content_rowid=\"rowid\", tokenize='trigram')",
    # Whole words of any length, 扶贫 and 河长 included: the text cut by jieba with the
    # catalogue's own words (as the site search does), spaces between words. Contentless: the
    # cut text is only indexed, not stored (it would double the file); join documents by rowid.
    "CREATE VIRTUAL TABLE documents_words USING fts5(words, content='', tokenize='unicode61')",
]


def sqlite_bytes(catalog: Catalog, release: Release) -> bytes:
    """A table per collection (primary key ``id``), a link table per reference list, a child
    table per nested list, foreign keys declared, and two full-text indexes."""
    from pilotkb.search import Segmenter, data_words

    data = records_json(catalog)
    stmts, docs = _sqlite_schema()
    seg = Segmenter(data_words(catalog))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pilots.db"
        db = sqlite3.connect(path)
        try:
            db.execute("PRAGMA page_size = 4096")
            with db:
                for s in stmts + FTS_STATEMENTS:
                    db.execute(s)
                db.execute("CREATE TABLE about (key TEXT PRIMARY KEY NOT NULL, value TEXT)")
                db.executemany(
                    "INSERT INTO about VALUES (?, ?)",
                    [
                        ("title", f"{SITE_NAME}开放数据"),
                        ("licence", release.licence),
                        ("licence_title", release.licence_title),
                        ("licence_url", release.licence_url),
                        ("data_date", release.data_date),
                        ("data_version", release.data_version),
                    ],
                )
                db.execute(
                    "CREATE TABLE fields (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
                    "description TEXT NOT NULL, PRIMARY KEY (table_name, column_name))"
                )
                db.executemany("INSERT INTO fields VALUES (?, ?, ?)", docs)
                rowid = 0
                for coll, model in COLLECTIONS.items():
                    cols = columns(model, coll)
                    flat = [c for c in cols if c.kind in ("scalar", "list")]
                    # the words of a record, not the ids it refers to
                    text_cols = [c.name for c in cols if c.name != "id" and not c.ref]
                    sql = f"INSERT INTO {_q(coll)} ({', '.join(_q(c.name) for c in flat)}) VALUES ({', '.join('?' * len(flat))})"
                    for rec in data[coll]:
                        db.execute(sql, [_sql_value(c, rec[c.name]) for c in flat])
                        for c in cols:
                            table = child_table(coll, c.name)
                            if c.kind == "refs":
                                db.executemany(
                                    f"INSERT INTO {_q(table)} VALUES (?, ?, ?)",
                                    [(rec["id"], i, ref) for i, ref in enumerate(rec[c.name], start=1)],
                                )
                            elif c.kind == "nested":
                                assert c.item_model is not None
                                item_cols = columns(c.item_model)
                                db.executemany(
                                    f"INSERT INTO {_q(table)} VALUES ({', '.join('?' * (len(item_cols) + 2))})",
                                    [
                                        (rec["id"], i, *(_sql_value(ic, item[ic.name]) for ic in item_cols))
                                        for i, item in enumerate(rec[c.name], start=1)
                                    ],
                                )
                        rowid += 1
                        title = str(rec[TITLE_FIELD[coll]])
                        body = "\n".join(t for c in text_cols for t in _texts(rec[c]))
                        words = " ".join(term for term, _ in seg.terms(body))
                        db.execute(
                            "INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                            (rowid, coll, rec["id"], title, body),
                        )
                        db.execute("INSERT INTO documents_words(rowid, words) VALUES (?, ?)", (rowid, words))
                db.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
                db.execute("INSERT INTO documents_fts(documents_fts) VALUES ('optimize')")
                db.execute("INSERT INTO documents_words(documents_words) VALUES ('optimize')")
            db.execute("VACUUM")
        finally:
            db.close()
        return path.read_bytes()


def datasette_metadata(release: Release) -> dict[str, Any]:
    """``datasette pilots.db -m pilots.metadata.json``: titles, licence, column descriptions and
    two ready searches."""
    _, docs = _sqlite_schema()
    tables: dict[str, Any] = {}
    for coll in COLLECTIONS:
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
        "databases": {
            "pilots": {
                "tables": tables,
                "queries": {
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
                },
            }
        },
    }
    if release.licence_url:
        meta["license_url"] = release.licence_url
    return meta


# --- Frictionless data package -------------------------------------------------------


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


_MEDIA = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "db": "application/vnd.sqlite3",
}


def datapackage(files: Mapping[str, bytes], release: Release, catalog: Catalog) -> dict[str, Any]:
    """The descriptor of every download (paths relative to ``downloads/``)."""
    resources: list[dict[str, Any]] = []

    def rel(path: str) -> str:
        return path[len(DOWNLOADS) + 1 :]

    def digest(path: str) -> dict[str, Any]:
        return {"bytes": len(files[path]), "hash": "sha256:" + hashlib.sha256(files[path]).hexdigest()}

    for coll, model in COLLECTIONS.items():
        path = f"{DOWNLOADS}/{coll}.csv"
        if path not in files:
            continue
        cols = columns(model, coll)
        fks = []
        for c in cols:
            if c.kind == "scalar" and c.ref:
                fks.append(
                    {
                        "fields": c.name,
                        "reference": {"resource": "" if c.ref == coll else c.ref, "fields": "id"},
                    }
                )
        schema: dict[str, Any] = {"fields": [_field_schema(c) for c in cols], "primaryKey": ["id"]}
        if fks:
            schema["foreignKeys"] = fks
        resources.append(
            {
                "name": coll,
                "title": DataFile.model_fields[coll].description or coll,
                "path": rel(path),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "description": "每条记录一行；以 =、+、-、@ 开头的文字前加了一个撇号（'），"
                "以免电子表格把它当作公式；原值见 JSON、XLSX 与 SQLite。",
                **digest(path),
                "schema": schema,
            }
        )
    extras = [
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
    for path, name, title, fmt, desc in extras:
        if path in files:
            resources.append(
                {
                    "name": name,
                    "title": title,
                    "path": rel(path),
                    # not a table: validated by size and hash only
                    "type": "file",
                    "format": fmt,
                    "mediatype": _MEDIA[fmt],
                    "description": desc,
                    **digest(path),
                }
            )
    licence: dict[str, Any] = {"name": release.licence, "title": release.licence_title}
    if release.licence_url:
        licence["path"] = release.licence_url
    sources = []
    for s in catalog.sources.values():
        src: dict[str, Any] = {"title": s.title}
        if s.link:
            src["path"] = s.link
        sources.append(src)
    return {
        "profile": "data-package",
        "name": "pilotkb",
        "title": f"{SITE_NAME}开放数据",
        "description": f"改革试点及其可复制可推广经验的结构化记录。数据日期：{release.data_date or '未公开'}；"
        f"数据版本：{release.data_version}（数据文件 SHA-256 前 12 位）。",
        "version": release.data_version,
        "licenses": [licence],
        "sources": sources,
        "keywords": ["改革试点", "可复制可推广经验"],
        "data_date": release.data_date,
        "resources": resources,
    }


def _json_bytes(value: Any) -> bytes:
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
        DATASETTE_PATH: _json_bytes(datasette_metadata(release)),
    }
    out[DATAPACKAGE_PATH] = _json_bytes(datapackage({**files, **out}, release, catalog))
    return out


# --- the 数据下载 page ----------------------------------------------------------------


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def downloads_context(
    catalog: Catalog,
    files: Mapping[str, bytes],
    *,
    licence: str,
    data_date: str | None,
    data_version: str,
) -> dict[str, Any]:
    """The context of ``downloads.md.j2``: each download in ``files`` with its format, size
    and record count, and the licence, data date and data version they share."""
    release = Release(licence, data_date, data_version)
    counts = {coll: len(getattr(catalog, coll)) for coll in COLLECTIONS}
    total = sum(counts.values())
    rows: list[dict[str, Any]] = []

    def add(path: str, title: str, fmt: str, records: int | None, note: str) -> None:
        if path in files:
            rows.append(
                {
                    "path": path,
                    "name": path.rsplit("/", 1)[-1],
                    "title": title,
                    "format": fmt,
                    "size": _size(len(files[path])),
                    "bytes": len(files[path]),
                    "records": records,
                    "note": note,
                }
            )

    add(JSON_PATH, "全部记录", "JSON", total, "与数据文件同构，字段见数据字典")
    add(
        XLSX_PATH,
        "全部记录",
        "Excel 工作簿（XLSX）",
        total,
        "首张工作表“说明”列出许可、数据日期和字段说明；每个集合一张工作表",
    )
    add(
        SQLITE_PATH,
        "全部记录",
        "SQLite 数据库",
        total,
        "关联表、外键与中文全文检索；可用 Datasette 或任何 SQL 工具打开",
    )
    for coll in COLLECTIONS:
        desc = DataFile.model_fields[coll].description or coll
        add(
            f"{DOWNLOADS}/{coll}.csv",
            desc,
            "CSV（UTF-8，带 BOM）",
            counts[coll],
            "每条记录一行；多项以“；”连接",
        )
    add(
        DATAPACKAGE_PATH,
        "数据包说明",
        "Frictionless Data Package（JSON）",
        None,
        "描述以上每个文件及其字段、类型和外键",
    )
    add(SCHEMA_PATH, "数据文件结构", "JSON Schema", None, "data/pilots.yaml 的结构定义")
    add(DATASETTE_PATH, "Datasette 元数据", "JSON", None, "datasette pilots.db -m pilots.metadata.json")
    return {
        "downloads": rows,
        "licence": release.licence,
        "licence_title": release.licence_title,
        "licence_url": release.licence_url,
        "data_date": data_date,
        "data_version": data_version,
        "site_name": SITE_NAME,
    }
