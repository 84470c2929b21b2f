"""The schema declared once, in the models: JSON Schema and the data dictionary derived from them."""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

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
