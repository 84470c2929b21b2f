"""Each kind of bad input: a fixture each, asserting file, line, record, field and message."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from pilotkb import DataError, load_catalog
from pilotkb.data.load import loads

from ..conftest import ENV, FIXTURES, ROOT, build, make_project

BAD = FIXTURES / "bad"

# fixture -> [(line, record, field, words the message must contain)]
CASES: dict[str, list[tuple[int, str, str, str]]] = {
    "syntax": [(14, "(文件)", "YAML 语法", "quoted scalar")],
    "duplicate_key": [(16, "river-chief", "name", "重复的键（第 14 行")],
    "duplicate_id": [(19, "river-chief", "id", "重复（第 13 行已使用）")],
    "enum": [(15, "river-chief", "level", "取值“国家”无效；允许：国家级、省级、市级")],
    "date": [
        (16, "river-chief", "approved", "日期“2017-02-30”不存在"),
        (17, "river-chief", "deadline", "日期“2017-13”不存在"),
    ],
    "dangling": [
        (16, "river-chief", "areas[1]", "“nowhere”在 areas 中不存在"),
        (17, "river-chief", "experiences[0]", "“no-such-experience”在 experiences 中不存在"),
    ],
    "wrong_type": [
        (16, "river-chief", "areas", "应为列表"),
        (21, "river-chief", "metrics[0].number", "应为数字"),
    ],
    "missing": [(13, "river-chief", "name", "缺少必填字段")],
    "unsafe_tag": [(19, "pilots[1]", "(记录)", "不允许的标签 !!python/object/apply:os.system")],
    "empty": [(1, "(文件)", "(全部)", "文件为空")],
    "quote_missing": [(18, "river-chief", "quote", "引文在来源“s”中找不到")],
    "number_not_in_quote": [(14, "river-chief", "name", "数字“2016”不在本条引文中")],
    "unknown_field": [(16, "river-chief", "leader", "未知字段")],
    "bad_link": [(6, "s", "link", "以 http:// 或 https:// 开头")],
    "unknown_collection": [(19, "(文件)", "people", "未知的集合")],
    "source_outside": [(5, "s", "file", "文件路径“../../secrets.txt”不允许")],
    "source_not_utf8": [(5, "s", "file", "不是合法的 UTF-8")],
    "original_changed": [(8, "s", "original_size", "记录的是 1；允许：原件的实际字节数")],
    "many": [
        (9, "linzi", "kind", "取值“镇”无效；允许：市、区、县、功能区"),
        (15, "river-chief", "level", "取值“国家”无效"),
        (16, "river-chief", "approved", "日期“2017-02-30”不存在"),
        (17, "river-chief", "areas[0]", "“nowhere”在 areas 中不存在"),
    ],
}


def problems_of(path: Path) -> list[tuple[int, str, str, str]]:
    with pytest.raises(DataError) as info:
        load_catalog(path)
    return [(p.line, p.record, p.field, p.message) for p in info.value.problems]


def test_valid_fixture_passes():
    cat = load_catalog(BAD / "valid.yaml")
    assert list(cat.pilots) == ["river-chief"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_reported_at_its_line(name):
    got = problems_of(BAD / f"{name}.yaml")
    expected = CASES[name]
    assert [(line, rec, fld) for line, rec, fld, _ in got] == [
        (line, rec, fld) for line, rec, fld, _ in expected
    ]
    for (_, _, _, message), (_, _, _, words) in zip(got, expected, strict=True):
        assert words in message
        assert "；允许" in message or "允许：" in message, message


def test_alias_bomb_is_refused_without_expanding():
    got = problems_of(BAD / "alias_bomb.yaml")
    alias_lines = sorted({line for line, _, _, msg in got if "锚点和别名" in msg})
    # every line that defines an anchor or uses an alias, once each
    assert alias_lines == [1, 2, 3, 4, 5, 6, 7, 8, 9]


def test_not_utf8(tmp_path):
    path = tmp_path / "pilots.yaml"
    path.write_bytes("sources:\n  - id: s\n    title: 示例\n".encode("gbk"))
    got = problems_of(path)
    assert [(line, fld) for line, _, fld, _ in got] == [(3, "编码")]
    assert "UTF-8" in got[0][3]


def test_missing_file(tmp_path):
    got = problems_of(tmp_path / "nope.yaml")
    assert got[0][3] == "文件不存在"


def test_dates_stay_as_written():
    located = loads("a:\n  - 2017-04-15\n  - 2017-04\n  - 2017\n")
    assert located.data == {"a": ["2017-04-15", "2017-04", 2017]}
    assert located.lines[("a", 1)] == 3


@pytest.mark.parametrize("name", ["duplicate_key", "many", "syntax", "unsafe_tag"])
def test_cli_prints_the_same_problems_and_exits_non_zero(name):
    path = BAD / f"{name}.yaml"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kb"), "check", str(path)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    shown = str(path.relative_to(ROOT))
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(shown + ":")]
    assert [int(ln.split(":")[1]) for ln in lines] == [c[0] for c in CASES[name]]


@pytest.mark.parametrize("name", ["many", "duplicate_key", "unsafe_tag"])
def test_build_stops_with_the_same_messages_and_data_is_untouched(tmp_path, name):
    text = (BAD / f"{name}.yaml").read_text(encoding="utf-8")
    project = make_project(tmp_path, text, {"source.txt": (BAD / "source.txt").read_text(encoding="utf-8")})
    data = project / "data" / "pilots.yaml"
    before = hashlib.sha256(data.read_bytes()).hexdigest()
    result = build(project)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    for line, record, fld, words in CASES[name]:
        assert f"data/pilots.yaml:{line}: {record}: {fld}: " in result.stderr
        assert words in result.stderr
    assert hashlib.sha256(data.read_bytes()).hexdigest() == before
    assert not (project / "docs" / "pilots").exists()  # nothing generated into docs/


# each check of the validator, and the fixture that shows it
CHECK_FIXTURES = {
    "check_collections": "unknown_collection",
    "check_schema": "enum",
    "check_unique_ids": "duplicate_id",
    "check_references": "dangling",
    "check_source_files": "source_outside",
    "check_source_originals": "original_changed",
    "check_quotes": "quote_missing",
    "check_numbers": "number_not_in_quote",
}


def test_every_check_has_its_fixture():
    from pilotkb.data.validate import CHECKS

    assert [c.__name__ for c in CHECKS] == list(CHECK_FIXTURES)


@pytest.mark.parametrize("check,fixture", CHECK_FIXTURES.items())
def test_each_check_reports_its_fixture_alone(check, fixture):
    """Run one check on its fixture: it finds exactly the fixture's problems."""
    from pilotkb.data import validate
    from pilotkb.data.load import load

    path = BAD / f"{fixture}.yaml"
    ctx = validate.ValidationRun(load(path), path)
    if check != "check_schema":
        list(validate.check_schema(ctx))  # later checks read what the schema check learnt
    if check in ("check_quotes", "check_numbers"):
        list(validate.check_source_files(ctx))
    got = [(p.line, p.record, p.field) for p in getattr(validate, check)(ctx)]
    assert got == [(line, rec, fld) for line, rec, fld, _ in CASES[fixture]]


def test_source_file_is_read_only_inside_the_data_folder(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("临淄区推行“河长制”,取得良好效果。", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    text = (BAD / "valid.yaml").read_text(encoding="utf-8")
    for file in (str(secret), "sources/../../secret.txt", "C:/secret.txt"):
        (data / "pilots.yaml").write_text(text.replace("file: source.txt", f"file: {file}"), encoding="utf-8")
        got = problems_of(data / "pilots.yaml")
        assert [(line, fld) for line, _, fld, _ in got] == [(5, "file")], file
        assert "允许：数据文件所在目录下" in got[0][3]
    (data / "link.txt").symlink_to(secret)
    (data / "pilots.yaml").write_text(text.replace("file: source.txt", "file: link.txt"), encoding="utf-8")
    assert "指向数据目录之外" in problems_of(data / "pilots.yaml")[0][3]
