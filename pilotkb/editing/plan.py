"""The editor commands planned as splices: each plan is (splices, the data intended after them).

Where new records go: a record is inserted right after the existing record whose id comes
just before its own in alphabetical order (or before the first one). Two branches that add
different records therefore touch different places of the file, and git merges them without
a conflict, unless both ids fall between the same two existing ids.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import yaml

from pilotkb.data.load import decode_text, display_name, loads
from pilotkb.data.registry import MODELS
from pilotkb.editing.refusal import EditError
from pilotkb.editing.splice import (
    Splice,
    YamlDocument,
    blank_separated,
    end_after,
    is_empty,
    key_pair,
    key_region,
    mapping_pairs,
    record_node,
    render_lines,
    round_trip_yaml,
    unknown_collection,
)
from pilotkb.editing.values import as_read
from pilotkb.errors import DataError, Problem
from pilotkb.files import read_input

Plan = tuple[list[Splice], dict[str, Any]]

# --- add ----------------------------------------------------------------------------------


def read_records(file: Path) -> tuple[list[Any], list[Any]]:
    """FILE's records as plain data (checked like the data file) and as round-trip nodes."""
    shown = display_name(file)
    if not file.exists() and not file.is_symlink():
        raise EditError(f"{shown}: 文件不存在或不是文件；允许：写有记录列表的 YAML 文件路径")
    text = decode_text(read_input(file, shown), shown)
    located = loads(text, shown)
    if located.problems:
        raise DataError([Problem(shown, line, "(文件)", "YAML", msg) for _, line, msg in located.problems])
    if not isinstance(located.data, list):
        raise EditError(
            f"{shown}:1: 应为记录列表（每条以“- ”开头），实际是映射或单个值；允许：\n- id: …\n  name: …"
        )
    bad = [
        Problem(shown, located.line((i,)), f"第 {i + 1} 条", "(记录)", "应为映射（字段: 值）")
        for i, rec in enumerate(located.data)
        if not isinstance(rec, dict)
    ]
    if bad:
        raise DataError(bad)
    if not located.data:
        raise EditError(f"{shown}: 没有记录；允许：至少一条以“- ”开头的记录")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nodes = round_trip_yaml().load(text)
    return located.data, list(nodes)


def _record_id(rec: Any) -> str | None:
    rid = rec.get("id") if isinstance(rec, dict) else None
    return rid if isinstance(rid, str) else None


def plan_add(doc: YamlDocument, coll: str, plain: list[Any], nodes: list[Any]) -> Plan:
    if coll not in MODELS:
        raise unknown_collection(coll)
    pair = key_pair(doc.root, coll)
    new_ids = [_record_id(r) for r in plain]
    if pair is None or is_empty(pair[1]):
        return _plan_whole_collection(doc, coll, plain, nodes, new_ids)
    k, seq = pair
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style:
        raise EditError(f"{doc.shown}:{k.start_mark.line + 1}: {coll} 不是以“- ”开头的列表，无法自动添加")
    items = seq.value
    old = doc.data[coll]
    gap = blank_separated(doc, items)
    splices: list[Splice] = []
    inserts: dict[int, list[Any]] = {}  # list index -> records inserted before it
    for (where, i), js in _slots([_record_id(r) for r in old], new_ids).items():
        js.sort(key=lambda j: new_ids[j] or "\uffff")
        block: list[str] = []
        for j in js:
            if gap and (block or where == "after"):
                block.append("")
            block.extend(render_lines(coll, [nodes[j]], k.start_mark.column, body_only=True))
        if where == "after":
            at, index = end_after(doc, items[i]), i + 1
        else:
            at, index = items[i].start_mark.line, i
            if gap:
                block.append("")
        splices.append(Splice(at, at, block))
        inserts.setdefault(index, []).extend(plain[j] for j in js)
    expected = copy.deepcopy(doc.data)
    expected[coll] = _merged(old, inserts)
    return splices, expected


def _merged(old: list[Any], inserts: dict[int, list[Any]]) -> list[Any]:
    """The old records with the new ones inserted before the given list indexes."""
    merged: list[Any] = []
    for i in range(len(old) + 1):
        merged.extend(inserts.get(i, []))
        if i < len(old):
            merged.append(old[i])
    return merged


