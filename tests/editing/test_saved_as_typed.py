"""What an editor types is saved exactly, or refused with a message; never changed on the way."""

from __future__ import annotations

import pytest
import yaml

from pilotkb.editing.cli import main

from .conftest import kb, sha

PILOT = "pilots/logistics-standardisation"


def _name(path) -> str:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return next(p["name"] for p in doc["pilots"] if p["id"] == "logistics-standardisation")


@pytest.mark.parametrize(
    "value",
    [
        "甲\u2028乙",
        "甲\u2029乙",
        "甲\u0085乙",
        "甲\n乙",
        "甲\r\n乙",
        "甲\t乙",
        "甲\x07乙",
        "a: b",
        "#甲",
        '"引号"',
    ],
    ids=["LS", "PS", "NEL", "LF", "CRLF", "tab", "bell", "colon", "hash", "quotes"],
)
def test_a_value_is_stored_exactly_as_typed(data, capsys, value):
    code, _, err = kb(data, "set", PILOT, "name", value, capsys=capsys)
    assert code == 0, err
    assert _name(data) == value
    assert main(["check", str(data)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    "value", ["&x 国家级", "*x", "!!python/object:os.system 国家级"], ids=["anchor", "alias", "tag"]
)
def test_anchors_aliases_and_tags_in_a_value_are_refused(data, capsys, value):
    before = sha(data)
    code, _, err = kb(data, "set", PILOT, "level", value, capsys=capsys)
    assert code == 1
    assert "锚点、别名或标签" in err and "数据未作任何改动" in err
    assert sha(data) == before


def test_an_anchor_in_the_data_file_is_refused_at_its_line(data, capsys):
    text = data.read_text(encoding="utf-8")
    at = text.index("    level: 国家级")
    data.write_text(
        text[:at] + "    level: &x 国家级" + text[at + len("    level: 国家级") :], encoding="utf-8"
    )
    line = text[:at].count("\n") + 1
    code, err = main(["check", str(data)]), capsys.readouterr().err
    assert code == 1
    assert f"pilots.yaml:{line}: " in err and "不允许使用锚点和别名" in err


def test_an_overlong_field_is_refused_with_the_limit(data, capsys):
    before = sha(data)
    code, _, err = kb(data, "set", PILOT, "summary", "甲" * 1_000_000, capsys=capsys)
    assert code == 1
    assert ": summary: 文字过长（1000000 字）；允许：不超过 5000 字" in err
    assert sha(data) == before


def test_a_read_only_data_file_is_refused_and_kept(data, capsys):
    data.chmod(0o444)
    before = sha(data)
    code, _, err = kb(data, "set", PILOT, "summary", "甲", capsys=capsys)
    assert code == 1 and "只读" in err and "数据未作任何改动" in err
    assert sha(data) == before and (data.stat().st_mode & 0o777) == 0o444
