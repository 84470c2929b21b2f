"""Downloads of what the reader sees: the list's current rows as CSV and JSON, in Chromium."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from ..conftest import ROOT
from ..html_util import parse

pytestmark = pytest.mark.browser

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))
PILOTS = RAW["pilots"]


@pytest.fixture(scope="module")
def base(real_site, serve):
    return serve(real_site)


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        ".kb-results:not([hidden]) li.kb-card, ul.kb-cards:not([hidden]) li.kb-card",
        "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.id)",
    )


def download(page, kind: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"[data-kb-download={kind}]")
    return info.value.path().read_bytes()


def test_filtered_and_sorted_view_downloads_exactly_its_rows(browser_page, base):
    page = browser_page
    page.goto(base + "/browse/all/?status=ongoing&sort=name")
    page.wait_for_selector(".kb-results:not([hidden]) li.kb-card")
    visible = shown_ids(page)
    expected = {p["id"] for p in PILOTS if p.get("status") == "推进中"}
    assert set(visible) == expected and len(visible) == len(expected)
    raw = download(page, "csv")
    assert raw.startswith("\ufeff".encode())  # Excel reads the Chinese correctly
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["编号"] for r in rows] == visible  # same rows, same order
    by_id = {p["id"]: p for p in PILOTS}
    for r in rows:
        assert r["名称"] == by_id[r["编号"]]["name"]
        assert r["状态"] == "推进中"
    records = json.loads(download(page, "json"))
    assert [r["id"] for r in records] == visible
    assert all(r["url"].endswith(f"/pilots/{r['id']}/") for r in records)


def test_facet_page_downloads_its_pilots(browser_page, base):
    page = browser_page
    page.goto(base + "/browse/level/national/")
    page.wait_for_selector("[data-kb-download=csv]")
    rows = list(csv.DictReader(io.StringIO(download(page, "csv").decode("utf-8-sig"))))
    assert [r["编号"] for r in rows] == [p["id"] for p in PILOTS if p.get("level") == "国家级"]
    assert {r["层级"] for r in rows} == {"国家级"}


def test_download_links_work_without_script(real_site):
    for path in ("browse/all/index.html", "browse/level/national/index.html"):
        page = parse(real_site / path)
        links = {
            a.attrs["data-kb-download"]: a.attrs["href"]
            for a in page.find("a")
            if "data-kb-download" in a.attrs
        }
        assert set(links) == {"csv", "json"}
        for href in links.values():
            assert (real_site / path).parent.joinpath(href).resolve().is_file(), href
