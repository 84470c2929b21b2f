"""The Excel workbook: every record and field with its value, the 说明 sheet, and formula-looking
text kept as string cells."""

from __future__ import annotations

import hashlib
import shutil
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.utils.escape import unescape

import pilotkb
from pilotkb.errors import DataError
from pilotkb.publish.opendata import open_data_files, xlsx

from ...conftest import FIXTURES
from ..conftest import (
    BOTH,
    COLLS,
    DATA,
    DATA_DATE,
    FORMULA_PILOT,
    LICENCE,
    NESTED,
    SINGULAR,
    as_list,
    records,
    yaml_scalar,
)


def _sheet_rows(ws: Any) -> tuple[list[str], list[dict[str, Any]]]:
    # OOXML writes a control character as _xHHHH_ (XML cannot keep a bare CR); Excel reads it
    # back as the character, openpyxl leaves that to us
    rows = [[unescape(v) if isinstance(v, str) else v for v in r] for r in ws.iter_rows(values_only=True)]
    header = list(rows[0])
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("which", BOTH)
def test_xlsx_has_every_record_and_field_with_its_value(which, request):
    ds = request.getfixturevalue(which)
    wb = openpyxl.load_workbook(ds["dir"] / "pilots.xlsx")
    assert wb.sheetnames[0] == "说明"
    for coll in COLLS:
        header, rows = _sheet_rows(wb[coll])
        recs = records(ds["raw"], coll)
        assert [r["id"] for r in rows] == [r["id"] for r in recs], coll
        assert wb[coll].freeze_panes == "A2", coll
        for rec, row in zip(recs, rows, strict=True):
            for field, value in rec.items():
                assert field in header, (coll, field)
                if (coll, field) in NESTED:
                    assert row[field] == len(value)
                    _, items = _sheet_rows(wb[f"{coll}.{field}"])
                    mine = [i for i in items if i[f"{SINGULAR[coll]}_id"] == rec["id"]]
                    assert [i["position"] for i in mine] == list(range(1, len(value) + 1))
                    for item, got in zip(value, mine, strict=True):
                        for k, v in item.items():
                            want = (
                                "；".join(as_list(v))
                                if isinstance(v, list) or k == "quote"
                                else yaml_scalar(k, v)
                            )
                            assert got[k] == want, (coll, rec["id"], field, k)
                elif isinstance(value, list) or field == "quote":
                    assert row[field] == ("；".join(str(v) for v in as_list(value)) or None), (coll, field)
                else:
                    assert row[field] == yaml_scalar(field, value), (coll, rec["id"], field)


def test_xlsx_about_sheet_states_licence_date_version_and_field_descriptions(real):
    ws = openpyxl.load_workbook(real["dir"] / "pilots.xlsx")["说明"]
    text = "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert LICENCE in text and "署名 4.0 国际" in text
    assert DATA_DATE in text
    assert real["version"] == hashlib.sha256(DATA.read_bytes()).hexdigest()[:12]
    assert real["version"] in text
    for desc in ("试点名称", "牵头单位", "推广采纳链条", "数据时点", "载体类别"):
        assert desc in text


def test_xlsx_formula_looking_text_is_a_string_cell_never_a_formula(inject):
    wb = openpyxl.load_workbook(inject["dir"] / "pilots.xlsx")
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                value = unescape(cell.value) if isinstance(cell.value, str) else cell.value
                if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    assert cell.data_type == "s"
                    seen.add(value)
    # each one kept exactly as written (no apostrophe needed in a string cell)
    assert {
        FORMULA_PILOT["name"],
        "+1+2；@SUM(A1)",
        "-2+3",
        "\t=1+2",
        "\r=1+2",
        "@SUM(A1)",
        "+1+2",
    } <= seen
    header, rows = _sheet_rows(wb["pilots"])
    row = next(r for r in rows if r["id"] == "formula")
    assert row["name"] == FORMULA_PILOT["name"]


def test_text_too_long_for_an_excel_cell_is_a_data_error_naming_record_and_field(tmp_path, monkeypatch):
    # Validation keeps one field under 5000 characters, but a list written into one cell can
    # still pass Excel's limit; the limit is lowered here so that single fields reach it.
    monkeypatch.setattr(xlsx, "XLSX_CELL_MAX", 3000)
    shutil.copytree(FIXTURES / "golden", tmp_path, dirs_exist_ok=True)
    raw = yaml.safe_load((tmp_path / "pilots.yaml").read_text(encoding="utf-8"))
    pilot = raw["pilots"][0]
    pilot["summary"] = "长" * 3001
    pilot["goals"] = "长" * 3000  # exactly the limit: allowed
    pilot["updates"] = [{"text": "进" * 4000, "source": pilot["source"], "quote": pilot["quote"]}]
    (tmp_path / "pilots.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    catalog = pilotkb.load_catalog(tmp_path / "pilots.yaml")
    with pytest.raises(DataError) as err:
        open_data_files(catalog, {}, licence=LICENCE, data_date=None, data_version="v")
    lines = err.value.report().splitlines()
    assert lines[:2] == [
        f"{tmp_path / 'pilots.yaml'}:0: {pilot['id']}: summary: 文字共 3001 字，超过 Excel 单元格上限；允许：不超过 3000 字",
        f"{tmp_path / 'pilots.yaml'}:0: {pilot['id']}: text: 文字共 4000 字，超过 Excel 单元格上限；允许：不超过 3000 字",
    ]
    assert not any("goals" in line for line in lines)
