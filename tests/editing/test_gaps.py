"""``scripts/kb gaps``: the substantive sentences of a source that no record cites, at their
file and line, for an editor working through a report; as CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from pilotkb.analysis.sources import sentence_anchor

from ..conftest import FIXTURES, ROOT
from .conftest import kb, sha

CITY = "丙区物流标准化试点尚待总结,今年计划召开现场会。"
NOTICE_TITLE = "乙省改革办关于试点经验推广情况的通报"


@pytest.fixture
def several(tmp_path: Path) -> Path:
    """A copy of the several-source fixture; the path of its data file."""
    shutil.copytree(FIXTURES / "sources", tmp_path / "data")
    return tmp_path / "data" / "pilots.yaml"


def test_lists_each_uncited_substantive_sentence_at_its_file_and_line(several, capsys, monkeypatch):
    monkeypatch.chdir(several.parent.parent)
    before = sha(several)
    code, out, err = kb(several, "gaps", capsys=capsys)
    assert code == 0, err
    assert out.splitlines() == [
        f"data/sources/city-report.txt:9: {CITY}",
        f"data/sources/province-notice.txt:1: {NOTICE_TITLE}",
    ]
    # each source says how far it is covered, on stderr (stdout stays the list)
    assert "来源 city-report：实质句 10 句，已引用 9 句，尚未引用 1 句" in err
    assert "来源 newspaper：实质句 1 句，已引用 1 句，尚未引用 0 句" in err
    assert sha(several) == before  # it only reads


def test_one_source_only(several, capsys, monkeypatch):
    monkeypatch.chdir(several.parent.parent)
    code, out, _ = kb(several, "gaps", "province-notice", capsys=capsys)
    assert code == 0
    assert out == f"data/sources/province-notice.txt:1: {NOTICE_TITLE}\n"


def test_a_sentence_disappears_from_the_list_once_a_record_cites_it(several, capsys):
    text = several.read_text(encoding="utf-8")
    several.write_text(
        text.replace(
            "evaluations:",
            f"  - id: wuliu\n    title: 物流会\n    kind: 现场会\n    source: city-report\n"
            f"    quote: {CITY}\nevaluations:",
        ),
        encoding="utf-8",
    )
    code, out, err = kb(several, "gaps", "city-report", capsys=capsys)
    assert code == 0, err
    assert out == ""
    assert "尚未引用 0 句" in err


def test_csv_for_a_spreadsheet(several, capsys, monkeypatch):
    monkeypatch.chdir(several.parent.parent)
    code, out, _ = kb(several, "gaps", "--format", "csv", capsys=capsys)
    assert code == 0
    assert out.startswith("\ufeff") and "\r\n" in out
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows == [
        ["file", "line", "source", "anchor", "sentence"],
        ["data/sources/city-report.txt", "9", "city-report", sentence_anchor(CITY), CITY],
        [
            "data/sources/province-notice.txt",
            "1",
            "province-notice",
            sentence_anchor(NOTICE_TITLE),
            NOTICE_TITLE,
        ],
    ]


def test_a_sentence_that_looks_like_a_formula_stays_inert_in_the_csv(several, capsys):
    source = several.parent / "sources" / "city-report.txt"
    source.write_text(source.read_text(encoding="utf-8") + "=试点数+1\n", encoding="utf-8")
    code, out, _ = kb(several, "gaps", "city-report", "--format", "csv", capsys=capsys)
    assert code == 0
    assert list(csv.reader(io.StringIO(out)))[-1][-1] == "'=试点数+1"


def test_the_real_report_has_no_gaps(capsys):
    code, out, err = kb(ROOT / "data" / "pilots.yaml", "gaps", "zibo-2017-report", capsys=capsys)
    assert code == 0, err
    assert out == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["gaps", "no-such"],
            "SOURCE_ID: 没有编号为“no-such”的来源；允许：city-report、province-notice、newspaper",
        ),
    ],
)
def test_an_unknown_source_is_named_with_those_there_are(several, capsys, args, expected):
    code, out, err = kb(several, *args, capsys=capsys)
    assert code == 1 and out == ""
    assert expected in err and "Traceback" not in err


def test_a_source_without_a_text_file_is_said(several, capsys):
    text = several.read_text(encoding="utf-8")
    several.write_text(
        text.replace("    file: sources/newspaper.txt\n    text_unpublished", "    text_unpublished"),
        encoding="utf-8",
    )
    code, out, err = kb(several, "gaps", "newspaper", capsys=capsys)
    assert code == 1 and out == ""
    assert "来源 newspaper 没有原文文件（file），无法列出" in err
    code, out, err = kb(several, "gaps", capsys=capsys)  # all sources: the others are listed
    assert code == 0 and CITY in out


def test_bad_data_gives_the_validators_messages(several, capsys):
    several.write_text(
        several.read_text(encoding="utf-8").replace("quote: 推进会议定期召开。", "quote: 不在原文中。"),
        encoding="utf-8",
    )
    code, out, err = kb(several, "gaps", capsys=capsys)
    assert code == 1 and out == ""
    assert "引文在来源“city-report”中找不到：“不在原文中。”" in err and "Traceback" not in err
