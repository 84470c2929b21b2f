"""What changed between two versions of the data file, record by record and field by field.

``changes_between(old_text, new_text)`` is the entry point: two texts of the data file in,
the records added, changed (with their field changes, old → new, as a reader sees the
values) and removed out. It needs no git: the change log of the site (``analysis.history``)
runs it on each commit and its parent, stamping each change with the commit.

A record is known by its id, so a renamed id shows as one record removed and one added.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pilotkb.analysis.snapshots import Snapshot
from pilotkb.data.registry import FILE_ORDER, MODELS, REGISTRY

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
KIND_LABEL = {ADDED: "新增", CHANGED: "修改", REMOVED: "删除"}
# longest text shown for one value in a change log
VALUE_LIMIT = 80
# fields of list items that say what the item is (the quote and source are left out)
_ITEM_SKIP = {"source", "quote"}


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: added, changed (old → new) or removed; values as shown."""

    field: str
    label: str
    kind: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Change:
    """What one commit (or a change not yet committed: commit fields empty) did to one record."""

    collection: str
    id: str
    kind: str  # the record was added, changed or removed
    commit: str = ""  # short hash (display)
    sha: str = ""  # full hash (stable ids)
    date: str = ""  # commit date, ISO 8601 with the committer's offset
    subject: str = ""  # first line of the commit message: never shown (``note`` is)
    note: str = ""  # the commit's description for readers (analysis.notes); "": none written
    fields: tuple[FieldChange, ...] = ()
    name: str | None = None  # the record's name in the version that has it (parsed records only)

    @property
    def day(self) -> str:
        return self.date[:10]

    @property
    def datetime(self) -> _dt.datetime:
        return _dt.datetime.fromisoformat(self.date)

    @property
    def kind_label(self) -> str:
        return KIND_LABEL[self.kind]

    @property
    def summary(self) -> str:
        """What the commit did to this record, in words: 新增本条记录, 修改了概述、状态 …"""
        if self.kind == ADDED:
            return "新增本条记录"
        if self.kind == REMOVED:
            return "删除本条记录"
        return f"修改了{_labels([self])}"


# field labels named in a description made from a change, then 等
LABELS_SHOWN = 3


def _labels(changes: list[Change]) -> str:
    labels = list(dict.fromkeys(f.label for c in changes for f in c.fields))
    return "、".join(labels[:LABELS_SHOWN]) + ("等" if len(labels) > LABELS_SHOWN else "")


def commit_summary(changes: list[Change]) -> str:
    """What one commit did, in words: 新增试点 3 条、经验 1 条；修改地区 1 条（名称）…"""
    parts = []
    for kind in (ADDED, CHANGED, REMOVED):
        of_kind = [c for c in changes if c.kind == kind]
        counts: dict[str, int] = {}
        for c in of_kind:
            counts[c.collection] = counts.get(c.collection, 0) + 1
        if counts:
            listed = "、".join(f"{REGISTRY[coll].label} {n} 条" for coll, n in counts.items())
            fields = f"（{_labels(of_kind)}）" if kind == CHANGED and _labels(of_kind) else ""
            parts.append(f"{KIND_LABEL[kind]}{listed}{fields}")
    return "；".join(parts) or "修改了数据文件"


@dataclass
class History:
    """The change log of the data file over its last commits."""

    changes: list[Change] = field(default_factory=list)  # newest first
    message: str | None = None  # why there is no history, to be logged once
    commits: int = 0  # commits read
    head_date: str | None = None  # date of the newest commit of the data file (ISO)
    by_record: dict[tuple[str, str], list[Change]] = field(default_factory=dict)
    _described: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.by_record:
            for c in self.changes:
                self.by_record.setdefault((c.collection, c.id), []).append(c)

    def record(self, collection: str, rid: str, limit: int | None = None) -> list[Change]:
        """The changes of one record, newest first."""
        items = self.by_record.get((collection, rid), [])
        return items[:limit] if limit is not None else items

    def last_changed(self, collection: str, rid: str) -> Change | None:
        items = self.by_record.get((collection, rid))
        return items[0] if items else None

    def recent(self, limit: int) -> list[Change]:
        return self.changes[:limit]

    def described(self, sha: str) -> str:
        """The commit's description for readers: its note, else made from what it changed."""
        if not self._described:
            by_commit: dict[str, list[Change]] = {}
            for c in self.changes:
                by_commit.setdefault(c.sha, []).append(c)
            self._described.update({k: cs[0].note or commit_summary(cs) for k, cs in by_commit.items()})
        return self._described.get(sha, "")


# --- records ------------------------------------------------------------------------------


