"""The SQLite database: a table per collection (primary key ``id``), a link table per
reference list, a child table per nested list, foreign keys declared, the field descriptions
in a table of their own, and two full-text indexes (any three characters; whole words)."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.registry import MODELS
from pilotkb.publish.export import records_json
from pilotkb.publish.opendata.columns import SINGULAR, TITLE_FIELD, Column, child_table, columns
from pilotkb.publish.opendata.release import Release
from pilotkb.settings import SITE_NAME

if TYPE_CHECKING:
    from pilotkb.search import Segmenter

# (table, column, description) of every column, for the fields table and Datasette
ColumnDoc = tuple[str, str, str]

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


def _sql_type(col: Column) -> str:
    return "REAL" if col.py_type is float else "TEXT"


def _sql_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "list":
        return json.dumps(value, ensure_ascii=False)
    return value


def quote_name(name: str) -> str:
    """An SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def _list_note(col: Column) -> str:
    return "（JSON 数组）" if col.kind == "list" else ""


def _record_texts(value: Any) -> Iterator[str]:
    """Every string inside a record (for the full-text index), in field order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _record_texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _record_texts(v)


def _collection_table(coll: str, cols: list[Column]) -> tuple[str, list[ColumnDoc]]:
    """The CREATE statement of a collection's own table (scalars and text lists)."""
    defs: list[str] = []
    fks: list[str] = []
    docs: list[ColumnDoc] = []
    for c in cols:
        if c.kind in ("refs", "nested"):
            continue
        d = f"{quote_name(c.name)} {_sql_type(c)}"
        if c.name == "id":
            d += " PRIMARY KEY NOT NULL"
        elif c.required:
            d += " NOT NULL"
        defs.append(d)
        if c.ref:
            fks.append(f"FOREIGN KEY ({quote_name(c.name)}) REFERENCES {quote_name(c.ref)}(id)")
        docs.append((coll, c.name, c.description + _list_note(c)))
    return f"CREATE TABLE {quote_name(coll)} (\n  " + ",\n  ".join(defs + fks) + "\n)", docs


def _link_table(coll: str, c: Column) -> tuple[list[str], list[ColumnDoc]]:
    """A reference list: (owner id, position, target id), indexed by target."""
    assert c.ref is not None
    table, owner = child_table(coll, c.name), f"{SINGULAR[coll]}_id"
    target = f"{SINGULAR[c.ref]}_id"
    if target == owner:
        target = "other_" + target
    q = quote_name
    stmts = [
        f"CREATE TABLE {q(table)} (\n  {owner} TEXT NOT NULL REFERENCES {q(coll)}(id),\n"
        f"  position INTEGER NOT NULL,\n  {target} TEXT NOT NULL REFERENCES {q(c.ref)}(id),\n"
        f"  PRIMARY KEY ({owner}, position)\n)",
        f"CREATE INDEX {q(table + '_' + target)} ON {q(table)}({target})",
    ]
    docs = [
        (table, owner, f"{coll} 的 id"),
        (table, "position", "在原列表中的次序（从 1 起）"),
        (table, target, f"{c.description}（{c.ref} 的 id）"),
    ]
    return stmts, docs


def _child_table(coll: str, c: Column) -> tuple[str, list[ColumnDoc]]:
    """A nested list: (owner id, position, the item's fields)."""
    assert c.item_model is not None
    table, owner = child_table(coll, c.name), f"{SINGULAR[coll]}_id"
    defs = [f"{owner} TEXT NOT NULL REFERENCES {quote_name(coll)}(id)", "position INTEGER NOT NULL"]
    docs = [(table, owner, f"{coll} 的 id"), (table, "position", "在原列表中的次序（从 1 起）")]
    for ic in columns(c.item_model):
        d = f"{quote_name(ic.name)} {_sql_type(ic)}" + (" NOT NULL" if ic.required else "")
        if ic.ref:
            d += f" REFERENCES {quote_name(ic.ref)}(id)"
        defs.append(d)
        docs.append((table, ic.name, ic.description + _list_note(ic)))
    defs.append(f"PRIMARY KEY ({owner}, position)")
    return f"CREATE TABLE {quote_name(table)} (\n  " + ",\n  ".join(defs) + "\n)", docs


