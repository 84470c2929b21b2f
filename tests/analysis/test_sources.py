"""Every substantive sentence of the source report is cited by some record of the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pilotkb import load_catalog
from pilotkb.analysis.reading import uncovered
from pilotkb.analysis.sources import cited_by, is_substantive, sentences
from pilotkb.data.load import collapse_space as normalise
from pilotkb.data.load import load
from pilotkb.data.registry import cited_parts

from ..conftest import ROOT

DATA = ROOT / "data" / "pilots.yaml"
SOURCE_ID = "zibo-2017-report"
SOURCE_FILE = ROOT / "data" / "sources" / "000_662edafe16e0ea04.txt"


# --- sentences --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("  \n\n \n", []),
        ("甲。乙！丙？丁；戊", ["甲。", "乙！", "丙？", "丁；", "戊"]),
        ("问一下?好的", ["问一下?", "好的"]),
        ("第一行\n\n  第二行  \n", ["第一行", "第二行"]),
        ("标题没有句号\r\n正文一句。", ["标题没有句号", "正文一句。"]),
        ("真的吗？！是的。", ["真的吗？！", "是的。"]),
        ("他说：“做好示范。”市委表示。", ["他说：“做好示范。”", "市委表示。"]),
        (
            "截至目前,共承担试点任务192项(含重大区域政策,下同),其中国家级62项;2017年以来新增23项。",
            ["截至目前,共承担试点任务192项(含重大区域政策,下同),其中国家级62项;", "2017年以来新增23项。"],
        ),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


# --- is_substantive ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # numerals
        ("2016年以来,全市承接召开会议33次。", True),
        ("获得省大气生态补偿资金2604万元", True),
        ("PM10等指标改善率均居全省第一", True),
        # pilots, experiences, outlets, events named without a numeral
        ("淄博市承担了生态文明先行示范区、省级重点生态功能区等改革试点。", True),
        ("临淄区创新开展党性教育体检的做法,被中央办公厅采纳。", True),
        ("“刑责治污”模式被作为典型经验上报。", True),
        ("多项经验被《人民日报》、央视新闻联播刊发报道。", True),
        ("在全国“救急难”综合试点工作培训班上作了交流发言;", True),
        ("举办了首届“世界足球文化高峰论坛”。", True),
        ("积极推广推介。", True),
        ("强化督导督查。", True),
        ("狠抓经济体制领域改革试点,为全市经济持续稳定增长提供新动能", True),
        # narrative and headlines that name nothing
        ("惠民成果丰硕。", False),
        ("市委常委、秘书长、改革办主任尚龙江表示。", False),
        ("鼓励引导基层积极探索创新、先行先试。", False),
        ("四大举措齐发力", False),
        ("找准试点突破口", False),
        ("规范试点 明晰任务", False),
        # the web page's own links saved with the text
        ("新闻热点", False),
        ("新闻爆料", False),
        ("", False),
    ],
)
def test_is_substantive(sentence: str, expected: bool) -> None:
    assert is_substantive(sentence) is expected


# --- cited_by and uncovered on small hand-made data ------------------------------

SMALL: dict[str, Any] = {
    "sources": [{"id": "s", "title": "t", "kind": "报告"}],
    "pilots": [
        {
            "id": "p",
            "source": "s",
            "quote": "甲试点取得进展",
            "metrics": [{"source": "s", "quote": ["无关", "投资4.48亿元"]}],
        }
    ],
    "figures": [{"id": "f", "source": "s", "quote": "第一句。 第二句。"}],
    "events": [{"id": "e", "source": "other", "quote": "甲试点取得进展"}],
}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("甲试点取得进展,效果良好。", ["p", "e"]),  # the quote is a part of the sentence
        ("15家企业实现总投资4.48亿元。", ["p"]),  # a nested metric is reported as its pilot
        ("第二句。", ["f"]),  # the quote contains the sentence
        ("第一句。  第二句。", ["f"]),  # whitespace is normalised
        ("第三句。", []),
        ("", []),
    ],
)
def test_cited_by(sentence: str, expected: list[str]) -> None:
    assert cited_by(SMALL, sentence) == expected


def test_cited_by_one_source() -> None:
    assert cited_by(SMALL, "甲试点取得进展。", source_id="s") == ["p"]


def test_uncovered_lists_what_no_record_quotes(tmp_path: Path) -> None:
    (tmp_path / "src.txt").write_text(
        "标题\n甲试点取得进展。乙示范区尚未引用。惠民成果丰硕。\n共3项。\n新闻热点\n", encoding="utf-8"
    )
    (tmp_path / "data.yaml").write_text(
        "sources:\n"
        "  - {id: s, title: t, kind: 报告, file: src.txt}\n"
        "pilots:\n"
        "  - {id: p, name: 甲, source: s, quote: 甲试点取得进展}\n",
        encoding="utf-8",
    )
    assert uncovered(tmp_path / "data.yaml", "s") == ["乙示范区尚未引用。", "共3项。"]


# --- the real data ----------------------------------------------------------------


def _raw() -> dict[str, Any]:
    data = load(DATA).data
    assert isinstance(data, dict)
    return data


def _cited_items(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (rec["id"], item)
        for coll, records in data.items()
        if coll != "sources"
        for rec in records or []
        for _, item in cited_parts(coll, rec)
    ]


def test_every_substantive_sentence_is_cited() -> None:
    missing = uncovered(DATA, SOURCE_ID)
    assert not missing, "原文中这些句子没有任何记录引用：\n" + "\n".join(f"  - {s}" for s in missing)


def test_every_quote_is_verbatim_in_the_source() -> None:
    text = normalise(SOURCE_FILE.read_text(encoding="utf-8"))
    bad = []
    for rid, item in _cited_items(_raw()):
        assert item["source"] == SOURCE_ID
        quotes = [item["quote"]] if isinstance(item["quote"], str) else item["quote"]
        bad += [f"{rid}: {q}" for q in quotes if normalise(q) not in text]
    assert not bad, "引文不在原文中：\n" + "\n".join(bad)


def test_the_validator_accepts_the_data() -> None:
    catalog = load_catalog(DATA)
    assert SOURCE_ID in catalog.sources
    # a validated catalogue can be given to cited_by as well as the raw data
    sentence = "临淄区创新开展党性教育体检的做法,被中央办公厅在《关于推进“两学一做”学习教育常态化制度化的意见》中采纳。"
    assert cited_by(catalog, sentence) == cited_by(_raw(), sentence)
    assert "linzi-party-spirit-checkup" in cited_by(catalog, sentence)


@pytest.mark.parametrize("value", ["192项", "62项", "130项", "23项", "37项"])
def test_reported_totals_are_figures_as_written(value: str) -> None:
    figures = [f for f in _raw()["figures"] if f["value"] == value and f.get("group") == "试点总量"]
    assert len(figures) == 1, f"应有一条试点总量数字“{value}”"
    fig = figures[0]
    quotes = [fig["quote"]] if isinstance(fig["quote"], str) else fig["quote"]
    assert any(value in q for q in quotes)
    assert fig["number"] == int(value.removesuffix("项"))
    assert fig["unit"] == "项"
