"""Downloads, feeds and citations with several sources: each source's coverage as a table, the
texts that may be published in the data package, and nothing of a text that may not."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pilotkb.analysis.reading import readings

from ..conftest import FIXTURES
from ..html_util import page_file, parse
from .conftest import make_open_data

SEVERAL = FIXTURES / "sources"


@pytest.fixture(scope="module")
def several(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return make_open_data(SEVERAL / "pilots.yaml", tmp_path_factory.mktemp("several"))


def coverage_rows(ds: dict[str, Any]) -> list[dict[str, str]]:
    text = (ds["dir"] / "source_coverage.csv").read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_coverage_table_has_one_row_per_source_with_its_figures(several):
    rows = coverage_rows(several)
    assert [r["source"] for r in rows] == [s["id"] for s in several["raw"]["sources"]]
    found = readings(several["catalog"])
    for row in rows:
        c = found[row["source"]].coverage
        assert (row["sentences"], row["substantive"], row["cited"], row["coverage"]) == (
            str(c.sentences),
            str(c.substantive),
            str(c.cited),
            str(c.percent),
        )
    assert rows[0] == {
        "source": "city-report",
        "title": "甲市改革试点工作综述",
        "sentences": "13",
        "substantive": "10",
        "cited": "9",
        "coverage": "90",
    }


def test_the_real_report_is_fully_covered(real):
    assert coverage_rows(real) == [
        {
            "source": "zibo-2017-report",
            "title": real["raw"]["sources"][0]["title"],
            "sentences": str(len(readings(real["catalog"])["zibo-2017-report"].sentences)),
            "substantive": "111",
            "cited": "111",
            "coverage": "100",
        }
    ]


def test_published_texts_are_downloads_byte_for_byte_and_an_unpublished_one_is_not(several):
    for src in several["raw"]["sources"]:
        download = several["dir"] / src["file"]
        if src.get("text_unpublished"):
            assert not download.exists()
            assert all(b"\xe8\xae\xb0\xe8\x80\x85" not in body for body in several["files"].values())  # 记者
        else:
            assert download.read_bytes() == (SEVERAL / src["file"]).read_bytes()
    # the notice ingested from GB18030 is UTF-8 in the downloads, its 䶮 kept
    assert "刘䶮" in (several["dir"] / "sources" / "province-notice.txt").read_text(encoding="utf-8")


def test_the_data_package_describes_the_texts_and_the_coverage_and_validates(several):
    pkg = json.loads((several["dir"] / "datapackage.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in pkg["resources"]}
    assert set(by_path) >= {"source_coverage.csv", "sources/city-report.txt", "sources/province-notice.txt"}
    assert "sources/newspaper.txt" not in by_path
    text = by_path["sources/province-notice.txt"]
    assert (text["format"], text["mediatype"], text["encoding"]) == ("txt", "text/plain", "utf-8")
    assert text["bytes"] == (SEVERAL / "sources" / "province-notice.txt").stat().st_size
    table = by_path["source_coverage.csv"]["schema"]
    assert table["foreignKeys"] == [
        {"fields": "source", "reference": {"resource": "sources", "fields": "id"}}
    ]
    assert [f["name"] for f in table["fields"]] == [
        "source",
        "title",
        "sentences",
        "substantive",
        "cited",
        "coverage",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "datapackage.json"],
        cwd=several["dir"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_records_keep_which_source_each_rests_on(several):
    data = json.loads((several["dir"] / "pilots.json").read_text(encoding="utf-8"))
    river = next(p for p in data["pilots"] if p["id"] == "river")
    assert river["source"] == "city-report"
    assert {m["source"] for m in river["metrics"]} == {"city-report", "province-notice"}
    assert (
        next(s for s in data["sources"] if s["id"] == "newspaper")["text_unpublished"] == "报社未许可转载全文"
    )


# --- the built site: feeds, citations and the downloads page --------------------------------


def test_feeds_hold_updates_resting_on_either_source(sources_site: Path):
    feed = ET.parse(sources_site / "feeds" / "updates.atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles == ["甲区河长制试点（2025-01）", "乙区医联体试点（2024-03）"]


def test_every_record_page_can_be_cited_whatever_its_sources(sources_site: Path):
    for coll, rid in (
        ("pilots", "river"),
        ("pilots", "clinic"),
        ("coverage", "paper-river"),
        ("events", "forum"),
    ):
        page = parse(page_file(sources_site, f"{coll}/{rid}/"))
        cite = page.find("p", class_="kb-cite__text")
        assert cite and "[EB/OL]" in cite[0].text, (coll, rid)


def test_the_downloads_page_lists_the_coverage_table_and_the_published_texts(sources_site: Path):
    page = parse(page_file(sources_site, "about/downloads/"))
    hrefs = {a.attrs.get("href") for a in page.find("a")}
    assert any(h and h.endswith("downloads/source_coverage.csv") for h in hrefs)
    assert any(h and h.endswith("downloads/sources/province-notice.txt") for h in hrefs)
    assert not any(h and h.endswith("newspaper.txt") for h in hrefs)
    assert (sources_site / "downloads" / "sources" / "city-report.txt").exists()
