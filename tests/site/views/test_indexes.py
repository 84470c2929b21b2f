"""The media-coverage index and the promotion index, checked against the raw data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from pilotkb.data.model import AdopterLevel, EventKind
from pilotkb.site.views.promotion import PREVIEW

from ...conftest import ROOT
from ...html_util import Page, parse

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))
LEVELS = ["中央", "国家部委", "省级", "市级"]


def _sections(page, tag="h2"):
    """{heading text: [elements until the next heading of that level]} of the article."""
    out: dict[str, list] = {}
    current = None
    for el in page.elements:
        if el.tag == tag:
            current = el.text.strip().rstrip("¶").strip()
            out[current] = []
        elif current is not None:
            out[current].append(el)
    return out


def test_every_coverage_record_is_under_its_outlet_and_year(real_site):
    page = parse(real_site / "coverage" / "index.html")
    outlets = Counter(r["outlet"] for r in RAW["coverage"])
    sections = _sections(page)
    for rec in RAW["coverage"]:
        heading = f"{rec['outlet']}（{outlets[rec['outlet']]}）"
        assert heading in sections, heading
        entries = [el for el in sections[heading] if el.attrs.get("id") == f"coverage-{rec['id']}"]
        assert len(entries) == 1, rec["id"]
        year = str(rec["date"])[:4] if rec.get("date") else "年份未公开"
        assert entries[0].attrs["data-kb-year"] == year
    # counts per outlet in the summary table
    for outlet, n in outlets.items():
        cell = [el for el in page.find("td") if el.attrs.get("data-kb-outlet-count") == outlet]
        assert [c.text for c in cell] == [str(n)]


def test_shared_coverage_text_is_shown_once(real_site):
    html = (real_site / "coverage" / "index.html").read_text(encoding="utf-8")
    texts = Counter(r["covers"] for r in RAW["coverage"])
    shared = [t for t, n in texts.items() if n > 1]
    assert shared, "the real data has a text shared by several outlets"
    for text in shared:
        first_line = text.splitlines()[0]
        assert html.count(first_line) == 1


def test_pilot_and_experience_pages_link_to_their_place_in_the_coverage_index(real_site):
    index_ids = parse(real_site / "coverage" / "index.html").ids
    for coll in ("pilots", "experiences"):
        for rec in RAW[coll]:
            covered = {c["id"] for c in RAW["coverage"] if rec["id"] in (c.get(coll) or [])}
            covered |= set(rec.get("coverage") or [])
            page = parse(real_site / coll / rec["id"] / "index.html")
            links = {
                a.attrs["href"].split("#")[1]
                for a in page.find("a", class_="kb-index-link")
                if "#" in a.attrs.get("href", "")
            }
            assert links == {f"coverage-{c}" for c in covered}, rec["id"]
            assert links <= index_ids


def list_pages(first: Path) -> list[Page]:
    """A list's first page (``…/index.html``) and the pages after it (``…/2/index.html`` …)."""
    return [parse(first), *(parse(p) for p in sorted(first.parent.glob("*/index.html")))]


def test_every_adoption_is_listed_under_its_level(real_site):
    page = parse(real_site / "promotion" / "index.html")
    sections = _sections(page, "h3")
    expected = Counter(
        a.get("body_level") or "原文未写明" for e in RAW["experiences"] for a in e.get("adoptions") or []
    )
    slugs = {m.value: m.name for m in AdopterLevel} | {"原文未写明": "unstated"}
    for level, n in expected.items():
        heading = f"{level}（{n} 次）"
        assert heading in sections, heading
        want = Counter(
            e["id"]
            for e in RAW["experiences"]
            for a in e.get("adoptions") or []
            if (a.get("body_level") or "原文未写明") == level
        )
        # the overview shows the first PREVIEW, the level's own pages every one
        shown = [
            el.attrs["data-kb-experience"] for el in sections[heading] if "data-kb-experience" in el.attrs
        ]
        assert len(shown) == min(n, PREVIEW) and Counter(shown) <= want, level
        first = real_site / "promotion" / "levels" / slugs[level] / "index.html"
        listed = Counter(
            el.attrs["data-kb-experience"]
            for p in list_pages(first)
            for el in p.find("li")
            if "data-kb-experience" in el.attrs
        )
        assert listed == want, level
    cells = {
        el.attrs["data-kb-level-adoptions"]: el.text
        for el in page.find("td")
        if "data-kb-level-adoptions" in el.attrs
    }
    for level in LEVELS:
        assert cells[level] == str(expected.get(level, 0))


def test_experiences_without_adoption_and_instruments_are_counted(real_site):
    page = parse(real_site / "promotion" / "index.html")
    instruments = Counter(a["instrument"] for e in RAW["experiences"] for a in e.get("adoptions") or [])
    cells = {
        el.attrs["data-kb-instrument"]: el.text for el in page.find("td") if "data-kb-instrument" in el.attrs
    }
    assert cells == {k: str(v) for k, v in instruments.items()}
    without = [e["title"] for e in RAW["experiences"] if not e.get("adoptions")]
    section = _sections(page)["来源未说明采纳情况的经验"]
    shown = [el.text for el in section if el.tag == "li"]
    assert shown == without[:PREVIEW]
    pages = list_pages(real_site / "promotion" / "without" / "index.html")
    listed = [
        ln.strip() for p in pages for ul in p.find("ul", class_="kb-links") for ln in ul.text.splitlines()
    ]
    assert [t for t in listed if t] == without


def test_every_event_is_listed_under_its_kind(real_site):
    page = parse(real_site / "promotion" / "index.html")
    kinds = Counter(ev["kind"] for ev in RAW["events"])
    cells = {
        el.attrs["data-kb-event-kind"]: el.text for el in page.find("td") if "data-kb-event-kind" in el.attrs
    }
    assert cells == {k: str(v) for k, v in kinds.items()}
    slugs = {m.value: m.name for m in EventKind}
    for kind in kinds:
        pages = list_pages(real_site / "promotion" / "events" / slugs[kind] / "index.html")
        listed = [
            el.attrs["data-kb-event"] for p in pages for el in p.find("li") if "data-kb-event" in el.attrs
        ]
        assert sorted(listed) == sorted(ev["id"] for ev in RAW["events"] if ev["kind"] == kind)


def test_home_page_leads_with_what_was_adopted_nationally(real_site):
    page = parse(real_site / "index.html")
    national = [
        e["title"]
        for e in RAW["experiences"]
        if any(a.get("body_level") in ("中央", "国家部委") for a in e.get("adoptions") or [])
    ]
    assert national
    text = page.find("ul", class_="kb-national")[0].text
    positions = [text.find(t) for t in national]
    assert -1 not in positions and positions == sorted(positions)
    headings = [h.text for h in page.find("h2")]
    assert headings[0].startswith("被中央和国家部委采纳的经验")