def sqlite_schema() -> tuple[list[str], list[ColumnDoc]]:
    """CREATE statements, and (table, column, description) for every column."""
    stmts: list[str] = []
    docs: list[ColumnDoc] = []
    for coll, model in MODELS.items():
        cols = columns(model, coll)
        stmt, more = _collection_table(coll, cols)
        stmts.append(stmt)
        docs += more
        for c in cols:
            if c.kind == "refs":
                link, more = _link_table(coll, c)
                stmts += link
                docs += more
            elif c.kind == "nested":
                stmt, more = _child_table(coll, c)
                stmts.append(stmt)
                docs += more
    return stmts, docs


def _about_rows(release: Release) -> list[tuple[str, str | None]]:
    return [
        ("title", f"{SITE_NAME}开放数据"),
        ("licence", release.licence),
        ("licence_title", release.licence_title),
        ("licence_url", release.licence_url),
        ("data_date", release.data_date),
        ("data_version", release.data_version),
    ]


def _insert_children(db: sqlite3.Connection, coll: str, cols: list[Column], rec: dict[str, Any]) -> None:
    """The rows of a record's reference lists and nested lists, by position."""
    for c in cols:
        table = quote_name(child_table(coll, c.name))
        if c.kind == "refs":
            db.executemany(
                f"INSERT INTO {table} VALUES (?, ?, ?)",
                [(rec["id"], i, ref) for i, ref in enumerate(rec[c.name], start=1)],
            )
        elif c.kind == "nested":
            assert c.item_model is not None
            item_cols = columns(c.item_model)
            db.executemany(
                f"INSERT INTO {table} VALUES ({', '.join('?' * (len(item_cols) + 2))})",
                [
                    (rec["id"], i, *(_sql_value(ic, item[ic.name]) for ic in item_cols))
                    for i, item in enumerate(rec[c.name], start=1)
                ],
            )


def _insert_records(db: sqlite3.Connection, data: dict[str, Any], seg: Segmenter) -> None:
    """Every record in its tables and, numbered in registry order, in the full-text indexes."""
    rowid = 0
    for coll, model in MODELS.items():
        cols = columns(model, coll)
        flat = [c for c in cols if c.kind in ("scalar", "list")]
        # the words of a record, not the ids it refers to
        text_cols = [c.name for c in cols if c.name != "id" and not c.ref]
        names = ", ".join(quote_name(c.name) for c in flat)
        sql = f"INSERT INTO {quote_name(coll)} ({names}) VALUES ({', '.join('?' * len(flat))})"
        for rec in data[coll]:
            db.execute(sql, [_sql_value(c, rec[c.name]) for c in flat])
            _insert_children(db, coll, cols, rec)
            rowid += 1
            title = str(rec[TITLE_FIELD[coll]])
            body = "\n".join(t for c in text_cols for t in _record_texts(rec[c]))
            words = " ".join(term for term, _ in seg.terms(body))
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?)", (rowid, coll, rec["id"], title, body))
            db.execute("INSERT INTO documents_words(rowid, words) VALUES (?, ?)", (rowid, words))


def _fill(db: sqlite3.Connection, catalog: Catalog, release: Release) -> None:
    from pilotkb.search import Segmenter, data_words, text_chars

    stmts, docs = sqlite_schema()
    for s in stmts + FTS_STATEMENTS:
        db.execute(s)
    db.execute("CREATE TABLE about (key TEXT PRIMARY KEY NOT NULL, value TEXT)")
    db.executemany("INSERT INTO about VALUES (?, ?)", _about_rows(release))
    db.execute(
        "CREATE TABLE fields (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
        "description TEXT NOT NULL, PRIMARY KEY (table_name, column_name))"
    )
    db.executemany("INSERT INTO fields VALUES (?, ?, ?)", docs)
    # jieba's dictionary read only for the characters the records hold (~45 MB less)
    _insert_records(db, records_json(catalog), Segmenter(data_words(catalog), text_chars(catalog)))
    db.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    db.execute("INSERT INTO documents_fts(documents_fts) VALUES ('optimize')")
    db.execute("INSERT INTO documents_words(documents_words) VALUES ('optimize')")


def sqlite_bytes(catalog: Catalog, release: Release) -> bytes:
    """The database file's bytes: made in a temporary file, in one transaction, then vacuumed."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pilots.db"
        db = sqlite3.connect(path)
        try:
            db.execute("PRAGMA page_size = 4096")
            with db:
                _fill(db, catalog, release)
            db.execute("VACUUM")
        finally:
            db.close()
        return path.read_bytes()
