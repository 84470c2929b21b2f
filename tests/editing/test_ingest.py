"""scripts/kb source add: a report in any of the encodings the press office receives becomes a
UTF-8 source text and a source record; anything else is refused with data/ left as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from pilotkb.data.validate import validate_file
from pilotkb.editing.cli import main
from pilotkb.editing.ids import propose_id

from ..conftest import ENV, ROOT, build, make_project
from .conftest import SOURCE_TEXT, kb, sha

TITLE = "关于2018年全市改革试点工作的通报"
# Written as a report is: a heading, numbers, quoted names; nothing here is in the real source.
REPORT = (
    f"{TITLE}\n"
    "一、总体情况\n"
    "全市共承担国家级改革试点12项，其中3项已完成销号。\n"
    "二、典型经验\n"
    "“审计直审”做法在全省推广，累计审计村居840余个。\n"
)
# GB18030 has characters GBK lacks: 𠀀 (four bytes, outside the BMP) and 㐀 (CJK extension A).
REPORT_GB18030 = REPORT + "附：生僻字𠀀、㐀照原文保留。\n"
ARGS = ("--title", TITLE, "--publisher", "市委改革办", "--date", "2018-12")


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with the SHA-256 of each file."""
    return {str(p.relative_to(folder)): sha(p) if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


def add(data: Path, file: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return kb(data, "source", "add", str(file), *(args or ARGS), capsys=capsys)


def new_source(data: Path) -> dict:
    sources = yaml.safe_load(data.read_text(encoding="utf-8"))["sources"]
    return next(s for s in sources if s.get("title") == TITLE)


# --- what is taken in ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "text", "shown"),
    [
        (REPORT.encode("utf-8"), REPORT, "UTF-8"),
        (b"\xef\xbb\xbf" + REPORT.encode("utf-8"), REPORT, "UTF-8（带 BOM）"),
        (b"\xff\xfe" + REPORT_GB18030.encode("utf-16-le"), REPORT_GB18030, "UTF-16 LE（带 BOM）"),
        (b"\xfe\xff" + REPORT_GB18030.encode("utf-16-be"), REPORT_GB18030, "UTF-16 BE（带 BOM）"),
        (REPORT_GB18030.encode("gb18030"), REPORT_GB18030, "GB18030"),
        (REPORT.encode("gbk"), REPORT, "GB18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16le", "utf16be", "gb18030", "gbk"],
)
def test_a_report_in_each_encoding_becomes_a_utf8_source(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoded: bytes, text: str, shown: str
) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes(encoded)
    code, out, err = add(data, report, capsys)
    assert code == 0, err
    record = new_source(data)
    taken = {"zibo-2017-report"}
    assert record == {
        "id": propose_id(TITLE, taken),
        "title": TITLE,
        "publisher": "市委改革办",
        "date": "2018-12",
        "kind": "报告",
        "file": f"sources/{propose_id(TITLE, taken)}.txt",
    }
    stored = data.parent / record["file"]
    assert stored.read_bytes() == text.encode("utf-8")  # UTF-8, no BOM, the text unchanged
    assert f"{shown} → UTF-8，共 {text.count(chr(10))} 行" in out
    assert "校验通过" in out
    validate_file(data)
    assert stored.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("ends", ["\r\n", "\r", "mixed"])
def test_line_ends_become_newlines(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], ends: str
) -> None:
    lines = REPORT.splitlines()
    if ends == "mixed":
        raw = "\r\n".join(lines[:2]) + "\r" + "\n".join(lines[2:]) + "\r\n"
    else:
        raw = ends.join(lines)  # no line end after the last line
    (tmp_path / "r.txt").write_bytes(raw.encode("gb18030"))
    assert add(data, tmp_path / "r.txt", capsys)[0] == 0
    assert (data.parent / new_source(data)["file"]).read_bytes() == REPORT.encode("utf-8")


def test_decomposed_text_is_stored_composed(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # é as e + combining acute, 가 as two jamo: what some Mac tools and PDF copies give
    decomposed = REPORT + "会议纪要由 Rene\u0301 整理；\u1100\u1161 字样照录。\n"
    assert unicodedata.normalize("NFC", decomposed) != decomposed
    (tmp_path / "r.txt").write_text(decomposed, encoding="utf-8")
    assert add(data, tmp_path / "r.txt", capsys)[0] == 0
    stored = (data.parent / new_source(data)["file"]).read_text(encoding="utf-8")
    assert stored == unicodedata.normalize("NFC", decomposed)
    assert "René" in stored and "가" in stored and "\u0301" not in stored


def test_optional_link_and_kind(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    extra = ("--url", "https://example.org/tongbao.html", "--kind", "文件")
    assert add(data, tmp_path / "r.txt", capsys, *ARGS, *extra)[0] == 0
    record = new_source(data)
    assert record["link"] == "https://example.org/tongbao.html" and record["kind"] == "文件"


# --- what is refused, with data/ byte-identical -------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


REFUSED = {
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "这是一张 PNG 图片"),
    "docx": (b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + bytes(64), "已损坏或不完整"),
    "nul": ("全市共承担国家级改革试点12项。\n".encode() + b"\x00\x00\x00\x00more\n", "空字节（NUL）"),
    "control": ("全市共承担\n国家级改革试点\x0212项。\n".encode(), ":2: (文件): 内容: 含有控制字符 U+0002"),
    "cp1252": (
        "Café crème brûlée, naïve façade résumé. Über straße\n".encode("cp1252"),
        "无法识别文件的编码（看起来是 cp125",
    ),
    "noise": (bytes(range(128, 256)) * 4, "编码"),
    "bad-utf16": (
        b"\xff\xfe" + "试点".encode("utf-16-le") + b"\x00\xd8A\x00",
        "不是合法的 UTF-16 LE（带 BOM）",
    ),
    "bad-utf8-bom": (
        b"\xef\xbb\xbf\xe8\xaf\x95\n\xff\xfe\xfa\n",
        ":2: (文件): 编码: 文件按 UTF-8（带 BOM） 读取，但第 8 字节不是合法的",
    ),
    "html": (
        b"<!DOCTYPE html>\n<html><body>\xe8\xaf\x95\xe7\x82\xb9</body></html>\n",
        "文件名是 .txt，内容却是网页（HTML）",
    ),
    "empty": (b" \r\n\r\n", "文件为空"),
    "already-a-source": (SOURCE_TEXT.encode("utf-8"), "已经收录为来源 zibo-2017-report"),
    "already-a-source-gb18030": (
        SOURCE_TEXT.replace("\n", "\r\n").encode("gb18030"),
        "已经收录为来源 zibo-2017-report",
    ),
    "already-a-source-utf16": (SOURCE_TEXT.encode("utf-16"), "已经收录为来源 zibo-2017-report"),
}


@pytest.mark.parametrize(("content", "expected"), list(REFUSED.values()), ids=list(REFUSED))
def test_refused_file_leaves_data_byte_identical(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    before = tree(data.parent)
    (tmp_path / "in.txt").write_bytes(content)
    code, out, err = add(data, tmp_path / "in.txt", capsys)
    assert code == 1
    assert expected in err
    assert "；允许：" in err and err.rstrip().endswith("数据未作任何改动。")
    assert out == "" and "Traceback" not in err
    assert tree(data.parent) == before


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_fifo, "不是普通文件，而是命名管道（FIFO）"),
        (lambda p: p.mkdir(), "不是普通文件，而是目录"),
        (lambda p: None, "文件不存在"),
    ],
    ids=["fifo", "folder", "missing"],
)
def test_refused_path_leaves_data_byte_identical(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make, expected: str
) -> None:
    before = tree(data.parent)
    make(tmp_path / "in.txt")
    code, _, err = add(data, tmp_path / "in.txt", capsys)  # a FIFO without a writer: no hang
    assert code == 1 and expected in err and "Traceback" not in err
    assert tree(data.parent) == before


