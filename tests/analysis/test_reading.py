"""A source text read against its quotes: which sentences each quote covers, where it starts,
the coverage and the gaps; on hand-made texts and on the several-source fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilotkb import load_catalog
from pilotkb.analysis.reading import Coverage, SourceReading, readings, uncovered
from pilotkb.analysis.sources import citations, located_sentences, sentence_anchor
from pilotkb.data.load import load
from pilotkb.data.validate import SourceText

from ..conftest import FIXTURES, ROOT

TEXT = (
    "报告标题\n"
    "甲试点取得进展。乙示范区建立了制度,经验被推广。\n"
    "共3项试点。\n"
    "会议定期召开。\n"
    "  会议定期召开。  尚待总结的试点。\n"
    "惠民成果丰硕。\n"
)


def reading(*quotes: str) -> SourceReading:
    return SourceReading(TEXT, [("pilots", f"p{i}", q) for i, q in enumerate(quotes)])


def texts_where(r: SourceReading, pred) -> list[str]:
    return [s.sentence.text for s in r.sentences if pred(s)]


def test_a_quote_covers_every_sentence_its_words_overlap_across_lines():
    r = reading("经验被推广。 共3项")  # from the middle of one line into the next
    assert texts_where(r, lambda s: s.cited) == ["乙示范区建立了制度,经验被推广。", "共3项试点。"]
    assert r.start_of("经验被推广。\n共3项").text == "乙示范区建立了制度,经验被推广。"


def test_a_fragment_starts_in_its_sentence_and_marks_only_it():
    r = reading("建立了制度")
    assert texts_where(r, lambda s: s.cited) == ["乙示范区建立了制度,经验被推广。"]
    assert r.start_of("建立了制度").anchor == sentence_anchor("乙示范区建立了制度,经验被推广。")


def test_a_repeated_sentence_is_cited_wherever_it_occurs_and_starts_at_the_first():
    r = reading("会议定期召开。")
    cited = [s.sentence for s in r.sentences if s.cited]
    assert [s.anchor for s in cited] == [
        sentence_anchor("会议定期召开。"),
        sentence_anchor("会议定期召开。") + "-2",
    ]
    assert r.start_of("会议定期召开。") == cited[0]


def test_each_record_is_counted_once_per_sentence_in_data_order():
    r = SourceReading(
        TEXT,
        [("events", "e", "甲试点取得进展"), ("pilots", "p", "甲试点取得进展。"), ("events", "e", "取得进展")],
    )
    first = next(s for s in r.sentences if s.cited)
    assert first.cited_by == (("events", "e"), ("pilots", "p"))


def test_coverage_gaps_and_what_is_not_substantive():
    r = reading("甲试点取得进展。", "会议定期召开。")
    # substantive: 甲试点…, 乙示范区…, 共3项…, 会议×2, 尚待总结的试点; not: the headline, 惠民成果丰硕
    assert r.coverage == Coverage(sentences=8, substantive=6, cited=3)
    assert r.coverage.percent == 50 and r.coverage.gaps == 3
    assert [s.text for s in r.gaps()] == [
        "乙示范区建立了制度,经验被推广。",
        "共3项试点。",
        "尚待总结的试点。",
    ]
    assert [s.line for s in r.gaps()] == [2, 3, 5]
    assert texts_where(r, lambda s: not s.cited and not s.substantive) == ["报告标题", "惠民成果丰硕。"]


def test_percent_is_rounded_down_and_absent_without_substantive_sentences():
    assert Coverage(100, 3, 2).percent == 66
    assert Coverage(100, 300, 299).percent == 99  # never shown as 100 % before it is
    assert Coverage(2, 0, 0).percent is None
    assert str(Coverage(10, 3, 3)) == "3/3（100%）"


def test_paragraphs_keep_the_lines_and_the_space_between_sentences():
    r = reading()
    paragraphs = [[(s.sentence.text, s.spaced) for s in p] for p in r.paragraphs()]
    assert paragraphs[0] == [("报告标题", False)]
    assert paragraphs[1] == [("甲试点取得进展。", False), ("乙示范区建立了制度,经验被推广。", False)]
    assert paragraphs[4] == [("会议定期召开。", False), ("尚待总结的试点。", True)]
    assert len(paragraphs) == 6
    # every character of the text but white space is in a sentence of a paragraph
    shown = "".join(s.sentence.text for p in r.paragraphs() for s in p)
    assert shown == "".join(TEXT.split())


def test_quoted_lists_the_quotes_at_the_sentence_where_they_start_in_text_order():
    r = SourceReading(
        TEXT,
        [("pilots", "p", "共3项试点。"), ("events", "e", "建立了制度"), ("figures", "f", "共3项试点。")],
    )
    assert [(s.text, items) for s, items in r.quoted()] == [
        ("乙示范区建立了制度,经验被推广。", [("建立了制度", (("events", "e"),))]),
        ("共3项试点。", [("共3项试点。", (("pilots", "p"), ("figures", "f")))]),
    ]


def test_a_quote_not_in_the_text_starts_nowhere():
    r = reading("不在原文中的话")
    assert r.start_of("不在原文中的话") is None
    assert not any(s.cited for s in r.sentences)


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("会议定期召开。", [0, 8]),  # a whole sentence, twice: from the sentence index
        ("定期召开", [2, 10]),  # a fragment: searched
        ("召开。 会议", [4]),  # across a sentence end
        ("缺席。", []),
    ],
)
def test_source_text_yields_every_place_of_a_quote(quote, expected):
    assert list(SourceText("会议定期召开。 会议定期召开。").occurrences(quote)) == expected


# --- several sources, read from a validated catalogue ---------------------------------

DATA = FIXTURES / "sources" / "pilots.yaml"


def test_each_source_of_a_catalogue_is_read_against_its_own_quotes():
    found = readings(load_catalog(DATA))
    assert set(found) == {"city-report", "province-notice", "newspaper"}
    city, notice = found["city-report"], found["province-notice"]
    assert city is not None and notice is not None
    assert [s.text for s in city.gaps()] == ["丙区物流标准化试点尚待总结,今年计划召开现场会。"]
    # the province's notice (ingested from GB18030) keeps its character outside GBK
    assert notice.start_of("刘䶮同志在座谈会上介绍了乙区医联体试点做法。").line == 4
    # a record citing two sources counts in each, as the record holding the nested item
    river = ("pilots", "river")
    assert any(river in s.cited_by for s in city.sentences)
    assert any(river in s.cited_by for s in notice.sentences)


def test_a_source_without_a_text_file_has_no_reading(tmp_path: Path):
    (tmp_path / "t.txt").write_text("甲试点取得进展。\n", encoding="utf-8")
    (tmp_path / "data.yaml").write_text(
        "sources:\n"
        "  - {id: s, title: t, kind: 报告, file: t.txt}\n"
        "  - {id: bare, title: u, kind: 新闻}\n"
        "pilots:\n"
        "  - {id: p, name: 甲, source: s, quote: 甲试点取得进展}\n",
        encoding="utf-8",
    )
    found = readings(load_catalog(tmp_path / "data.yaml"))
    assert found["bare"] is None
    assert found["s"] is not None and found["s"].coverage == Coverage(1, 1, 1)


def test_the_catalogue_and_the_plain_data_give_the_same_gaps():
    for sid, r in readings(load_catalog(DATA)).items():
        assert r is not None
        assert [s.text for s in r.gaps()] == uncovered(DATA, sid)


def test_the_real_report_every_sentence_has_a_distinct_anchor_and_every_quote_a_start(real_catalog):
    r = readings(real_catalog)["zibo-2017-report"]
    assert r is not None
    anchors = [s.anchor for s in r.located]
    assert len(set(anchors)) == len(anchors) == len(located_sentences(r.text))
    data = load(ROOT / "data" / "pilots.yaml").data
    assert isinstance(data, dict)
    assert all(r.start_of(q) is not None for _, _, q in citations(data, "zibo-2017-report"))


def test_a_long_text_is_paged_between_paragraphs(monkeypatch):
    import pilotkb.analysis.reading as module

    monkeypatch.setattr(module, "TEXT_PAGE_WEIGHT", 20)
    for name in ("SENTENCE_WEIGHT", "CITED_WEIGHT", "CITER_WEIGHT"):  # the text alone
        monkeypatch.setattr(module, name, 0)
    r = reading()
    pages = [[[s.sentence.text for s in para] for para in page] for page in r.pages]
    # whole paragraphs where they fit, at most 20 characters a page; a paragraph longer than a
    # page (24 characters) is cut between its sentences
    assert pages == [
        [["报告标题"], ["甲试点取得进展。"]],
        [["乙示范区建立了制度,经验被推广。"]],
        [["共3项试点。"], ["会议定期召开。"]],
        [["会议定期召开。", "尚待总结的试点。"]],
        [["惠民成果丰硕。"]],
    ]
    assert [r.page_of(s.anchor) for s in r.located] == [0, 0, 1, 2, 2, 3, 3, 4]
    monkeypatch.setattr(module, "TEXT_PAGE_WEIGHT", 10)
    r = reading()
    # a sentence longer than a page has a page of its own
    assert [[s.sentence.text for s in para] for para in r.pages[2]] == [["乙示范区建立了制度,经验被推广。"]]


def test_the_marks_and_the_records_citing_a_sentence_weigh_on_its_page():
    from pilotkb.analysis.reading import CITED_WEIGHT, CITER_WEIGHT, SENTENCE_WEIGHT, weight

    plain = reading().sentences[5]
    cited = SourceReading(TEXT, [("pilots", f"p{i}", "会议定期召开。") for i in range(3)]).sentences[4]
    assert plain.sentence.text == cited.sentence.text == "会议定期召开。" and len(cited.cited_by) == 3
    assert weight(plain) == 7 + SENTENCE_WEIGHT
    assert weight(cited) == 7 + SENTENCE_WEIGHT + CITED_WEIGHT + 3 * CITER_WEIGHT


def test_the_real_report_is_paged_by_weight(real_catalog):
    from pilotkb.analysis.reading import TEXT_PAGE_WEIGHT, weight

    r = readings(real_catalog)["zibo-2017-report"]
    assert r is not None and len(r.pages) > 1
    for page in r.pages:
        assert sum(weight(s) for para in page for s in para) <= TEXT_PAGE_WEIGHT
