"""The JSON, CSV and JSON Schema downloads (``pilotkb.publish.export``): every record and field,
values as written in the YAML, and no CSV cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import jsonschema
import pytest

from pilotkb.data.registry import DataFile as Catalogue
from pilotkb.publish.export import csv_safe_cell

from .conftest import BOTH, COLLS, FORMULA_START, NESTED, as_list, records, yaml_scalar


def csv_rows(ds: dict[str, Any], coll: str) -> list[dict[str, str]]:
    text = (ds["dir"] / f"{coll}.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def inert(text: str) -> str:
    """What a CSV cell holds for ``text``: an apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_START) else text


def as_json_value(value: Any) -> Any:
    """A YAML value as JSON states it (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [as_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json_value(v) for k, v in value.items()}
    return value


# --- JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", BOTH)
def test_json_download_gives_back_the_yaml_records(which, request):
    ds = request.getfixturevalue(which)
    from_json = Catalogue.model_validate(json.loads(ds["files"]["downloads/pilots.json"]))
    from_yaml = Catalogue.model_validate(ds["raw"])
    assert from_json == from_yaml
    for coll in COLLS:
        assert [r.id for r in getattr(from_json, coll)] == [r["id"] for r in records(ds["raw"], coll)]


def test_json_download_is_readable_utf8_text(real):
    text = real["files"]["downloads/pilots.json"].decode("utf-8")
    assert real["raw"]["pilots"][0]["name"] in text  # Chinese as written, not \u escapes


def test_schema_download_accepts_the_data_file_and_refuses_a_bad_id(real):
    schema = json.loads(real["files"]["downloads/pilots.schema.json"])
    data = as_json_value(real["raw"])
    jsonschema.Draft202012Validator(schema).validate(data)
    data["pilots"][0]["id"] = "Bad_ID"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize("which", BOTH)
def test_csv_has_every_record_and_every_field_with_its_value(which, request):
    ds = request.getfixturevalue(which)
    for coll in COLLS:
        rows = csv_rows(ds, coll)
        recs = records(ds["raw"], coll)
        assert [r["id"] for r in rows] == [r["id"] for r in recs], coll
        used = {k for r in recs for k in r}
        assert used <= set(rows[0] if rows else []), (coll, used - set(rows[0] if rows else []))
        for rec, row in zip(recs, rows, strict=True):
            for field, value in rec.items():
                where = (coll, rec["id"], field)
                if (coll, field) in NESTED:
                    items = json.loads(row[field])  # a JSON text, each item with all its fields
                    assert len(items) == len(value), where
                    for item, got in zip(value, items, strict=True):
                        want = {k: as_list(v) if k == "quote" else yaml_scalar(k, v) for k, v in item.items()}
                        assert {k: got[k] for k in item} == as_json_value(want), where
                elif isinstance(value, list) or field == "quote":
                    assert row[field] == inert("；".join(str(v) for v in as_list(value))), where
                else:
                    assert row[field] == inert(str(yaml_scalar(field, value))), where


def test_csv_formula_text_is_inert_and_a_carriage_return_does_not_break_the_row(inject):
    row = next(r for r in csv_rows(inject, "pilots") if r["id"] == "formula")
    assert row["goals"] == "'\r=1+2" and row["summary"] == "'\t=1+2"
    assert row["lead_units"] == "'+1+2；@SUM(A1)"
    assert row["name"] == "'" + '=HYPERLINK("http://evil.invalid","点我")'


@pytest.mark.parametrize(
    "value,cell",
    [
        ("=1+2", "'=1+2"),
        ("+86 10", "'+86 10"),
        ("-5%", "'-5%"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b+c", "a=b+c"),  # only the first character counts
        ("河长制", "河长制"),
        ("", ""),
        (["甲", "乙"], "甲；乙"),
        (["=A1", "乙"], "'=A1；乙"),  # the joined text is what a spreadsheet reads
        (["甲", "=A1"], "甲；=A1"),
        ([], ""),
        ([{"text": "=A1", "n": 1}], '[{"text": "=A1", "n": 1}]'),  # nested items: JSON text
        (-3.5, -3.5),  # numbers are not text: kept
        (None, None),
    ],
)
def test_csv_safe_cell(value, cell):
    assert csv_safe_cell(value) == cell
