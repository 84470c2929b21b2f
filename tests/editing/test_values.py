"""A value typed on the command line, as ``scripts/kb set`` writes it: text literally, dates as
the data file writes them, lists and other values as YAML, anything else refused with a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from pilotkb.editing.refusal import EditError
from pilotkb.editing.splice import read_rendered, render_lines
from pilotkb.editing.values import field_kind, parse_value

from .conftest import kb, sha


def written(coll: str, field: str, raw: str) -> tuple[str, object]:
    """The line ``set`` writes for ``raw``, and what the data file's reader reads from it."""
    lines = render_lines(field, parse_value(coll, field, raw), 0)
    assert len(lines) == 1
    return lines[0], read_rendered(lines, 0, field)


def test_field_kinds_follow_the_model() -> None:
    assert field_kind("pilots", "name") == "text"
    assert field_kind("pilots", "approved") == "date"
    assert field_kind("events", "date") == "date"
    assert field_kind("pilots", "domains") == "other"
    assert field_kind("pilots", "status") == "other"


@pytest.mark.parametrize(
    "raw", ["yes", "2017", "2017-04-15", "123", "null值", "[不是列表]", "~x", "a: b", "#号"]
)
def test_text_is_kept_literally_even_where_yaml_would_read_something_else(raw: str) -> None:
    line, value = written("pilots", "name", raw)
    assert value == raw, line


@pytest.mark.parametrize(
    ("raw", "line", "value"),
    [
        ("2017", "approved: 2017", 2017),
        ("2017-04", "approved: 2017-04", "2017-04"),
        ("2017-04-15", "approved: 2017-04-15", "2017-04-15"),  # the reader keeps dates as text
        (" 2017-04 ", "approved: 2017-04", "2017-04"),
    ],
)
def test_dates_are_written_unquoted_as_in_the_data_file(raw: str, line: str, value: object) -> None:
    assert written("pilots", "approved", raw) == (line, value)


def test_lists_are_read_as_yaml_and_written_in_flow_style() -> None:
    assert written("pilots", "domains", "[经济体制, 社会民生]") == (
        "domains: [经济体制, 社会民生]",
        ["经济体制", "社会民生"],
    )


@pytest.mark.parametrize("raw", ["null", "~", "", "  "])
def test_null_means_remove_the_field(raw: str) -> None:
    assert parse_value("pilots", "status", raw) is None
    assert parse_value("pilots", "name", raw) is None


@pytest.mark.parametrize("raw", ["{a: b}", "a: b", "[unclosed", "- x\n- y: z\n y"])
def test_a_value_that_is_not_a_value_is_refused_with_what_is_allowed(raw: str) -> None:
    with pytest.raises(EditError) as refused:
        parse_value("pilots", "domains", raw)
    assert str(refused.value) == f"值“{raw}”无法识别；允许：文字、数字、日期，或 [甲, 乙] 这样的列表"


def test_an_impossible_date_is_refused_by_the_validator(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = sha(data)
    code, _, err = kb(data, "set", "logistics-standardisation", "approved", "2017-02-30", capsys=capsys)
    assert code == 1
    assert "logistics-standardisation: approved: 日期“2017-02-30”不存在" in err
    assert err.endswith("共 1 处问题；数据未作任何改动。\n")
    assert sha(data) == digest