def test_an_existing_file_of_the_same_name_is_not_overwritten(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = data.parent / "sources" / f"{propose_id(TITLE, {'zibo-2017-report'})}.txt"
    target.write_text("另一份文本，没有来源记录引用它。\n", encoding="utf-8")
    before = tree(data.parent)
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    code, _, err = add(data, tmp_path / "r.txt", capsys)
    assert code == 1 and "Traceback" not in err
    assert f"{target.name}: 文件已存在（没有来源记录引用它），不会覆盖" in err
    assert tree(data.parent) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--title", TITLE, "--publisher", "市委改革办", "--date", "2018-13"), "date"),
        (
            ("--title", TITLE, "--publisher", "市委改革办", "--date", "2018", "--kind", "通报"),
            "报告、新闻、文件、其他",
        ),
        (("--title", TITLE, "--publisher", "市委改革办", "--date", "2018", "--url", "ftp://x"), "link"),
        (("--title", " ", "--publisher", "市委改革办", "--date", "2018"), "--title 不能为空"),
    ],
    ids=["date", "kind", "url", "title"],
)
def test_a_record_the_validator_refuses_takes_its_text_file_back(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], expected: str
) -> None:
    """The text file is written before the data file (validation reads it); when the data
    file is refused, the text file goes again."""
    before = tree(data.parent)
    (tmp_path / "r.txt").write_bytes(REPORT.encode("gb18030"))
    code, out, err = add(data, tmp_path / "r.txt", capsys, *args)
    assert code == 1 and expected in err and "Traceback" not in err
    assert "数据未作任何改动" in err and "原文已保存" not in out
    assert tree(data.parent) == before