def _slots(ids: list[str | None], new_ids: list[str | None]) -> dict[tuple[str, int], list[int]]:
    """Where each new record goes: ("after"|"before", list index) -> indexes of the new records.

    After the id's alphabetical predecessor; before the first id when none precedes it; at the
    end when the new record has no id or the list has none.
    """
    known = [(x, i) for i, x in enumerate(ids) if x is not None]
    slots: dict[tuple[str, int], list[int]] = {}
    for j, rid in enumerate(new_ids):
        before = [(x, i) for x, i in known if rid is not None and x < rid]
        if rid is None or not known:
            key = ("after", len(ids) - 1)
        elif before:
            key = ("after", max(before)[1])
        else:
            key = ("before", min(known)[1])
        slots.setdefault(key, []).append(j)
    return slots


def _plan_whole_collection(
    doc: YamlDocument, coll: str, plain: list[Any], nodes: list[Any], new_ids: list[str | None]
) -> Plan:
    """The collection is absent or empty: write it whole, its records in id order."""
    order = sorted(range(len(plain)), key=lambda i: (new_ids[i] is None, new_ids[i] or ""))
    body = [ln for i in order for ln in render_lines(coll, [nodes[i]], 0, body_only=True)]
    expected = copy.deepcopy(doc.data)
    expected[coll] = [plain[i] for i in order]
    pair = key_pair(doc.root, coll)
    if pair is None:
        at = len(doc.lines)
        return [Splice(at, at, ["", f"{coll}:", *body])], expected
    k, v = pair
    return [Splice(k.start_mark.line, end_after(doc, v), [f"{coll}:", *body])], expected


# --- set --------------------------------------------------------------------------------


def field_insert_at(doc: YamlDocument, coll: str, rec: yaml.MappingNode, field: str) -> int:
    """Where a field missing from a record goes: before the next field in the model's order."""
    order = list(MODELS[coll].model_fields)
    rank = order.index(field)
    for k, _ in mapping_pairs(rec):
        if k.value in order and order.index(k.value) > rank:
            return k.start_mark.line
    return end_after(doc, rec)


def plan_set(doc: YamlDocument, coll: str, index: int, field: str, value: Any) -> Plan:
    """Replace, add (``value``) or remove (``None``) one field of a record."""
    rec = record_node(doc, coll, index)
    expected = copy.deepcopy(doc.data)
    target = expected[coll][index]
    region = key_region(doc, rec, field)
    if value is None:
        if region is None:
            raise EditError(f"{coll}/{target.get('id')}: 字段 {field} 本来就没有填写，无需清空")
        del target[field]
        return [Splice(region[0], region[1], [])], expected
    column = region[2] if region else rec.start_mark.column
    lines = render_lines(field, value, column)
    # what was typed, not what was written: the read-back check then catches a value that
    # YAML would store differently (dict equality ignores the key's position)
    target[field] = as_read(value)
    if region is None:
        at = field_insert_at(doc, coll, rec, field)
        return [Splice(at, at, lines)], expected
    return [Splice(region[0], region[1], lines)], expected


# --- update -----------------------------------------------------------------------------


def plan_update(doc: YamlDocument, index: int, item: dict[str, Any]) -> Plan:
    """Append a progress update to pilot ``index`` (the first one makes the list)."""
    rec = record_node(doc, "pilots", index)
    pair = key_pair(rec, "updates")
    if pair is None or is_empty(pair[1]):
        return plan_set(doc, "pilots", index, "updates", [item])
    k, seq = pair
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style:
        raise EditError(f"{doc.shown}:{k.start_mark.line + 1}: updates 不是以“- ”开头的列表，无法自动添加")
    column = k.start_mark.column
    lines = render_lines("updates", [item], column, body_only=True)
    at = end_after(doc, seq.value[-1])
    expected = copy.deepcopy(doc.data)
    expected["pilots"][index]["updates"].append(as_read(item))
    return [Splice(at, at, lines)], expected
