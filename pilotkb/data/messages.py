"""Problems in the editors' words: pydantic's errors and the wording shared by the checks.

Every message ends with what is allowed (``…；允许：…``), so that an editor reading
``file:line: record: field: message`` knows what to write instead.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from pilotkb.data.load import DataPath
from pilotkb.data.registry import DataFile


def _missing(err: Any, path: DataPath) -> str:
    desc = _describe(*_field_at(path))
    return f"缺少必填字段；允许：{desc}" if desc else "缺少必填字段"


def _extra(err: Any, path: DataPath) -> str:
    model, _ = _field_at(path)
    return f"未知字段；允许的字段：{'、'.join(model.model_fields) if model else ''}"


# error type (or prefix ending in "*") -> message
PYDANTIC_MESSAGES: dict[str, Callable[[Any, DataPath], str]] = {
    "missing": _missing,
    "extra_forbidden": _extra,
    "enum": lambda e, p: (
        f"取值“{e.get('input')}”无效；允许：{_enum_choices((e.get('ctx') or {}).get('expected', ''))}"
    ),
    "string_type": lambda e, p: f"应为文字，实际是{kind_of(e.get('input'))}；允许：文字（必要时加引号）",
    "list_type": lambda e, p: f"应为列表，实际是{kind_of(e.get('input'))}；允许：以“- ”开头的列表",
    "model_type": lambda e, p: f"应为映射（键: 值），实际是{kind_of(e.get('input'))}",
    "dict_type": lambda e, p: f"应为映射（键: 值），实际是{kind_of(e.get('input'))}",
    "model_attributes_type": lambda e, p: f"应为映射（键: 值），实际是{kind_of(e.get('input'))}",
    "float*": lambda e, p: f"应为数字，实际是“{e.get('input')}”；允许：如 4.48（约数请只写在 value 中）",
    "int*": lambda e, p: f"应为数字，实际是“{e.get('input')}”；允许：如 4.48（约数请只写在 value 中）",
    "too_short": lambda e, p: "不能为空；允许：至少一项内容",
    "string_too_short": lambda e, p: "不能为空；允许：至少一项内容",
    "string_too_long": lambda e, p: (
        f"文字过长（{len(str(e.get('input', '')))} 字）；允许：不超过 "
        f"{(e.get('ctx') or {}).get('max_length')} 字（长文放在来源原文文件里，这里只摘所依据的句子）"
    ),
    "value_error": lambda e, p: str((e.get("ctx") or {}).get("error", e["msg"])),
}


def pydantic_message(err: Any, path: DataPath) -> str:
    kind = err["type"]
    fn = PYDANTIC_MESSAGES.get(kind) or next(
        (f for k, f in PYDANTIC_MESSAGES.items() if k.endswith("*") and kind.startswith(k[:-1])), None
    )
    return fn(err, path) if fn else str(err["msg"])


def _field_at(loc: DataPath) -> tuple[type[BaseModel] | None, str | None]:
    """The model owning the last named field of ``loc``, and that field's name."""
    model: type[BaseModel] | None = DataFile
    owner: type[BaseModel] | None = None
    name: str | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return model, part if isinstance(part, str) else None
        owner, name = model, part
        model = _inner_model(model.model_fields[part].annotation)
    return owner, name


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType) or origin is not None:
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found:
                return found
    return None


def _describe(model: type[BaseModel] | None, name: str | None) -> str:
    if model is None or name is None or name not in model.model_fields:
        return ""
    return model.model_fields[name].description or ""


def _enum_choices(expected: str) -> str:
    items = re.findall(r"'([^']*)'", expected)
    return "、".join(items) if items else expected


def kind_of(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return f"“{value}”"


def dangling_reference(ref: str, target: str, known: set[str]) -> str:
    """A reference to a record that does not exist, with up to three ids of the same prefix."""
    near = sorted(k for k in known if k.split("-")[0] == ref.split("-")[0])[:3]
    hint = f"（相近的编号：{'、'.join(near)}）" if near else ""
    return f"引用的编号“{ref}”在 {target} 中不存在{hint}；允许：{target} 中已有记录的 id"
