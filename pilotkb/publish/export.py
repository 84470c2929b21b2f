"""What is generated from the model and the data: JSON Schema, data dictionary, open data."""

from __future__ import annotations

import json
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pilotkb.data.catalog import Catalog
from pilotkb.data.registry import FILE_ORDER, REGISTRY, DataFile

SCHEMA_ID = "https://example.invalid/pilotkb/pilots.schema.json"


def json_schema() -> dict[str, Any]:
    schema = DataFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "试点经验库数据文件 data/pilots.yaml"
    return schema


def dictionary_rows() -> list[tuple[str, str, list[tuple[str, str, bool, str]]]]:
    """(collection, description, [(field, type, required, description)]) for each collection."""
    out = []
    for name in FILE_ORDER:
        model = REGISTRY[name].model
        info = DataFile.model_fields[name]
        rows = []
        for fname, f in model.model_fields.items():
            rows.append((fname, _type_name(f.annotation), f.is_required(), field_description(f)))
        out.append((name, info.description or "", rows))
    # nested items that rest on their own quote (metrics, updates, adoptions) get a table each
    for name in FILE_ORDER:
        c = REGISTRY[name]
        for fname in c.cited_fields:
            f = c.model.model_fields[fname]
            (model,) = typing.get_args(f.annotation)
            rows = [
                (sub, _type_name(sf.annotation), sf.is_required(), field_description(sf))
                for sub, sf in model.model_fields.items()
            ]
            out.append((f"{name}.{fname}", f"{c.label}的{f.description}", rows))
    return out


def field_description(f: FieldInfo) -> str:
    """A field's description, or that of its annotated type (``PartialDate``, ``Url`` …)."""
    doc = f.description or ""
    for m in f.metadata:
        doc = doc or getattr(m, "description", None) or ""
    return doc


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0]) if args[0] is not str else _annotated_name(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return " 或 ".join(_type_name(a) for a in inner)
    if origin is list:
        return f"列表（{_type_name(args[0])}）"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "取值：" + "、".join(m.value for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return {str: "文字", float: "数字", int: "整数", bool: "真假"}.get(annotation, str(annotation))


def _annotated_name(annotation: Any) -> str:
    for meta in typing.get_args(annotation)[1:]:
        desc = getattr(meta, "description", None)
        if desc and "日期" in desc:
            return "日期"
        if desc and "编号" in desc:
            return "编号"
        if desc and "网址" in desc:
            return "网址"
        if desc and "原文" in desc:
            return "文字或文字列表"
    return "文字"


# --- open data -----------------------------------------------------------------------


def records_json(catalog: Catalog) -> dict[str, Any]:
    return {
        name: [r.model_dump(mode="json", exclude_none=False) for r in getattr(catalog.data, name)]
        for name in FILE_ORDER
    }


def export_files(catalog: Catalog) -> dict[str, bytes]:
    """The whole catalogue as JSON, and each collection as a flat CSV (UTF-8 with BOM for
    Excel), keyed by their path in the site."""
    import io

    import pandas as pd

    files: dict[str, bytes] = {}
    data = records_json(catalog)
    files["downloads/pilots.json"] = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    files["downloads/pilots.schema.json"] = json.dumps(json_schema(), ensure_ascii=False, indent=2).encode(
        "utf-8"
    )
    for name, rows in data.items():
        flat = [{k: csv_safe_cell(v) for k, v in row.items()} for row in rows]
        frame = pd.DataFrame(flat, columns=list(REGISTRY[name].model.model_fields))
        buf = io.StringIO()
        # CRLF rows (RFC 4180): a CR inside a value is then quoted, never a row break
        frame.to_csv(buf, index=False, lineterminator="\r\n")
        files[f"downloads/{name}.csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    return files


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    """A CSV cell: lists joined, and text that a spreadsheet would run as a formula made inert
    with a leading apostrophe (the JSON download keeps every value exactly)."""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            value = json.dumps(value, ensure_ascii=False)
        else:
            value = "；".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
