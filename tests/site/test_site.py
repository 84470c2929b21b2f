"""The real site, built once from the real data: what a reader sees."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from ..conftest import ROOT
from ..html_util import page_file, parse

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))
PAGE_COLLECTIONS = {
    "pilots": "name",
    "experiences": "title",
    "events": "title",
    "areas": "name",
    "sources": "title",
}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize("coll", sorted(PAGE_COLLECTIONS))
def test_every_record_has_its_page_with_its_name(real_site, coll):
    for rec in RAW.get(coll) or []:
        page = parse(site_page(real_site, f"{coll}/{rec['id']}/"))
        h1 = page.find("h1")
        assert [h.text.strip() for h in h1] == [rec[PAGE_COLLECTIONS[coll]]]
        assert page.title == f"{rec[PAGE_COLLECTIONS[coll]]} - 试点经验库"


def test_every_coverage_record_has_its_page(real_site):
    for rec in RAW.get("coverage") or []:
        page = parse(site_page(real_site, f"coverage/{rec['id']}/"))
        heading = page.find("h1")[0].text.strip()
        assert heading.startswith(rec["outlet"])
        assert rec["covers"].splitlines()[0].strip() in page.find("p", class_="kb-summary")[0].text


def test_evaluations_and_figures_are_rows_with_their_values(real_site):
    evals = parse(site_page(real_site, "evaluations/"))
    for rec in RAW.get("evaluations") or []:
        assert evals.by_id(f"evaluation-{rec['id']}").text.strip() == rec["subject"]
    stats = parse(site_page(real_site, "stats/"))
    for rec in RAW.get("figures") or []:
        row = stats.by_id(f"figure-{rec['id']}")
        assert rec["value"] in row.text
        assert rec["label"] in row.text


def test_pilot_pages_show_metrics_exactly_as_written(real_site):
    for rec in RAW.get("pilots") or []:
        page = parse(site_page(real_site, f"pilots/{rec['id']}/"))
        values = [el.text for el in page.find("strong", class_="kb-value")]
        assert values == [m["value"] for m in rec.get("metrics") or []]
        sources = page.find("ol", class_="kb-sources")[0].text
        quotes = rec["quote"] if isinstance(rec["quote"], list) else [rec["quote"]]
        for q in quotes:
            assert q in sources


def test_unknown_fields_say_so(real_site):
    for rec in RAW.get("pilots") or []:
        page = parse(site_page(real_site, f"pilots/{rec['id']}/"))
        fields = {el.text.split("\n")[0]: el.text for el in page.find("div", class_="kb-field")}
        labels = {"批准机关": "approving_body", "完成时限": "deadline", "层级": "level", "状态": "status"}
        for label, key in labels.items():
            text = next(v for k, v in fields.items() if k.startswith(label))
            if rec.get(key):
                assert str(rec[key]) in text
            else:
                assert "未公开" in text


def test_home_page_numbers_come_from_the_data(real_site):
    """Each headline number stands beside its own label, and the report's total in its sentence."""
    page = parse(real_site / "index.html")
    headline = page.find("div", class_="kb-headline")[0].text
    labels = {
        "pilots": "项试点",
        "experiences": "条可复制可推广经验",
        "coverage": "条媒体报道",
        "events": "项活动",
    }
    shown = [line.strip() for line in headline.splitlines() if line.strip()]
    assert shown == [f"{len(RAW.get(coll) or [])} {label}" for coll, label in labels.items()]
    total = next(f["value"] for f in RAW.get("figures") or [] if f["id"] == "pilots-total")
    sentence = next(p.text for p in page.find("p") if p.text.startswith("来源报告所载"))
    assert f"全市共承担省级以上试点任务 {total}。" in sentence


def test_every_pilot_is_reachable_from_the_list_pages(real_site):
    linked: set[str] = set()
    for path in (real_site / "browse" / "all").rglob("index.html"):
        for a in parse(path).find("a"):
            href = a.attrs.get("href") or ""
            target = posixpath.normpath(
                posixpath.join(path.parent.relative_to(real_site).as_posix() + "/", href)
            )
            if target.startswith("pilots/"):
                linked.add(target.split("/")[1])
    assert linked == {p["id"] for p in RAW.get("pilots") or []}


def test_browse_pages_count_each_level(real_site):
    for label, slug in (("国家级", "national"), ("省级", "provincial")):
        expected = sum(1 for p in RAW.get("pilots") or [] if p.get("level") == label)
        page = parse(site_page(real_site, f"browse/level/{slug}/"))
        count = page.find("p", class_="kb-count")[0].text
        assert f"共 {expected} 项试点" in count


def test_no_internal_link_is_broken(real_site):
    broken = []
    for path in html_files(real_site):
        page = parse(path)
        base = path.parent.relative_to(real_site).as_posix()
        for el in page.elements:
            for attr in ("href", "src"):
                url = el.attrs.get(attr)
                if not url or url.startswith(("mailto:", "data:", "#")) or el.tag == "meta":
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue
                joined = (
                    unquote(parts.path).lstrip("/")
                    if parts.path.startswith("/")
                    else posixpath.join(base, unquote(parts.path))
                )
                target_path = posixpath.normpath(joined) if joined else ""
                if parts.path.endswith("/"):
                    target_path += "/"
                target = page_file(real_site, target_path)
                if not target.exists():
                    broken.append(f"{path.relative_to(real_site)}: {url}")
                elif parts.fragment and target.suffix == ".html" and parts.fragment not in parse(target).ids:
                    broken.append(f"{path.relative_to(real_site)}: {url} (no anchor)")
    assert broken == []


def test_no_request_leaves_the_site(real_site):
    external = []
    for path in html_files(real_site):
        for el in parse(path).elements:
            url = el.attrs.get("src") or (el.attrs.get("href") if el.tag == "link" else None)
            if url and re.match(r"^(https?:)?//", url):
                external.append(f"{path.relative_to(real_site)}: <{el.tag}> {url}")
    assert external == []
    css = "\n".join(p.read_text(encoding="utf-8") for p in real_site.rglob("*.css"))
    assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css)
    assert "fonts.googleapis" not in css


def test_nothing_is_written_into_docs(real_site):
    """The build ran in a copy of the project: its docs/ holds exactly the hand-written files."""
    docs = real_site.parent / "docs"

    def listing(root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))

    assert (real_site / "pilots").is_dir()  # the build did generate pages
    assert listing(docs) == listing(ROOT / "docs")


def site_page(site: Path, url_path: str) -> Path:
    path = page_file(site, url_path)
    assert path.exists(), f"missing page {url_path}"
    return path


def test_times_given_only_in_words_are_shown_as_written(real_site):
    worded = [
        (c, r)
        for c in ("events", "coverage")
        for r in RAW.get(c) or []
        if r.get("period") and not r.get("date")
    ]
    assert worded, "the data has records whose time is only given in words"
    for coll, rec in worded:
        fields = parse(site_page(real_site, f"{coll}/{rec['id']}/")).find("div", class_="kb-field")
        dates = [f.text for f in fields if f.text.startswith(("日期", "刊发日期"))]
        assert dates and rec["period"] in dates[0]
