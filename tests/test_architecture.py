"""One declaration per concept: URLs, catalogue links, facets, the registry and the search
format, checked on their own and against what the built site holds."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from pilotkb import load_catalog
from pilotkb.data.facets import FACETS, UNKNOWN_SLUG
from pilotkb.data.registry import REGISTRY, cited_parts
from pilotkb.data.urls import dest_url, relative
from pilotkb.publish.export import dictionary_rows, export_files
from pilotkb.search.format import DIGITS, VERSION, bitset, encode_postings

from .conftest import FIXTURES, ROOT
from .html_util import page_file, parse

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))


# --- URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src,dst,directory_urls,anchor,expected",
    [
        ("index.md", "pilots/a.md", True, "", "pilots/a/"),
        ("pilots/a.md", "pilots/b.md", True, "", "../b/"),
        ("pilots/a.md", "areas/x.md", True, "", "../../areas/x/"),
        ("pilots/a.md", "index.md", True, "", "../../"),
        ("browse/level/national/2.md", "browse/all.md", True, "", "../../../all/"),
        ("pilots/a.md", "stats/index.md", True, "figure-f1", "../../stats/#figure-f1"),
        ("stats/index.md", "stats/index.md", True, "figure-f1", "./#figure-f1"),
        ("index.md", "pilots/a.md", False, "", "pilots/a.html"),
        ("pilots/a.md", "areas/x.md", False, "", "../areas/x.html"),
        ("pilots/a.md", "index.md", False, "", "../index.html"),
        ("experiences/index.md", "experiences/all/2.md", False, "", "all/2.html"),
    ],
)
def test_relative_links_between_pages(src, dst, directory_urls, anchor, expected):
    assert relative(src, dst, directory_urls, anchor) == expected


def test_relative_links_agree_with_posixpath_relpath(real_catalog):
    """Every link between a sample of the site's pages, in both URL styles, is the one
    posixpath.relpath gives, and resolves back to its target."""
    import itertools
    import posixpath

    from pilotkb.settings import Settings
    from pilotkb.site.pages import generate

    uris = sorted(p.src_uri for p in generate(real_catalog, Settings()))
    sample = uris[::7] + ["index.md", "stats/index.md", "browse/all/2.md", "a/b/c/d.md"]
    for directory_urls, (src, dst) in itertools.product((True, False), itertools.product(sample, repeat=2)):
        s, d = dest_url(src, directory_urls), dest_url(dst, directory_urls)
        folder = s if s.endswith("/") or s == "" else (posixpath.dirname(s) + "/").lstrip("/")
        expected = posixpath.relpath(d or ".", folder.rstrip("/") or ".")
        if d.endswith("/") or d == "":
            expected = expected.rstrip("/") + "/"
        got = relative(src, dst, directory_urls)
        assert got == expected, (src, dst, directory_urls)
        assert posixpath.normpath(posixpath.join(folder, got)) == posixpath.normpath(d or "."), (src, dst)


def test_dest_url_follows_mkdocs():
    assert dest_url("index.md") == ""
    assert dest_url("stats/index.md") == "stats/"
    assert dest_url("pilots/a.md") == "pilots/a/"
    assert dest_url("pilots/a.md", False) == "pilots/a.html"


# --- catalogue links ------------------------------------------------------------------


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


# --- facets ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FACETS))
def test_facet_values_partition_the_pilots(real_catalog, name):
    """Each pilot is under each of its values, or under 未公开; counts agree with the raw data."""
    facet = FACETS[name]
    raw_key = {
        "level": "level",
        "domain": "domains",
        "area": "areas",
        "status": "status",
        "year": "approved",
    }[name]
    for value in facet.values(real_catalog):
        ids = {p.id for p in value.pilots}
        if value.slug == UNKNOWN_SLUG:
            expected = {p["id"] for p in RAW["pilots"] if not p.get(raw_key)}
        else:

            def has(p, v=value):
                raw = p.get(raw_key)
                raw = [str(raw)[:4]] if name == "year" and raw else raw
                return v.slug in [_slug_of(name, x) for x in _list(raw)] if raw else False

            expected = {p["id"] for p in RAW["pilots"] if has(p)}
        assert ids == expected, (name, value.slug)


def _slug_of(name: str, raw: str) -> str:
    return FACETS[name].slug(raw)


def test_facet_slugs_are_ascii_and_unique(real_catalog):
    for name, facet in FACETS.items():
        slugs = [v.slug for v in facet.values(real_catalog)]
        assert len(slugs) == len(set(slugs)), name
        assert all(s.isascii() for s in slugs), name


# --- the registry, against the built site ---------------------------------------------


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


def test_exports_cover_every_collection(golden):
    files = export_files(golden)
    assert set(json.loads(files["downloads/pilots.json"])) == set(REGISTRY)
    assert {f"downloads/{c}.csv" for c in REGISTRY} <= set(files)


# --- the search format, decoded by the browser's own code -----------------------------


@pytest.mark.browser
def test_browser_decodes_what_python_encodes(real_site, serve, browser_page):
    page = browser_page
    page.goto(serve(real_site) + "/")
    page.wait_for_function("window.kbSearchFormat !== undefined")
    assert page.evaluate("kbSearchFormat.version") == VERSION
    vectors = [
        [(0, 0)],
        [(0, 5), (1, 63), (31, 0), (32, 1), (1000, 12), (70000, 40)],
        [(i * 37, i % 64) for i in range(300)],
        [(2**20 + 3, 7)],
    ]
    for postings in vectors:
        decoded = page.evaluate("(t) => kbSearchFormat.postings(t)", encode_postings(postings))
        assert list(zip(decoded[::2], decoded[1::2], strict=True)) == sorted(postings)
    for ids, n in (([0, 5, 6, 13], 14), ([], 7), (list(range(0, 100, 3)), 100)):
        assert page.evaluate("([t, n]) => kbSearchFormat.bits(t, n)", [bitset(ids, n), n]) == ids
    assert set(encode_postings(vectors[1])) <= set(DIGITS)


@pytest.mark.browser
def test_search_says_plainly_when_the_index_format_differs(real_site, serve, browser_page, tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(real_site, site)
    manifest = site / "assets/search/index/manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["v"] = VERSION + 1
    manifest.write_text(json.dumps(doc), encoding="utf-8")
    page = browser_page
    page.goto(serve(site) + "/search/?q=河长制")
    page.wait_for_function(
        "document.querySelector('[data-kb-search-page] .md-search-result__meta')"
        "?.textContent.includes('格式')"
    )
    meta = page.text_content("[data-kb-search-page] .md-search-result__meta")
    assert f"（{VERSION + 1}）与本页脚本（{VERSION}）不一致" in meta


def test_compiled_templates_are_reused_until_their_source_changes(tmp_path):
    """Under `make serve` every rebuild makes new Jinja environments sharing one cache of
    compiled templates: an unchanged template is not compiled again, an edited one is."""
    from jinja2 import Environment, FileSystemLoader

    from pilotkb.site.render import CompiledTemplates

    cache = CompiledTemplates()
    (tmp_path / "t.html").write_text("旧 {{ x }}", encoding="utf-8")

    def render() -> str:
        return (
            Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
            .get_template("t.html")
            .render(x=1)
        )

    assert render() == "旧 1"
    assert len(cache.store) == 1
    (key, (checksum, code)) = next(iter(cache.store.items()))
    assert render() == "旧 1" and cache.store[key][1] is code  # reused, not compiled again
    (tmp_path / "t.html").write_text("新 {{ x }}", encoding="utf-8")
    assert render() == "新 1"
    assert cache.store[key][0] != checksum
