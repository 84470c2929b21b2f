"""The round-trip splicer: new text in the file's own style, regions found to the line, every
other byte kept (BOM, CRLF), and nothing written unless the result is what was intended."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from pilotkb.editing.plan import plan_set
from pilotkb.editing.refusal import EditError
from pilotkb.editing.splice import (
    apply_splices,
    commit,
    find_record,
    key_region,
    open_document,
    record_node,
    round_trip_yaml,
)

from ..conftest import ROOT
from .conftest import diff_ops, kb, sha, stray_files

SMALL = """\
# comment kept
pilots:
  - id: first
    summary: >-
      line one
      line two

  - id: second
    name: 第二
"""


def test_round_trip_of_real_file_is_byte_identical() -> None:
    # New text is rendered with this configuration, so it must be the file's own style.
    text = (ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8")
    y = round_trip_yaml()
    buf = io.StringIO()
    y.dump(y.load(text), buf)
    assert buf.getvalue() == text
    assert text.startswith("# yaml-language-server: $schema=")


def test_a_folded_value_ends_at_its_last_line_not_at_the_blank_line_after(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    doc = open_document(path)
    rec = record_node(doc, "pilots", 0)
    # lines 3-5 (0-based): "summary: >-" and its two lines; the blank line 6 stays between records
    assert key_region(doc, rec, "summary") == (3, 6, 4)
    assert key_region(doc, rec, "name") is None
    assert find_record(doc, "second") == ("pilots", 1)
    assert find_record(doc, "pilots/first") == ("pilots", 0)


def test_set_keeps_bom_and_crlf_line_ends(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = data.read_text(encoding="utf-8")
    data.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    code, _, err = kb(data, "set", "logistics-standardisation", "status", "推进中", capsys=capsys)
    assert code == 0, err
    raw = data.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\n") == raw.count(b"\r\n") == text.count("\n") + 1  # one line added
    new = raw[3:].decode("utf-8").replace("\r\n", "\n")
    assert diff_ops(text, new) == [("insert", [], ["    status: 推进中"])]


def test_a_file_changed_meanwhile_is_not_overwritten(data: Path) -> None:
    doc = open_document(data)
    coll, index = find_record(doc, "logistics-standardisation")
    splices, expected = plan_set(doc, coll, index, "status", "推进中")
    other = data.read_text(encoding="utf-8") + "# 另一个程序写的\n"
    data.write_text(other, encoding="utf-8")  # between reading the file and replacing it
    with pytest.raises(EditError, match="文件在修改期间被别的程序改动了"):
        commit(doc, apply_splices(doc, splices), expected)
    assert data.read_text(encoding="utf-8") == other
    assert stray_files(data) == []


def test_a_splice_that_reads_back_otherwise_is_refused(data: Path) -> None:
    doc = open_document(data)
    coll, index = find_record(doc, "logistics-standardisation")
    splices, expected = plan_set(doc, coll, index, "status", "推进中")
    expected[coll][index]["status"] = "已完成销号"  # not what the splice writes
    digest = sha(data)
    with pytest.raises(EditError, match="内部错误：修改后的文件读回来与预期不一致"):
        commit(doc, apply_splices(doc, splices), expected)
    assert sha(data) == digest
    assert yaml.safe_load(data.read_text(encoding="utf-8")) == doc.data
