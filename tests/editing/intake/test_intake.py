"""scripts/kb source add|replace on reports as they arrive (tests/reportfiles.py): a Word
file, a PDF wrapped over lines and pages, a GBK web page; each body sentence stored verbatim,
no page furniture, the original kept byte for byte and offered on the built source page; scans,
old Word files and hostile files refused with data/ byte-identical."""

from __future__ import annotations

import hashlib
import re
import resource
import time
from pathlib import Path

import pytest
import yaml

from pilotkb.editing.cli import main
from tests import reportfiles as rf

from ...conftest import build, make_project
from ..conftest import kb
from ..test_ingest import tree


def check(data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", str(data)])
    return code, capsys.readouterr().err


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    rf.main([str(folder)])
    return folder


def sources_of(data: Path) -> list[dict]:
    return yaml.safe_load(data.read_text(encoding="utf-8"))["sources"]


def added(data: Path) -> dict:
    return next(s for s in sources_of(data) if s["id"] != "zibo-2017-report")


# --- what is taken in ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "media_type"),
    [
        ("report.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("report.pdf", "pdf", "application/pdf"),
        ("report.html", "html", "text/html"),
    ],
)
def test_every_body_sentence_is_stored_verbatim_and_the_furniture_is_not(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str], name: str, kind: str, media_type: str
) -> None:
    code, out, err = kb(data, "source", "add", str(reports / name), capsys=capsys)
    assert code == 0, err
    rec = added(data)
    text = (data.parent / rec["file"]).read_text(encoding="utf-8")
    missing = [s for s in rf.SENTENCES if s not in text]
    assert missing == []
    assert [f for f in rf.FURNITURE[kind] if f in text] == []
    # a table is one row a line, its numbers quotable
    assert re.search(r"^国家级试点（项） \| 9 \| 12$", text, re.M)
    # the original, byte for byte, recorded with its type, size and digest
    original = data.parent / rec["original"]
    raw = (reports / name).read_bytes()
    assert original.read_bytes() == raw and original.suffix == "." + kind
    assert rec["original_type"] == media_type
    assert rec["original_size"] == len(raw)
    assert rec["original_sha256"] == hashlib.sha256(raw).hexdigest()
    assert rec["title"] == rf.TITLE  # proposed from the document, and said so
    assert f"标题取自文档：{rf.TITLE}" in out
    assert "未收录页面杂项" in out


