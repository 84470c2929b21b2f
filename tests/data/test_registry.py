"""The registry: one declaration per collection, and everything derived from it."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest
import yaml

from pilotkb import load_catalog
from pilotkb.data import model as m
from pilotkb.data.registry import FILE_ORDER, MODELS, REGISTRY, DataFile, cited_parts, model_cited_parts
from pilotkb.data.schema import dictionary_rows
from pilotkb.data.urls import dest_url
from pilotkb.publish.export import export_files

from ..conftest import FIXTURES, ROOT
from ..html_util import page_file, parse

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))

# collection -> (page of record "x", its anchor, naming field, fields of nested cited items)
DERIVED = {
    "pilots": ("pilots/x.md", "", "name", ("metrics", "updates")),
    "experiences": ("experiences/x.md", "", "title", ("adoptions",)),
    "coverage": ("coverage/x.md", "", "outlet", ()),
    "events": ("events/x.md", "", "title", ()),
    "areas": ("areas/x.md", "", "name", ()),
    "sources": ("sources/x.md", "", "title", ()),
    "evaluations": ("evaluations/index.md", "evaluation-x", "subject", ()),
    "figures": ("stats/index.md", "figure-x", "label", ()),
    "terms": ("glossary/index.md", "term-x", "term", ()),
}


def test_every_collection_is_declared_once_in_the_file_order():
    assert set(DERIVED) == set(REGISTRY) == set(FILE_ORDER) == set(MODELS)
    assert list(MODELS) == list(FILE_ORDER) and FILE_ORDER[0] == "sources"
    assert list(DataFile.model_fields) == list(FILE_ORDER)


@pytest.mark.parametrize("coll", list(REGISTRY))
def test_each_collections_derived_facts(coll):
    c = REGISTRY[coll]
    uri, anchor, title_field, cited = DERIVED[coll]
    assert c.uri("x") == uri and c.anchor("x") == anchor
    assert c.has_pages is (anchor == "")
    assert c.template == f"record_{coll}.md.j2"
    assert c.title_field == title_field and c.cited_fields == cited
    # a raw record (which may not validate) is named by its naming field, trimmed
    assert c.name_in({title_field: "  名称 "}) == "名称"
    assert c.name_in({title_field: ""}) is None and c.name_in({"id": "x"}) is None
    assert c.name_in({title_field: 2017}) == "2017"
    for target in c.references.values():
        assert target in REGISTRY


def test_a_record_is_titled_by_its_naming_field_or_its_namer():
    assert REGISTRY["pilots"].title_of(SimpleNamespace(name="河长制")) == "河长制"
    coverage = REGISTRY["coverage"]
    assert coverage.title_of(SimpleNamespace(outlet="大众日报", column="头版")) == "大众日报《头版》"
    assert coverage.title_of(SimpleNamespace(outlet="大众日报", column=None)) == "大众日报"


def test_cited_parts_walk_the_record_and_each_nested_quoted_item():
    raw = {
        "id": "p",
        "quote": "q",
        "metrics": [{"quote": "m0"}, "not a mapping", {"quote": "m2"}],
        "updates": [{"quote": "u0"}],
        "experiences": ["x"],
    }
    assert [path for path, _ in cited_parts("pilots", raw)] == [
        (),
        ("metrics", 0),
        ("metrics", 2),
        ("updates", 0),
    ]
    # a glossary term rests on a quote only when it has one
    assert list(cited_parts("terms", {"id": "t", "term": "词"})) == []
    assert [p for p, _ in cited_parts("terms", {"id": "t", "term": "词", "quote": "释义"})] == [()]


def test_model_cited_parts_give_the_same_parts_as_models():
    pilot = m.Pilot.model_validate(
        {
            "id": "p",
            "name": "试点",
            "source": "s",
            "quote": "q",
            "metrics": [{"name": "量", "value": "3个", "source": "s", "quote": "m"}],
        }
    )
    assert [c.quote for c in model_cited_parts("pilots", pilot)] == [["q"], ["m"]]


@pytest.mark.parametrize("coll", list(REGISTRY))
def test_every_collection_has_pages_csv_search_type_and_dictionary_row(real_site, coll):
    c = REGISTRY[coll]
    records = RAW.get(coll) or []
    assert records, f"the real data has {coll}"
    # its pages: one per record, or a row with its anchor on the shared page
    for rec in records:
        uri = c.uri(rec["id"])
        path = page_file(real_site, dest_url(uri))
        assert path.exists(), uri
        if not c.has_pages:
            assert c.anchor(rec["id"]) in parse(path).ids
    assert page_file(real_site, dest_url(c.index_uri)).exists()
    # its CSV: every record, every field
    rows = list(csv.DictReader(io.StringIO((real_site / "downloads" / f"{coll}.csv").read_text("utf-8-sig"))))
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    assert set(rows[0]) == set(c.model.model_fields)
    # its search type
    manifest = json.loads((real_site / "assets/search/index/manifest.json").read_text(encoding="utf-8"))
    assert c.search_type[0] in [slug for slug, _, _ in manifest["facets"]["type"]]
    # its row in the data dictionary
    assert coll in {name for name, _, _ in dictionary_rows()}
    assert f'id="{coll}"' in (real_site / "about" / "dictionary" / "index.html").read_text(encoding="utf-8")


def test_exports_cover_every_collection():
    files = export_files(load_catalog(FIXTURES / "golden" / "pilots.yaml"))
    assert set(json.loads(files["downloads/pilots.json"])) == set(REGISTRY)
    assert {f"downloads/{c}.csv" for c in REGISTRY} <= set(files)
