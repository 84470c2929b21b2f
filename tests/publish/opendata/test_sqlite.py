"""The SQLite database: every record and field, joins through the link tables, foreign keys that
hold, and Chinese full-text search."""

from __future__ import annotations

import json

import pytest

from ..conftest import (
    BOTH,
    COLLS,
    NESTED,
    SINGULAR,
    as_list,
    holding,
    is_ref_list,
    open_db,
    records,
    yaml_scalar,
)


@pytest.mark.parametrize("which", BOTH)
def test_sqlite_join_of_pilots_to_their_coverage(which, request):
    ds = request.getfixturevalue(which)
    raw = ds["raw"]
    # links are declared on either side: the pilot's coverage list or the report's pilots list
    want = {(p["id"], c) for p in records(raw, "pilots") for c in p.get("coverage") or []}
    want |= {(p, c["id"]) for c in records(raw, "coverage") for p in c.get("pilots") or []}
    got = set(
        tuple(r)
        for r in open_db(ds).execute(
            """
            SELECT p.id, c.id FROM pilots p
              JOIN pilot_coverage l ON l.pilot_id = p.id JOIN coverage c ON c.id = l.coverage_id
            UNION
            SELECT p.id, c.id FROM coverage c
              JOIN coverage_pilots l ON l.coverage_id = c.id JOIN pilots p ON p.id = l.pilot_id
            """
        )
    )
    assert got == want
    if which == "real":
        assert len(want) >= 5  # the test is not vacuous


@pytest.mark.parametrize("which", BOTH)
def test_sqlite_is_intact_and_its_foreign_keys_are_declared_and_hold(which, request):
    db = open_db(request.getfixturevalue(which))
    assert [tuple(r) for r in db.execute("PRAGMA integrity_check")] == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = {
        (table, r["from"], r["table"])
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for r in db.execute(f"PRAGMA foreign_key_list('{table}')")
    }
    for expected in (
        ("pilot_areas", "pilot_id", "pilots"),
        ("pilot_areas", "area_id", "areas"),
        ("pilot_coverage", "coverage_id", "coverage"),
        ("experience_pilots", "pilot_id", "pilots"),
        ("areas", "parent", "areas"),
        ("pilots", "source", "sources"),
        ("pilot_updates", "pilot_id", "pilots"),
        ("experience_adoptions", "source", "sources"),
    ):
        assert expected in fks


@pytest.mark.parametrize("which", BOTH)
def test_sqlite_has_every_record_and_field_with_its_value(which, request):
    ds = request.getfixturevalue(which)
    db = open_db(ds)
    for coll in COLLS:
        owner = f"{SINGULAR[coll]}_id"
        rows = db.execute(f"SELECT * FROM {coll} ORDER BY rowid").fetchall()
        recs = records(ds["raw"], coll)
        assert [r["id"] for r in rows] == [r["id"] for r in recs], coll
        pk = [r["name"] for r in db.execute(f"PRAGMA table_info('{coll}')") if r["pk"]]
        assert pk == ["id"]
        for rec, row in zip(recs, rows, strict=True):
            for field, value in rec.items():
                if (coll, field) in NESTED:
                    items = db.execute(
                        f"SELECT * FROM {SINGULAR[coll]}_{field} WHERE {owner} = ? ORDER BY position",
                        (rec["id"],),
                    ).fetchall()
                    assert len(items) == len(value)
                    for item, got in zip(value, items, strict=True):
                        for k, v in item.items():
                            want = as_list(v) if isinstance(v, list) or k == "quote" else yaml_scalar(k, v)
                            have = json.loads(got[k]) if isinstance(want, list) else got[k]
                            assert have == want, (coll, rec["id"], field, k)
                elif is_ref_list(coll, field):
                    target = [c for c in db.execute(f"PRAGMA table_info('{SINGULAR[coll]}_{field}')")][2][
                        "name"
                    ]
                    links = db.execute(
                        f"SELECT {target} FROM {SINGULAR[coll]}_{field} WHERE {owner} = ? ORDER BY position",
                        (rec["id"],),
                    ).fetchall()
                    assert [r[0] for r in links] == list(value), (coll, rec["id"], field)
                elif isinstance(value, list) or field == "quote":
                    assert json.loads(row[field]) == as_list(value), (coll, rec["id"], field)
                else:
                    assert row[field] == yaml_scalar(field, value), (coll, rec["id"], field)


def test_sqlite_full_text_finds_chinese_words(real):
    db = open_db(real)

    def search(table: str, query: str) -> set[tuple[str, str]]:
        return set(
            tuple(r)
            for r in db.execute(
                f"SELECT d.collection, d.record_id FROM {table} JOIN documents d ON d.rowid = {table}.rowid "
                f"WHERE {table} MATCH ?",
                (query,),
            )
        )

    for word in ("河长制", "改革试点", "资产收益扶贫"):
        want = holding(real["raw"], word)
        assert want, word
        assert search("documents_fts", word) == want, word
    # two-character words: found by the word index (the trigram index needs three)
    for word in ("扶贫", "淄川"):
        want = holding(real["raw"], word)
        assert want, word
        assert search("documents_fts", word) == set()
        got = search("documents_words", word)
        assert got <= want
        assert len(got) >= 0.8 * len(want), (word, sorted(want - got))
    assert ("pilots", "poverty-reform-experimental-zone") in search("documents_words", "扶贫")
