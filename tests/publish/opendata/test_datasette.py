"""``pilots.metadata.json`` for Datasette: every table and column of the database described,
the licence and version stated, and the two ready searches run and find what the data holds."""

from __future__ import annotations

import json
from typing import Any

from ..conftest import COLLS, DATA_DATE, holding, open_db


def metadata(ds: dict[str, Any]) -> dict[str, Any]:
    return json.loads((ds["dir"] / "pilots.metadata.json").read_text(encoding="utf-8"))


def test_every_table_and_column_of_the_database_is_described(real):
    db = open_db(real)
    tables = metadata(real)["databases"]["pilots"]["tables"]
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    data_tables = [n for n in names if n not in ("about", "fields") and not n.startswith("documents")]
    assert set(COLLS) <= set(data_tables) and "pilot_areas" in data_tables and "pilot_updates" in data_tables
    for name in data_tables:
        cols = {r["name"] for r in db.execute(f"PRAGMA table_info('{name}')")}
        described = tables[name]["columns"]
        assert set(described) == cols, name
        assert all(desc.strip() for desc in described.values()), name
    for coll in COLLS:
        assert tables[coll]["description"], coll
    assert tables["documents"]["fts_table"] == "documents_fts"


def test_licence_date_and_version_are_stated(real):
    meta = metadata(real)
    assert meta["license"] == "署名 4.0 国际（CC-BY-4.0）"
    assert meta["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert DATA_DATE in meta["description"] and real["version"] in meta["description"]


def test_ready_searches_run_and_find_the_records_holding_the_words(real):
    db = open_db(real)
    queries = metadata(real)["databases"]["pilots"]["queries"]

    def found(query: str, q: str) -> set[tuple[str, str]]:
        return {(r["collection"], r["record_id"]) for r in db.execute(queries[query]["sql"], {"q": q})}

    want = holding(real["raw"], "河长制")
    assert want and found("search", "河长制") == want
    hits = db.execute(queries["search"]["sql"], {"q": "河长制"}).fetchall()
    assert any("【河长制】" in r["snippet"] for r in hits)  # the match marked in the text
    assert ("pilots", "poverty-reform-experimental-zone") in found("search_words", "扶贫")
    assert found("search_words", "扶贫") <= holding(real["raw"], "扶贫")