def changes_between(old: bytes | str | None, new: bytes | str | None) -> list[Change]:
    """The records added, changed and removed from text ``old`` to text ``new`` of the data
    file (None: the file does not exist), by collection in the file's order; no commit fields."""
    return diff_snapshots(Snapshot(_as_bytes(old)), Snapshot(_as_bytes(new)))


def _as_bytes(text: bytes | str | None) -> bytes | None:
    return text.encode("utf-8") if isinstance(text, str) else text


def _touched(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """Ids whose text (or value) differs, computed in C where values are bytes."""
    try:
        return {k for k, _ in before.items() ^ after.items()}
    except TypeError:  # parsed records (dicts) are not hashable
        return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def diff_snapshots(old: Snapshot, new: Snapshot, **commit: str) -> list[Change]:
    """The changes from version ``old`` to ``new``; ``commit`` gives each change its commit
    fields (``commit``, ``sha``, ``date``, ``subject``) when the versions are commits."""
    out: list[Change] = []
    for coll in FILE_ORDER:
        before, after = old.ids(coll), new.ids(coll)
        touched = _touched(before, after)
        if not touched:
            continue
        for rid in [k for k in after if k in touched]:
            if rid not in before:
                out.append(Change(coll, rid, ADDED, **commit))
                continue
            a, b = old.record(coll, rid), new.record(coll, rid)
            if a is None or b is None:
                continue  # not a mapping in one version: say nothing rather than guess
            fields = diff_fields(coll, a, b)
            if fields:
                out.append(Change(coll, rid, CHANGED, fields=tuple(fields), name=_name(coll, b), **commit))
        for rid in [k for k in before if k in touched and k not in after]:
            rec = old.record(coll, rid)
            out.append(Change(coll, rid, REMOVED, name=_name(coll, rec) if rec else None, **commit))
    return out


# --- fields -------------------------------------------------------------------------------


def _name(coll: str, rec: dict[str, Any]) -> str | None:
    value = REGISTRY[coll].name_in(rec)
    return None if value is None else _plain(value)


def field_label(coll: str, name: str) -> str:
    """The field's Chinese label, from the model's description (its first clause)."""
    model = MODELS.get(coll)
    info = model.model_fields.get(name) if model else None
    desc = (info.description if info else None) or name
    return re.split(r"[；（(，：]", desc, maxsplit=1)[0] or name


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return " ".join(
            _plain(v) for k, v in value.items() if k not in _ITEM_SKIP and v not in (None, "", [])
        )
    return str(value)


def _short(value: Any, limit: int | None = VALUE_LIMIT) -> str:
    text = " ".join(_plain(value).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _canon(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def diff_fields(
    coll: str, old: dict[str, Any], new: dict[str, Any], limit: int | None = VALUE_LIMIT
) -> list[FieldChange]:
    """Field changes between two versions of one record, in the new record's field order;
    values cut at ``limit`` characters (None: whole, as ``scripts/kb diff`` shows them)."""
    out: list[FieldChange] = []
    order = list(new) + [k for k in old if k not in new]
    for key in order:
        a, b = old.get(key), new.get(key)
        empty_a, empty_b = a in (None, "", []), b in (None, "", [])
        if _canon(a) == _canon(b) or (empty_a and empty_b):
            continue
        label = field_label(coll, key)
        if _is_item_list(a) and _is_item_list(b) and not empty_a and not empty_b:
            out.extend(_diff_items(key, label, a, b, limit))
        elif empty_a:
            out.append(FieldChange(key, label, ADDED, None, _short(b, limit)))
        elif empty_b:
            out.append(FieldChange(key, label, REMOVED, _short(a, limit), None))
        else:
            out.append(FieldChange(key, label, CHANGED, _short(a, limit), _short(b, limit)))
    return out


def _is_item_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _diff_items(key: str, label: str, a: list[dict], b: list[dict], limit: int | None) -> list[FieldChange]:
    """Items of a list of mappings (updates, metrics …): which were added, removed, changed."""
    ca, cb = [_canon(x) for x in a], [_canon(x) for x in b]
    removed = [x for x, c in zip(a, ca, strict=True) if c not in cb]
    added = [x for x, c in zip(b, cb, strict=True) if c not in ca]
    out: list[FieldChange] = []
    # an item edited in place shows as old → new
    while removed and added and len(a) == len(b):
        out.append(
            FieldChange(key, label, CHANGED, _short(removed.pop(0), limit), _short(added.pop(0), limit))
        )
    out += [FieldChange(key, label, ADDED, None, _short(x, limit)) for x in added]
    out += [FieldChange(key, label, REMOVED, _short(x, limit), None) for x in removed]
    return out
