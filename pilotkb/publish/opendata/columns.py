"""The column model of the tabular downloads, derived from the pydantic models: each field
is a scalar, a list of text, a list of references (a link table) or a list of nested items
(a child table). A new field thus reaches XLSX, SQLite and the data package without code."""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pilotkb.data.model import validate_partial_date, validate_slug
from pilotkb.data.registry import MODELS, REGISTRY
from pilotkb.data.schema import field_description

LIST_SEP = "；"  # lists in one cell, as in the CSV downloads

REFERENCES = {name: dict(c.references) for name, c in REGISTRY.items()}
# A record's name in table and column names (pilot_id …) and its title in the full-text
# index: both from the registry.
SINGULAR = {name: c.search_type[0] for name, c in REGISTRY.items()}
TITLE_FIELD = {name: c.title_field for name, c in REGISTRY.items()}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "scalar" | "list" (of text) | "refs" (link table) | "nested" (child table)
    required: bool
    description: str
    py_type: Any  # str, float or an Enum class (for scalars and list items)
    is_date: bool = False
    is_slug: bool = False
    ref: str | None = None  # the collection a scalar or a list refers to
    item_model: type[BaseModel] | None = None


def _validators(f: FieldInfo) -> set[Callable[..., Any]]:
    return {getattr(m, "func", None) for m in f.metadata} - {None}


def _base_type(annotation: Any) -> Any:
    """The type inside ``X | None`` and inside an optional constrained type."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    optional = type(None) in typing.get_args(annotation)
    base = args[0] if optional and len(args) == 1 else annotation
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    return base


def columns(model: type[BaseModel], coll: str | None = None) -> list[Column]:
    """Each field of ``model`` classified for tables; ``coll`` gives its references."""
    return list(_classified(model, coll))


@functools.cache  # asked for every record's nested lists (21,000 times at 10,000 pilots)
def _classified(model: type[BaseModel], coll: str | None) -> tuple[Column, ...]:
    refs = REFERENCES.get(coll or "", {})
    out = []
    for name, f in model.model_fields.items():
        base = _base_type(f.annotation)
        doc = field_description(f)
        ref = refs.get(name) or ("sources" if name == "source" else None)
        if typing.get_origin(base) is list:
            item = typing.get_args(base)[0]
            if isinstance(item, type) and issubclass(item, BaseModel):
                out.append(Column(name, "nested", f.is_required(), doc, item, item_model=item))
            elif ref:
                out.append(Column(name, "refs", f.is_required(), doc, str, ref=ref))
            else:
                out.append(Column(name, "list", f.is_required(), doc, item))
        else:
            validators = _validators(f)
            is_date = validate_partial_date in validators
            is_slug = validate_slug in validators
            out.append(
                Column(name, "scalar", f.is_required(), doc, base, is_date=is_date, is_slug=is_slug, ref=ref)
            )
    return tuple(out)


def child_table(coll: str, field: str) -> str:
    """The SQLite table of a reference list or a nested list."""
    return f"{SINGULAR[coll]}_{field}"


def child_sheet(coll: str, field: str) -> str:
    """The XLSX sheet of a nested list."""
    return f"{coll}.{field}"


def nested_columns() -> Iterator[tuple[str, Column]]:
    """(collection, column) of every list of nested items, in registry order."""
    for coll, model in MODELS.items():
        for col in columns(model, coll):
            if col.kind == "nested":
                yield coll, col