def test_a_paragraph_wrapped_over_lines_and_a_page_is_one_line(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kb(data, "source", "add", str(reports / "report.pdf"), capsys=capsys)[0] == 0
    lines = (data.parent / added(data)["file"]).read_text(encoding="utf-8").splitlines()
    paragraphs = [str(v) for k, v in rf.BODY if k == "para"]
    for p in paragraphs:
        assert p in lines  # whole: joined with nothing between Chinese characters
    assert "BIM technology platform" in lines[3]  # a space kept between Latin words


def test_a_page_gives_its_date_and_publisher_and_gbk_big5_utf8_all_read(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = kb(data, "source", "add", str(reports / "report.html"), capsys=capsys)
    assert code == 0
    rec = added(data)
    assert (str(rec["date"]), rec["publisher"]) == (rf.DATE, rf.PUBLISHER)
    assert f"日期取自文档：{rf.DATE}" in out and f"发布机构取自文档：{rf.PUBLISHER}" in out
    # Big5, declared so; the portal's name is not part of the title
    code, out, err = kb(data, "source", "add", str(reports / "report-big5.html"), capsys=capsys)
    assert code == 0, err
    big5 = next(s for s in sources_of(data) if s["title"] == "社會住宅興建計畫")
    stored = (data.parent / big5["file"]).read_text(encoding="utf-8")
    assert all(s in stored for s in rf.BIG5_SENTENCES) and "首頁" not in stored and "版權所有" not in stored


def test_a_word_file_never_gets_a_date_from_its_file_times(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = kb(data, "source", "add", str(reports / "report.docx"), capsys=capsys)
    assert code == 0
    assert "date" not in added(data)  # the body states none; created/modified are not publication
    assert "日期：文档中没有找到" in out


def test_dry_run_prints_the_text_and_every_line_left_out_and_writes_nothing(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(data.parent)
    code, out, _ = kb(data, "source", "add", str(reports / "report.html"), "--dry-run", capsys=capsys)
    assert code == 0
    stored, left = out.split("=== 作为页面杂项未收录的内容")
    assert all(s in stored for s in rf.SENTENCES)
    for furniture in (
        "当前位置：首页 > 政务公开 > 工作动态",
        "相关新闻",
        "版权所有",
        "网站标识码",
        "【打印本页】",
    ):
        assert furniture in left
    assert "没有写入任何文件" in out
    assert tree(data.parent) == before


# --- the original on the built site ------------------------------------------------------


def test_the_built_source_page_links_the_original_and_says_the_text_came_from_it(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    data = project / "data" / "pilots.yaml"
    assert kb(data, "source", "add", str(reports / "report.docx"), capsys=capsys)[0] == 0
    rid = added(data)["id"]
    site = tmp_path / "site"
    run = build(project, site)
    assert run.returncode == 0, run.stderr
    page = (site / "sources" / rid / "index.html").read_text(encoding="utf-8")
    link = re.search(
        r'<a class="kb-original" href="([^"]+)" download>下载原件</a>（Word 文档，([\d.]+ KB)）', page
    )
    assert link, "no 下载原件 link"
    served = (site / "sources" / rid / link.group(1)).resolve()
    assert served.read_bytes() == (reports / "report.docx").read_bytes()
    assert "下面的原文是从原件（Word 文档）逐段提取的文本" in page
    package = (site / "downloads" / "datapackage.json").read_text(encoding="utf-8")
    assert f"source-original-{rid}" in package


def test_kb_check_notices_an_original_changed_after_it_was_taken_in(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kb(data, "source", "add", str(reports / "report.pdf"), capsys=capsys)[0] == 0
    original = data.parent / added(data)["original"]
    original.write_bytes(original.read_bytes() + b"\n% edited\n")
    code, err = check(data, capsys)
    assert code == 1
    assert re.search(r"pilots\.yaml:\d+: guanyu-[\w-]+: original_size: 原件实际有 \d+ 字节", err)


# --- refusals: a message a person can act on, data/ untouched -----------------------------

REFUSALS = {
    "scan.pdf": "没有文字层（是扫描件或图片）",
    "old.doc": "在 Word 或 WPS 中打开，选“另存为”，保存类型选“Word 文档（*.docx）”",
    "old.wps": "旧版 Word（.doc）、WPS（.wps）",
    "encrypted.pdf": "需要口令才能打开",
    "copy-locked.pdf": "限制复制文字",
    "bomb.docx": "像是恶意构造的文件",
    "entities.docx": "DTD 实体声明",
    "truncated.pdf": "已损坏或不完整",
    "stream-bomb.pdf": "；允许：",
    "empty.html": "没有找到正文文字",
    "text.docx": "文件名是 .docx，内容却是纯文本",
    "damaged.docx": "已损坏或不完整",
}


@pytest.mark.parametrize(("name", "expected"), list(REFUSALS.items()), ids=list(REFUSALS))
def test_what_has_no_text_or_is_hostile_is_refused_quickly_with_data_unchanged(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str], name: str, expected: str
) -> None:
    before = tree(data.parent)
    started = time.monotonic()
    code, out, err = kb(data, "source", "add", str(reports / name), "--title", "标题", capsys=capsys)
    assert time.monotonic() - started < 60
    assert code == 1 and "Traceback" not in err and out == ""
    assert expected in err and "；允许：" in err and err.rstrip().endswith("数据未作任何改动。")
    assert tree(data.parent) == before
    # the parser ran in a process held to its budget; this process stayed small
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1024 * 1024  # KB


# --- a corrected version ----------------------------------------------------------------


def quote_new_source(data: Path, rid: str, quotes: list[str]) -> None:
    """An area resting on two sentences of the new source, first in its collection."""
    items = "".join(f"      - {q}\n" for q in quotes)
    record = f"  - id: shenji-area\n    name: 审计直审试点区\n    kind: 区\n    source: {rid}\n    quote:\n{items}\n"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("\nareas:\n", "\nareas:\n" + record, 1), encoding="utf-8")


def test_a_record_quoting_two_sentences_passes_and_replace_keeps_or_refuses(
    data: Path, reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kb(data, "source", "add", str(reports / "report.docx"), capsys=capsys)[0] == 0
    rid = added(data)["id"]
    gaps = kb(data, "gaps", rid, capsys=capsys)[1]
    assert "淄川区探索“审计直审”做法" in gaps
    quoted = [
        "淄川区探索“审计直审”做法，累计审计村居840余个，发现并整改问题1260个，",
        "全区3.2万名党员参加体检",
    ]
    quote_new_source(data, rid, quoted)
    assert check(data, capsys)[0] == 0

    # a corrected PDF that still has both sentences: text and original replaced
    code, out, err = kb(data, "source", "replace", rid, str(reports / "report.pdf"), capsys=capsys)
    assert code == 0, err
    rec = added(data)
    assert rec["original"].endswith(".pdf") and rec["original_type"] == "application/pdf"
    assert (data.parent / rec["original"]).read_bytes() == (reports / "report.pdf").read_bytes()
    assert not (data.parent / rec["original"]).with_suffix(".docx").exists()  # git keeps the old one
    assert check(data, capsys)[0] == 0

    # a correction that drops a quoted sentence: nothing written, the quote named at its line
    before = tree(data.parent)
    changed = rf.html_text().replace("全区3.2万名党员参加体检", "全区3.3万名党员参加体检").encode("gbk")
    (tmp_path / "更正版.html").write_bytes(changed)
    code, out, err = kb(data, "source", "replace", rid, str(tmp_path / "更正版.html"), capsys=capsys)
    assert code == 1 and "Traceback" not in err
    line = next(i for i, ln in enumerate(data.read_text(encoding="utf-8").splitlines(), 1) if "3.2万名" in ln)
    assert re.search(rf"pilots\.yaml:{line}: shenji-area: quote\[1\]: 引文在来源“{rid}”中找不到", err)
    assert tree(data.parent) == before


def test_without_the_intake_libraries_the_command_says_to_install_them(
    data: Path, reports: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make verify` installs the runtime alone: a Word file then asks for make setup."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "docx" else real(name, *a)
    )
    before = tree(data.parent)
    code, _, err = kb(data, "source", "add", str(reports / "report.docx"), capsys=capsys)
    assert code == 1 and "需要 docx" in err and "make setup" in err and "Traceback" not in err
    assert tree(data.parent) == before
