"""The Excel workbook: a sheet 说明 (licence, data date, version, every field's description),
then a sheet per collection and per nested list. Every text is a string cell, so nothing that
looks like a formula (= + - @) is ever run."""

from __future__ import annotations

import datetime as _dt
import io
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.data.model import DATE_RE
from pilotkb.data.registry import MODELS
from pilotkb.data.schema import dictionary_rows
from pilotkb.errors import DataError, Problem
from pilotkb.publish.export import records_json
from pilotkb.publish.opendata.columns import LIST_SEP, SINGULAR, child_sheet, columns, nested_columns
from pilotkb.publish.opendata.release import Release
from pilotkb.settings import SITE_NAME

XLSX_CELL_MAX = 32767  # Excel's limit on the characters of one cell

# (record id, values) of one sheet row; the id names the record in a too-long-cell problem
SheetRows = list[tuple[str, list[Any]]]


def _fixed_time(release: Release) -> _dt.datetime:
    """The workbook's created/modified date: the data date when it is known, else a fixed one,
    never the time of the build."""
    if release.data_date and (m := DATE_RE.match(release.data_date)):
        y, mo, d = m.groups()
        return _dt.datetime(int(y), int(mo or 1), int(d or 1))
    return _dt.datetime(2000, 1, 1)


def _cell_text(value: Any) -> str:
    return LIST_SEP.join(str(v) for v in value) if isinstance(value, list) else str(value)


class _Sheets:
    """Writes the sheets of one workbook and gathers the cells too long for Excel."""

    def __init__(self, workbook: Any, catalog: Catalog) -> None:
        self.workbook = workbook
        self.catalog = catalog
        # the format order is part of the file's bytes: bold first, then wrap
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.too_long: list[Problem] = []

    def put(self, ws: Any, row: int, col: int, value: Any, record_id: str, field: str) -> None:
        if value is None or value == []:
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            ws.write_number(row, col, value)
        else:
            text = _cell_text(value)
            if len(text) > XLSX_CELL_MAX:
                self.too_long.append(
                    Problem(
                        str(self.catalog.path),
                        0,
                        record_id,
                        field,
                        f"文字共 {len(text)} 字，超过 Excel 单元格上限；允许：不超过 {XLSX_CELL_MAX} 字",
                    )
                )
            ws.write_string(row, col, text)

    def table(self, name: str, header: list[str], rows: SheetRows) -> None:
        """A sheet with a frozen bold header and a filter over its rows."""
        ws = self.workbook.add_worksheet(name)
        for c, h in enumerate(header):
            ws.write_string(0, c, h, self.bold)
        ws.freeze_panes(1, 0)
        ws.set_column(0, len(header) - 1, 18)
        for r, (rid, values) in enumerate(rows, start=1):
            for c, value in enumerate(values):
                self.put(ws, r, c, value, rid, header[c])
        if rows:
            ws.autofilter(0, 0, len(rows), len(header) - 1)

    def about(self, release: Release) -> None:
        """说明: what the data is, then the data dictionary."""
        ws = self.workbook.add_worksheet("说明")
        for col, width in enumerate((24, 22, 12, 70)):
            ws.set_column(col, col, width)
        info = [
            ("数据集", f"{SITE_NAME}开放数据"),
            ("许可协议", release.licence_title + (f" {release.licence_url}" if release.licence_url else "")),
            ("数据日期", release.data_date or "未公开"),
            ("数据版本", f"{release.data_version}（数据文件 SHA-256 前 12 位）"),
            (
                "说明",
                f"每个集合一张工作表；列表字段以“{LIST_SEP}”连接；"
                "试点的进展、关键指标和经验的推广采纳各有一张工作表（如 pilots.updates），"
                "以 position 标明在原列表中的次序，原表对应列为条数。",
            ),
        ]
        for r, (k, v) in enumerate(info):
            ws.write_string(r, 0, k, self.bold)
            ws.write_string(r, 1, v)
        r = len(info) + 1
        for c, h in enumerate(("工作表", "字段", "必填", "说明")):
            ws.write_string(r, c, h, self.bold)
        ws.freeze_panes(r + 1, 0)
        for table, desc, rows in dictionary_rows():
            r += 1
            ws.write_string(r, 0, table, self.bold)
            ws.write_string(r, 3, desc, self.wrap)
            for fname, type_name, required, doc in rows:
                r += 1
                ws.write_string(r, 0, table)
                ws.write_string(r, 1, fname)
                ws.write_string(r, 2, "是" if required else "否")
                ws.write_string(r, 3, f"{doc}（{type_name}）" if doc else type_name, self.wrap)


def _collection_sheets(sheets: _Sheets, data: dict[str, Any]) -> None:
    """A sheet per collection; a nested list's column holds its length."""
    for coll, model in MODELS.items():
        cols = columns(model, coll)
        rows: SheetRows = [
            (rec["id"], [len(rec[c.name]) if c.kind == "nested" else rec[c.name] for c in cols])
            for rec in data[coll]
        ]
        sheets.table(coll, [c.name for c in cols], rows)


def _nested_sheets(sheets: _Sheets, data: dict[str, Any]) -> None:
    """A sheet per nested list: the owner's id and the item's position, then its fields."""
    for coll, col in nested_columns():
        assert col.item_model is not None
        item_cols = [c.name for c in columns(col.item_model)]
        rows: SheetRows = [
            (rec["id"], [rec["id"], pos, *(item[c] for c in item_cols)])
            for rec in data[coll]
            for pos, item in enumerate(rec[col.name], start=1)
        ]
        sheets.table(child_sheet(coll, col.name), [f"{SINGULAR[coll]}_id", "position", *item_cols], rows)


def xlsx_bytes(catalog: Catalog, release: Release) -> bytes:
    """The workbook of every record; a text too long for an Excel cell is a DataError."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_properties({"title": f"{SITE_NAME}开放数据", "author": SITE_NAME, "created": _fixed_time(release)})
    wb.set_custom_property("data_version", release.data_version)
    sheets = _Sheets(wb, catalog)
    sheets.about(release)
    data = records_json(catalog)
    _collection_sheets(sheets, data)
    _nested_sheets(sheets, data)
    if sheets.too_long:
        raise DataError(sheets.too_long)
    wb.close()
    return buf.getvalue()
