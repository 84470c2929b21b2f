"""Sources you can read: each source page shows its text with an anchor per sentence, which
records cite each sentence, its coverage; every quote of every record page links to the
sentence where it starts. On the real site and on the several-source fixture."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from pilotkb.analysis.sources import located_sentences
from pilotkb.data import synth
from pilotkb.data.load import collapse_space

from ...conftest import FIXTURES, ROOT, SYNTH_PILOTS
from ...html_util import Page, page_file, parse

REAL = ROOT / "data"
SEVERAL = FIXTURES / "sources"
# the pages that show quotes: every record page, and the shared pages of rows
QUOTE_PAGES = ("pilots", "experiences", "coverage", "events", "areas", "evaluations", "stats", "glossary")


def raw(data: Path) -> dict:
    return yaml.safe_load((data / "pilots.yaml").read_text(encoding="utf-8"))


def source_text(data: Path, src: dict) -> str:
    return (data / src["file"]).read_text(encoding="utf-8")


def published(data: Path) -> list[dict]:
    return [s for s in raw(data)["sources"] if s.get("file") and not s.get("text_unpublished")]


@pytest.fixture(scope="module", params=["real", "several"])
def site(request, real_site, sources_site) -> tuple[Path, Path]:
    """(built site, data folder) of the real data and of the several-source fixture."""
    return (real_site, REAL) if request.param == "real" else (sources_site, SEVERAL)


def text_pages(built: Path, source_id: str) -> list[Page]:
    """The pages of a source's text: the source's page, then sources/ID/2/ …"""
    pages = [parse(page_file(built, f"sources/{source_id}/"))]
    while page_file(built, f"sources/{source_id}/{len(pages) + 1}/").exists():
        pages.append(parse(page_file(built, f"sources/{source_id}/{len(pages) + 1}/")))
    return pages


def spans(page: Page) -> list:
    return page.find("span", class_="kb-s")


def shown_sentence(el) -> str:
    """A sentence as the page shows it, without the count of records after it."""
    return re.sub(r"\d+$", "", el.text) if "kb-s--cited" in (el.attrs.get("class") or "") else el.text


# --- the text on its page -----------------------------------------------------------------


def test_each_source_page_shows_its_whole_text_with_an_anchor_per_sentence(site):
    built, data = site
    for src in published(data):
        text = source_text(data, src)
        pages = text_pages(built, src["id"])
        shown = "".join(shown_sentence(el) for page in pages for el in spans(page))
        chars = "".join(text.split())
        # the measure: ≥ 95 % of the characters (white space aside); in fact all, in order
        assert "".join(shown.split()) == chars
        sentences = located_sentences(text)
        ids = set().union(*(page.ids for page in pages))
        anchored = [s for s in sentences if s.anchor in ids]
        assert len(anchored) >= 0.9 * len(sentences)
        assert [el.attrs["id"] for page in pages for el in spans(page)] == [s.anchor for s in sentences]


def test_paragraphs_are_kept(sources_site):
    page = parse(page_file(sources_site, "sources/city-report/"))
    paragraphs = page.find("p", class_="kb-p")
    lines = [ln for ln in source_text(SEVERAL, raw(SEVERAL)["sources"][0]).splitlines() if ln.strip()]
    assert len(paragraphs) == len(lines)
    assert "".join(shown_sentence(el) for el in spans(page)[:3]) == "".join(lines[:2])


def test_cited_sentences_are_marked_with_their_count_and_the_records_citing_them(sources_site):
    page = parse(page_file(sources_site, "sources/city-report/"))
    by_text = {shown_sentence(el): el for el in spans(page)}
    meeting = page.by_id(next(el.attrs["id"] for el in spans(page) if el.text.startswith("推进会议")))
    assert "kb-s--cited" in meeting.attrs["class"]
    river = by_text["甲区河长制试点建立了四级河长体系,经验被省里推广。"]
    count = next(a for a in page.find("a", class_="kb-s__n") if a.attrs["href"] == f"#c-{river.attrs['id']}")
    assert count.text == "2"
    note = page.by_id(f"c-{river.attrs['id']}")
    assert note.text.split("：", 1)[1] == "甲区、甲区河长制试点"  # in the order of the data file
    # the repeated sentence has its own anchor each time, and both are cited
    repeats = [el for el in spans(page) if el.text.startswith("推进会议定期召开。")]
    assert [el.attrs["id"][-2:] == "-2" for el in repeats] == [False, True]
    assert all("kb-s--cited" in el.attrs["class"] for el in repeats)


def test_uncited_sentences_are_visible_as_such_with_a_filter(sources_site):
    page = parse(page_file(sources_site, "sources/city-report/"))
    classes = {shown_sentence(el): el.attrs["class"].split() for el in spans(page)}
    assert "kb-s--gap" in classes["丙区物流标准化试点尚待总结,今年计划召开现场会。"]  # substantive, uncited
    assert "kb-s--plain" in classes["工作有序开展"]  # a headline: uncited, not to catalogue
    assert "kb-s--plain" in classes["河道更清了。"]  # narrative, beside a cited sentence
    switch = page.find("input", id="kb-only-uncited")
    assert switch and switch[0].attrs["type"] == "checkbox"
    label = page.find("label", class_="kb-source__filter")[0]
    assert label.attrs["for"] == "kb-only-uncited"
    assert "只看未被引用的句子（4 句，其中实质句 1 句）" in label.text


def test_the_page_states_the_coverage(sources_site):
    page = parse(page_file(sources_site, "sources/city-report/"))
    field = next(el for el in page.find("div", class_="kb-field") if el.text.startswith("原文覆盖"))
    assert "90%" in field.text and "原文 10 个实质句中已有 9 句被记录引用" in field.text


def test_the_sources_index_and_the_statistics_show_each_sources_coverage(sources_site):
    index = parse(page_file(sources_site, "sources/"))
    cards = {c.text.split("原文覆盖")[0].strip(): c.text for c in index.find("li", class_="kb-card")}
    assert "90%" in cards["甲市改革试点工作综述"]
    assert "75%" in cards["乙省改革办关于试点经验推广情况的通报"]
    assert "100%" in cards["丙报：甲市试点见闻"]
    stats = parse(page_file(sources_site, "stats/"))
    table = re.sub(r"\s+", "", stats.by_id("source-coverage").text)
    # each row: the source, its sentences, substantive sentences, those cited, the coverage
    for row in (
        "甲市改革试点工作综述1310990%",
        "乙省改革办关于试点经验推广情况的通报44375%",
        "丙报：甲市试点见闻311100%",
    ):
        assert row in table, table


def test_a_source_whose_text_is_not_published_shows_only_the_quotes_and_says_why(sources_site):
    html = page_file(sources_site, "sources/newspaper/").read_text(encoding="utf-8")
    page = parse(page_file(sources_site, "sources/newspaper/"))
    assert (
        "本来源的全文不在本站公开：报社未许可转载全文。"
        in page.find("p", class_="kb-source__withheld")[0].text
    )
    assert "记者走访了三个乡镇" not in html  # uncited text stays off the page
    assert not page.find("div", class_="kb-source__text")
    quoted = page.find("div", class_="kb-s--quoted")
    assert [q.text.strip().splitlines()[0] for q in quoted] == ["甲市河长制试点被评为全省典型案例。"]
    assert "../../coverage/paper-river/" in html
    assert not (sources_site / "downloads" / "sources" / "newspaper.txt").exists()


# --- every quote links to its sentence --------------------------------------------------------


def quote_links(site: Path):
    """(page, quote text, link target file, anchor) of every quote link of the quote pages."""
    for folder in QUOTE_PAGES:
        for path in sorted((site / folder).rglob("index.html")):
            page = parse(path)
            quotes = page.find("span", class_="kb-quote__text")
            links = page.find("a", class_="kb-quote__at")
            assert len(quotes) == len(links), path
            for q, a in zip(quotes, links, strict=True):
                parts = urlsplit(a.attrs["href"])
                rel = path.parent.relative_to(site).as_posix()
                target = posixpath.normpath(posixpath.join(rel, parts.path)) + "/"
                yield path, q.text, page_file(site, target), parts.fragment


def test_every_quote_links_to_the_anchor_of_the_sentence_where_it_starts(site):
    built, data = site
    by_page: dict[Path, int] = {}
    targets: dict[Path, Page] = {}
    for path, quote, target, anchor in quote_links(built):
        by_page[path] = by_page.get(path, 0) + 1
        assert anchor.startswith("s-"), (path, quote)
        page = targets.setdefault(target, parse(target))
        assert anchor in page.ids, (path, quote, anchor)
        sentence = collapse_space(page.by_id(anchor).text)
        # the quote starts in this sentence: its first words are in it
        assert collapse_space(quote)[:4] in sentence, (path, quote, sentence)
    raw_data = raw(data)
    record_pages = [
        built / coll / r["id"] / "index.html"
        for coll in ("pilots", "experiences", "coverage", "events", "areas")
        for r in raw_data.get(coll) or []
    ]
    # every record page links to at least one sentence anchor (the issue: now 0 of 73)
    assert all(by_page.get(p, 0) >= 1 for p in record_pages)


def test_a_record_citing_two_sources_links_into_both(sources_site):
    links = [
        (target.parent.name, anchor)
        for path, _, target, anchor in quote_links(sources_site)
        if path.parent.name == "river" and path.parent.parent.name == "pilots"
    ]
    assert {name for name, _ in links} == {"city-report", "province-notice"}


def test_quote_links_are_plain_anchors_and_the_quote_script_is_deferred(sources_site):
    html = page_file(sources_site, "pilots/river/").read_text(encoding="utf-8")
    assert ":~:" not in html  # a text fragment is added by the script only where it is followed
    assert re.search(r'<script src="[^"]*assets/kb-quote\.js" defer>', html)


def test_a_long_text_continues_on_further_pages_where_its_quotes_land(synth_site):
    site, data = synth_site
    _, text = synth.generate(SYNTH_PILOTS)  # the text the synthetic site was built from
    first = parse(page_file(site, "sources/synthetic/"))
    pager = first.find("nav", class_="kb-pager")
    assert pager, "a long text has a pager"
    pages = [first]
    n = 2
    while page_file(site, f"sources/synthetic/{n}/").exists():
        pages.append(parse(page_file(site, f"sources/synthetic/{n}/")))
        n += 1
    assert len(pages) > 2
    shown = [el.attrs["id"] for page in pages for el in spans(page)]
    # every sentence, on one page only, in the order of the text
    assert shown == [s.anchor for s in located_sentences(text)]
    # the quotes of the first and the last pilots land on their sentence, on whichever page
    pilots = [p["id"] for p in data["pilots"]]
    for pid in pilots[:20] + pilots[-20:]:
        path = page_file(site, f"pilots/{pid}/")
        page = parse(path)
        for a in page.find("a", class_="kb-quote__at"):
            parts = urlsplit(a.attrs["href"])
            target = posixpath.normpath(posixpath.join(f"pilots/{pid}", parts.path)) + "/"
            assert parts.fragment in parse(page_file(site, target)).ids, (pid, a.attrs["href"])
