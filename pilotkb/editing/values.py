"""A field's value typed on the command line, as it will be written to the data file.

Free text is taken literally (quoted where YAML would read it as something else), dates are
written as the data file writes them (2017, 2017-04, 2017-04-15), anything else (lists,
numbers, enumerated words) is read as YAML. The validator judges the value afterwards, so a
wrong enumerated word is refused with the same message as in the data file.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
import warnings
from typing import Any

import yaml
from pydantic import BeforeValidator
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from pilotkb.data.load import marker_lines
from pilotkb.data.model import DATE_RE, PartialDate
from pilotkb.data.registry import MODELS
from pilotkb.editing.refusal import EditError
from pilotkb.editing.splice import round_trip_yaml

# The data file is read by PyYAML (YAML 1.1): its resolver says which plain words are not text.
_YAML11_RESOLVER = yaml.resolver.Resolver()

# A field is a date when its type carries the validator of ``PartialDate``.
_DATE_VALIDATORS = tuple(m.func for m in typing.get_args(PartialDate)[1:] if isinstance(m, BeforeValidator))


# Characters a plain or single-quoted scalar cannot carry as typed: YAML reads every line break
# (LF, CR, NEL, LS, PS) in them as folding into a space, and control characters are not
# printable. A double-quoted scalar writes them as escapes (\n, \N, \L, \P, \x..).
_NEEDS_ESCAPES = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def as_text(value: str) -> str:
    """A string that the data file's YAML 1.1 reader will read back as exactly this string."""
    tag = _YAML11_RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag != "tag:yaml.org,2002:str" or _NEEDS_ESCAPES.search(value):
        return DoubleQuotedScalarString(value)
    return value


def as_read(value: Any) -> Any:
    """What the data file's reader will give for ``value`` once written: the value as typed,
    in the reader's plain types (dates as the text they are written as)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, list):
        return [as_read(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_read(v) for k, v in value.items()}
    return value


def date_value(text: str) -> Any:
    """A date as the data file writes it: 2017, 2017-04 or 2017-04-15, unquoted."""
    m = DATE_RE.match(text)
    if m and not m.group(2):
        return int(text)
    if m and m.group(3):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # the validator explains what is wrong with it
    return as_text(text)


def field_kind(coll: str, field: str) -> str:
    """'text' for free text fields (taken literally), 'date' for dates, 'other' (read as YAML)."""
    info = MODELS[coll].model_fields[field]

    def kind(annotation: Any, meta: list[Any]) -> str:
        if any(getattr(m, "func", None) in _DATE_VALIDATORS for m in meta):
            return "date"
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *more = typing.get_args(annotation)
            return kind(base, [*meta, *more])
        if origin in (typing.Union, types.UnionType):
            kinds = {kind(a, meta) for a in typing.get_args(annotation) if a is not type(None)}
            return kinds.pop() if len(kinds) == 1 else "other"
        return "text" if annotation is str else "other"

    return kind(info.annotation, list(info.metadata))


def parse_value(coll: str, field: str, raw: str) -> Any:
    """VALUE as it will be written: free text literally, dates as written, the rest as YAML.

    ``None`` (VALUE ``null``, ``~`` or empty) means: remove the field.
    """
    text = raw.strip()
    if text in ("", "null", "~"):
        return None
    kind = field_kind(coll, field)
    if kind != "text":
        markers = [k for k, lines in marker_lines(raw).items() if lines]
        if markers:
            raise EditError(
                f"值“{raw}”里有 YAML 的锚点、别名或标签（&、*、!），数据文件不允许使用；"
                "允许：文字、数字、日期，或 [甲, 乙] 这样的列表"
            )
    if kind == "text":
        return as_text(raw)
    if kind == "date":
        return date_value(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = round_trip_yaml().load(raw)
    except Exception:  # ruamel has many error classes for malformed input; all mean the same here
        value = {}
    if isinstance(value, dict):
        raise EditError(f"值“{raw}”无法识别；允许：文字、数字、日期，或 [甲, 乙] 这样的列表")
    return as_text(value) if isinstance(value, str) else value
