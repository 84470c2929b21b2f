"""The catalogue: links declared on either side shown on both, citations and "cited by"."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pilotkb import load_catalog
from pilotkb.data.catalog import Catalog
from pilotkb.data.registry import REGISTRY, DataFile, cited_parts

from ..conftest import FIXTURES, ROOT

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))

# Links written on one side only, in both directions, and a hierarchy (area.parent).
SMALL = {
    "sources": [
        {"id": "s1", "title": "甲", "kind": "报告"},
        {"id": "s2", "title": "乙", "kind": "报告"},
        {"id": "unused", "title": "丙", "kind": "报告"},
    ],
    "areas": [
        {"id": "city", "name": "市", "kind": "市", "source": "s1", "quote": "市。"},
        {"id": "town", "name": "区", "kind": "区", "parent": "city", "source": "s1", "quote": "区。"},
    ],
    "pilots": [
        {
            "id": "p1",
            "name": "一",
            "areas": ["town"],
            "coverage": ["c2"],
            "source": "s1",
            "quote": ["第一句。", "第二句。"],
            "metrics": [{"name": "量", "value": "3个", "source": "s2", "quote": "共3个。"}],
        },
        {"id": "p2", "name": "二", "source": "s1", "quote": "第一句。第二句。"},
    ],
    "experiences": [
        {"id": "x1", "title": "做法", "summary": "做法。", "pilots": ["p1"], "source": "s1", "quote": "甲"}
    ],
    "coverage": [
        {"id": "c1", "outlet": "报", "covers": "一", "pilots": ["p1", "p2"], "source": "s1", "quote": "报"},
        {"id": "c2", "outlet": "台", "column": "栏", "covers": "二", "source": "s1", "quote": "台"},
    ],
    "events": [
        {
            "id": "e1",
            "title": "会",
            "kind": "现场会",
            "pilots": ["p2"],
            "experiences": ["x1"],
            "source": "s2",
            "quote": "会",
        }
    ],
}


@pytest.fixture(scope="module")
def small() -> Catalog:
    return Catalog(DataFile.model_validate(SMALL), Path("pilots.yaml"))


def test_a_link_written_on_either_side_shows_on_both_in_data_order(small):
    # p1 names c2; c1 names p1: both are p1's coverage, in the order of the coverage list
    assert small.linked("pilots", "p1", "coverage") == ["c1", "c2"]
    assert small.linked("coverage", "c2", "pilots") == ["p1"]
    assert small.linked("coverage", "c1", "pilots") == ["p1", "p2"]
    assert small.linked("pilots", "p1", "experiences") == ["x1"]
    assert small.linked("experiences", "x1", "events") == ["e1"]
    assert small.linked("pilots", "p2", "experiences") == []


def test_relations_list_every_other_collection_but_sources(small):
    rel = small.relations("pilots", "p2")
    assert set(rel) == set(REGISTRY) - {"sources"}
    assert {k: [r.id for r in v] for k, v in rel.items() if v} == {"coverage": ["c1"], "events": ["e1"]}


def test_a_hierarchy_is_not_a_link(small):
    assert small.linked("areas", "town", "areas") == [] and small.linked("areas", "city", "areas") == []
    assert [r.id for r in small.relations("areas", "town")["pilots"]] == ["p1"]


def test_cited_by_names_records_citing_a_source_through_any_part(small):
    by = {k: [r.id for r in v] for k, v in small.cited_by("s2").items()}
    assert by["pilots"] == ["p1"]  # through its metric only
    assert by["events"] == ["e1"] and by["coverage"] == [] and "sources" not in by
    assert small.cited_by("unused") == {c: [] for c in REGISTRY if c != "sources"}


def test_citations_group_quotes_by_source_and_drop_a_quote_inside_another(small):
    p1 = small.citations("pilots", small.pilots["p1"])
    assert [(c["source"].id, c["quotes"]) for c in p1] == [
        ("s1", ["第一句。", "第二句。"]),
        ("s2", ["共3个。"]),
    ]
    p2 = small.citations("pilots", small.pilots["p2"])
    assert [(c["source"].id, c["quotes"]) for c in p2] == [("s1", ["第一句。第二句。"])]


def test_records_by_collection_keep_data_order(small):
    assert list(small.coverage) == ["c1", "c2"] and small.records["pilots"]["p2"].name == "二"
    with pytest.raises(AttributeError):
        small.people  # noqa: B018 - not a collection


# --- the real catalogue ----------------------------------------------------------------


@pytest.fixture(scope="module")
def golden():
    return load_catalog(FIXTURES / "golden" / "pilots.yaml")


def test_links_declared_on_either_side_show_on_both(real_catalog):
    """Every reference in the raw data is a link both ways, and no link is invented."""
    expected: set[tuple[str, str, str, str]] = set()
    for coll, c in REGISTRY.items():
        for rec in RAW.get(coll) or []:
            for fld, target in c.references.items():
                if target == coll:
                    continue
                value = rec.get(fld)
                for ref in value if isinstance(value, list) else [value] if value else []:
                    expected |= {(coll, rec["id"], target, ref), (target, ref, coll, rec["id"])}
    got = {
        (coll, rid, other, oid)
        for (coll, other), mapping in real_catalog.links.items()
        for rid, ids in mapping.items()
        for oid in ids
    }
    assert got == expected


def test_links_keep_data_order(golden):
    order = list(golden.coverage)
    for rid in golden.pilots:
        linked = golden.linked("pilots", rid, "coverage")
        assert linked == sorted(linked, key=order.index)


def test_cited_by_lists_every_record_citing_a_source(real_catalog):
    expected = {
        (coll, rec["id"])
        for coll in REGISTRY
        if coll != "sources"
        for rec in RAW.get(coll) or []
        if any(item.get("source") == "zibo-2017-report" for _, item in cited_parts(coll, rec))
    }
    got = {(coll, r.id) for coll, recs in real_catalog.cited_by("zibo-2017-report").items() for r in recs}
    assert got == expected


def test_citations_hold_every_quote_of_record_and_parts(real_catalog):
    for rec in RAW["pilots"]:
        quotes = [q for _, item in cited_parts("pilots", rec) for q in _list(item["quote"])]
        shown = [
            q for c in real_catalog.citations("pilots", real_catalog.pilots[rec["id"]]) for q in c["quotes"]
        ]
        # every quote is shown, whole or inside a longer quote of the same record
        assert all(any(q in s for s in shown) for q in quotes), rec["id"]


def _list(value):
    return value if isinstance(value, list) else [value]
