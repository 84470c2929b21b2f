"""推广采纳 at scale: the overview keeps the charts, the counts and the first rows of each list,
and every list is whole on its own paged sub-pages, so that no page grows with the catalogue
and every adoption, event and experience without adoption is on some page.

The synthetic catalogue has no adoptions or events: these tests give every other experience
of it adoptions and events, at two sizes, and read the pages as the engine-neutral API makes
them (``pilotkb.site.pages.generate``, no MkDocs build)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from pilotkb import load_catalog
from pilotkb.data import synth
from pilotkb.data.model import AdopterLevel, EventKind, InstrumentKind
from pilotkb.settings import Settings
from pilotkb.site.pages import generate
from pilotkb.site.views import Views
from pilotkb.site.views.promotion import NATIONAL_SHOWN, PREVIEW

from ...html_util import parse_html

HALF, FULL = 1000, 2000
PAGE_SIZE = 10  # small pages: several pages per list at these sizes
LEVELS: list[str | None] = [m.value for m in AdopterLevel] + [None]
MARGIN = 0.05  # as tests/data/test_scale.py: counts written with more digits


def promoted(n: int) -> dict[str, Any]:
    """The synthetic data of ``n`` pilots, two adoptions for every other experience and an
    event for each, each resting on the experience's own quote (so without dates or
    numbers, which the quote would have to hold)."""
    data, text = synth.generate(n)
    data["events"] = []
    for i, e in enumerate(data["experiences"]):
        cited = {"source": "synthetic", "quote": e["quote"]}
        if i % 2 == 0:
            e["adoptions"] = [
                {
                    "body": f"{e['title']}推广机关",
                    **({"body_level": level} if (level := LEVELS[(i + k) % len(LEVELS)]) else {}),
                    "action": "采纳并推广",
                    "instrument": list(InstrumentKind)[(i + k) % len(InstrumentKind)].value,
                    "instrument_title": f"关于推广{e['title']}的通知",
                    "replicated_in": ["全省"],
                    **cited,
                }
                for k in range(2)
            ]
        data["events"].append(
            {
                "id": f"event-{i:05d}",
                "title": f"{e['title']}现场推进会",
                "kind": list(EventKind)[i % len(EventKind)].value,
                "place": e["title"][:3],
                "experiences": [e["id"]],
                **cited,
            }
        )
    return {"data": data, "text": text}


def promotion_pages(tmp: Path, n: int) -> dict[str, Any]:
    """The promotion pages ({src_uri: body}), the home page's block of national adoptions and
    the data of the catalogue of ``n`` pilots."""
    made = promoted(n)
    (tmp / "sources").mkdir(parents=True)
    (tmp / "sources" / "synthetic.txt").write_text(made["text"], encoding="utf-8")
    dumped = yaml.safe_dump(made["data"], allow_unicode=True, sort_keys=False, width=1000)
    (tmp / "pilots.yaml").write_text(dumped, encoding="utf-8")
    cat = load_catalog(tmp / "pilots.yaml")
    settings = Settings(page_size=PAGE_SIZE, history_commits=0)
    pages = {p.src_uri: p.text() for p in generate(cat, settings) if p.src_uri.startswith("promotion/")}
    home = Views(cat, settings).macro_values()["block"]("national")
    return {"pages": pages, "home": home, "data": made["data"]}


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[int, dict[str, Any]]:
    return {n: promotion_pages(tmp_path_factory.mktemp(f"promoted-{n}"), n) for n in (HALF, FULL)}


def size(body: str) -> int:
    return len(body.encode("utf-8"))


def test_the_overview_does_not_grow_when_the_catalogue_doubles(sites):
    half, full = sites[HALF]["pages"]["promotion/index.md"], sites[FULL]["pages"]["promotion/index.md"]
    assert size(full) <= size(half) * (1 + MARGIN), (size(half), size(full))
    assert size(full) < 60_000  # the frame of the site comes on top


def test_no_promotion_page_outgrows_a_page_of_rows(sites):
    pages = sites[FULL]["pages"]
    for kind in ("levels", "instruments", "events"):  # each kind of list runs over several pages
        assert any(re.fullmatch(rf"promotion/{kind}/[a-z-]+/2\.md", u) for u in pages), kind
    for uri, body in pages.items():
        assert size(body) < 60_000, (uri, size(body))
        rows = parse_html(body).find("li")
        # the overview: the first national adoptions, the first rows of each level, of the
        # experiences without adoption and of each kind of event; a list's pages: a page of rows
        lists = len(LEVELS) + 1 + len(EventKind)
        assert len(rows) <= (NATIONAL_SHOWN + lists * PREVIEW if uri == "promotion/index.md" else PAGE_SIZE)


def listed(pages: dict[str, str], prefix: str, attr: str) -> dict[str, Counter[str]]:
    """{first page of each list under ``prefix``: its rows' ``attr`` values, counted}."""
    out: dict[str, Counter[str]] = {}
    for uri, body in pages.items():
        if uri.startswith(prefix):
            first = re.sub(r"/\d+\.md$", ".md", uri)
            for el in parse_html(body).find("li"):
                if attr in el.attrs:
                    out.setdefault(first, Counter())[el.attrs[attr] or ""] += 1
    return out


def expected(rows: list[tuple[str, str]]) -> dict[str, Counter[str]]:
    """{first page of a list: its (page, row id) rows, counted}."""
    out: dict[str, Counter[str]] = {}
    for uri, rid in rows:
        out.setdefault(uri, Counter())[rid] += 1
    return out


def test_every_adoption_is_on_the_pages_of_its_level_and_of_its_instrument(sites):
    pages, data = sites[FULL]["pages"], sites[FULL]["data"]
    adoptions = [(e["id"], a) for e in data["experiences"] for a in e.get("adoptions", [])]
    assert len(adoptions) > 2 * PAGE_SIZE
    levels = {m.value: m.name for m in AdopterLevel}
    instruments = {m.value: m.name.replace("_", "-") for m in InstrumentKind}
    assert listed(pages, "promotion/levels/", "data-kb-experience") == expected(
        [(f"promotion/levels/{levels.get(a.get('body_level'), 'unstated')}.md", eid) for eid, a in adoptions]
    )
    assert listed(pages, "promotion/instruments/", "data-kb-experience") == expected(
        [(f"promotion/instruments/{instruments[a['instrument']]}.md", eid) for eid, a in adoptions]
    )


def test_every_event_is_on_the_pages_of_its_kind(sites):
    pages, data = sites[FULL]["pages"], sites[FULL]["data"]
    kinds = {m.value: m.name for m in EventKind}
    assert listed(pages, "promotion/events/", "data-kb-event") == expected(
        [(f"promotion/events/{kinds[ev['kind']]}.md", ev["id"]) for ev in data["events"]]
    )


def test_every_experience_without_adoption_is_on_the_without_pages(sites):
    pages, data = sites[FULL]["pages"], sites[FULL]["data"]
    shown = Counter(
        m
        for uri, body in pages.items()
        if uri.startswith("promotion/without")
        for m in re.findall(r'href="\.\./(?:\.\./)*experiences/([^/"#]+)/', body)
    )
    assert shown == Counter(e["id"] for e in data["experiences"] if not e.get("adoptions"))


def test_the_overview_links_every_list_and_shows_only_the_start_of_each(sites):
    pages = sites[FULL]["pages"]
    overview = pages["promotion/index.md"]
    firsts = {u for u in pages if u != "promotion/index.md" and not re.search(r"/\d+\.md$", u)}
    hrefs = re.findall(r'href="((?:levels|instruments|events)/[a-z-]+/|without/)"', overview)
    assert {f"promotion/{h.removesuffix('/')}.md" for h in hrefs} == firsts
    assert f"以上是前 {PREVIEW} 次" in overview and f"以上是前 {PREVIEW} 场" in overview
    assert f"以上是前 {NATIONAL_SHOWN} 条" in overview


def test_the_home_page_shows_the_first_national_adoptions_and_links_the_rest(sites):
    half, full = sites[HALF]["home"], sites[FULL]["home"]
    assert size(full) <= size(half) * (1 + MARGIN)
    assert len(parse_html(full).find("li", class_="kb-card")) == NATIONAL_SHOWN
    assert f"以上是前 {NATIONAL_SHOWN} 条" in full and 'href="promotion/#national"' in full