def test_the_sources_folder_made_for_the_text_goes_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = folder / "pilots.yaml"
    data.write_text("sources:\n  - id: a\n    title: 甲\n    kind: 报告\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    before = tree(folder)
    code, _, err = add(
        data, tmp_path / "r.txt", capsys, "--title", TITLE, "--publisher", "x", "--date", "2018-02-30"
    )
    assert code == 1 and "Traceback" not in err
    assert tree(folder) == before  # no empty sources/ left behind
    assert add(data, tmp_path / "r.txt", capsys)[0] == 0
    assert (folder / "sources").is_dir()


def test_help_is_bilingual_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["source", "add", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "收录为新来源" in out and "Take in the report FILE" in out
    assert "scripts/kb source add" in out.split("示例 / example:")[1]


# --- end to end: a GB18030 report, checked and built ----------------------------------------


def test_a_gb18030_report_is_checked_and_gets_its_page(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    data = project / "data" / "pilots.yaml"
    report = tmp_path / "通报.txt"
    report.write_bytes(REPORT_GB18030.replace("\n", "\r\n").encode("gb18030"))
    kb_script = [sys.executable, str(ROOT / "scripts" / "kb")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*kb_script, *args], cwd=project, env=ENV, capture_output=True, text=True, timeout=300
        )

    added = run("source", "add", str(report), *ARGS, "--data", str(data))
    assert added.returncode == 0, added.stderr
    rid = propose_id(TITLE, {"zibo-2017-report"})
    stored = project / "data" / "sources" / f"{rid}.txt"
    assert stored.read_text(encoding="utf-8") == REPORT_GB18030
    checked = run("check", str(data))
    assert checked.returncode == 0, checked.stderr
    assert "sources 2" in checked.stdout
    undecodable = tmp_path / "乱码.txt"
    undecodable.write_bytes(bytes(range(128, 256)) * 4)
    before = tree(project / "data")
    refused = run(
        "source",
        "add",
        str(undecodable),
        "--title",
        "乱码",
        "--publisher",
        "x",
        "--date",
        "2018",
        "--data",
        str(data),
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and "编码" in refused.stderr
    assert tree(project / "data") == before

    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (project / "site" / "sources" / rid / "index.html").read_text(encoding="utf-8")
    assert TITLE in page and "市委改革办" in page
    index = (project / "site" / "sources" / "index.html").read_text(encoding="utf-8")
    assert f'href="{rid}/"' in index
    shutil.rmtree(project / "site")
