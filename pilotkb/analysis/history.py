"""What changed in the data file, and when: a field-level change log from git.

The history is read once per build from the last ``max_commits`` commits that touched the
data file. Cost is bounded without parsing whole versions (a 13 MB file takes ~3 s to load):
each version's text is cut into record chunks by the layout of the file (top-level
``collection:`` keys, items starting with ``- `` at the collection's indentation), chunks
are compared as bytes by id between a commit and its parent, and only chunks whose text
changed are parsed. A version whose layout cannot be cut that way is parsed whole.

Without git, outside a repository or in a shallow clone the history is empty and
``History.message`` says why; the build goes on.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import shutil
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pilotkb.analysis.git import BlobReader, GitError, git
from pilotkb.data.load import parse_yaml
from pilotkb.data.registry import MODELS, REGISTRY

COLLECTIONS = MODELS


ADDED, CHANGED, REMOVED = "added", "changed", "removed"
KIND_LABEL = {ADDED: "新增", CHANGED: "修改", REMOVED: "删除"}
# longest text shown for one value in a change log
VALUE_LIMIT = 80


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
    """What one commit did to one record."""

    collection: str
    id: str
    kind: str  # the record was added, changed or removed
    commit: str  # short hash (display)
    sha: str  # full hash (stable ids)
    date: str  # commit date, ISO 8601 with the committer's offset
    subject: str  # first line of the commit message (text from the repository: escape it)
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


@dataclass
class History:
    changes: list[Change] = field(default_factory=list)  # newest first
    message: str | None = None  # why there is no history, to be logged once
    commits: int = 0  # commits read
    head_date: str | None = None  # date of the newest commit of the data file (ISO)
    by_record: dict[tuple[str, str], list[Change]] = field(default_factory=dict)

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


# --- reading git ------------------------------------------------------------------------


_NULL_OID = re.compile(r"^0+$")


def read_history(path: Path | str, max_commits: int) -> History:
    """The change log of the data file over its last ``max_commits`` commits (no merges).

    Never raises for a missing git, a missing repository or a shallow clone: the result
    is then empty and ``message`` says why.
    """
    path = Path(path).resolve()
    if shutil.which("git") is None:
        return History(message="没有读取修改记录：找不到 git 命令。")
    where = path.parent
    try:
        inside = git(where, "rev-parse", "--is-inside-work-tree").strip()
    except GitError:
        inside = "false"
    if inside != "true":
        return History(message=f"没有读取修改记录：{path.name} 不在 git 仓库中。")
    try:
        if git(where, "rev-parse", "--is-shallow-repository").strip() == "true":
            return History(
                message="没有读取修改记录：这是浅克隆（shallow clone），历史不完整；"
                "请用完整克隆构建（如 git fetch --unshallow 或 actions/checkout 的 fetch-depth: 0）。"
            )
        try:
            git(where, "rev-parse", "--verify", "-q", "HEAD")
        except GitError:
            return History(message=f"没有读取修改记录：{path.name} 还没有提交到 git。")
        log = git(
            where,
            "log",
            "--no-merges",
            "--no-renames",
            "--raw",
            "--no-abbrev",
            f"-n{max_commits}",
            "--format=%x1e%H%x1f%cI%x1f%s",
            "--",
            path.name,
        )
    except GitError as exc:
        return History(message=f"没有读取修改记录：git 出错（{exc}）。")
    commits = _parse_log(log)
    if not commits:
        return History(message=f"没有读取修改记录：{path.name} 还没有提交到 git。")
    blobs = BlobReader(where)
    try:
        changes = _diff_commits(commits, blobs)
    except GitError as exc:
        return History(message=f"没有读取修改记录：git 出错（{exc}）。")
    finally:
        blobs.close()
    return History(changes=changes, commits=len(commits), head_date=commits[0]["date"])


def _parse_log(log: str) -> list[dict[str, str]]:
    commits = []
    for block in log.split("\x1e")[1:]:
        head, _, rest = block.partition("\n")
        full, date, subject = head.split("\x1f", 2)
        old = new = None
        for line in rest.splitlines():
            if line.startswith(":"):
                meta = line.split("\t", 1)[0].split()
                old, new = meta[2], meta[3]
        if new is None:
            continue  # e.g. a mode-only change that --raw did not list
        commits.append(
            {"hash": full, "short": full[:7], "date": date, "subject": subject, "old": old or "", "new": new}
        )
    return commits


# --- cutting a version into record chunks ------------------------------------------------

# one scan for every collection key at column 0 (a regex starting with a literal newline is
# searched fast; a "^" pattern in MULTILINE mode is tried at every byte)
_COLLECTION_KEY = re.compile(rb"\n(" + b"|".join(n.encode() for n in COLLECTIONS) + rb"):(?=[ \t\r\n]|$)")
_ID_LINE = re.compile(rb"""^[ -]*id:[ \t]*['"]?([^\s'"#]+)""", re.M)


@dataclass
class _Section:
    marker: bytes  # what starts each item, e.g. b"\n  - "
    items: dict[str, bytes]  # id -> the item's text after its marker


Version = dict[str, _Section]


def split_records(text: bytes) -> Version | None:
    """Cut one version of the data file into ``{collection: _Section}``.

    Collection keys are found with one regex scan for ``\n<collection>:`` and items by
    their marker (``\n- `` or ``\n  - ``): C-speed scans, no per-line Python loop. Returns
    None when the layout is not that block layout (the caller then parses the version whole).
    """
    text = b"\n" + text
    found = [(m.start(), m.group(1).decode(), m.end()) for m in _COLLECTION_KEY.finditer(text)]
    if not found or len({f[1] for f in found}) != len(found):
        return None  # no collection, or one written twice: let the parser decide
    ends = [f[0] for f in found[1:]] + [len(text)]
    version: Version = {}
    for (_, name, after), end in zip(found, ends, strict=True):
        eol = text.find(b"\n", after, end)
        eol = end if eol == -1 else eol
        rest = text[after:eol].split(b"#", 1)[0].strip()
        if rest in (b"[]", b"null", b"~"):
            version[name] = _Section(b"", {})
            continue
        if rest:
            return None  # a flow collection on the key's line, or another key: parse whole
        section = _split_section(text, eol, end)
        if section is None:
            return None
        version[name] = section
    return version


def _split_section(text: bytes, pos: int, end: int) -> _Section | None:
    """The items between ``pos`` (the newline ending ``name:``) and ``end``."""
    # the first line that is not blank or a comment sets the items' indentation
    while True:
        if pos >= end:
            return _Section(b"", {})
        nl = text.find(b"\n", pos + 1, end)
        line = text[pos + 1 : end if nl == -1 else nl].rstrip(b"\r")
        body = line.lstrip(b" ")
        if body and not body.startswith(b"#"):
            break
        if nl == -1:
            return _Section(b"", {})
        pos = nl
    if not body.startswith(b"- "):
        return None  # flow style or something unexpected
    marker = b"\n" + line[: len(line) - len(body)] + b"- "
    section = text[pos:end]
    pieces = section.split(marker)[1:]
    ids = re.findall(re.escape(marker) + rb"""id:[ \t]*['"]?([^\s'"#]+)""", section)
    if len(ids) == len(pieces):  # every item starts with its id, as editors write them
        return _Section(
            marker, dict(zip(b"\0".join(ids).decode("utf-8", "replace").split("\0"), pieces, strict=True))
        )
    items: dict[str, bytes] = {}
    for piece in pieces:
        m = _ID_LINE.search(piece)
        if m is None:
            return None
        items[m.group(1).decode("utf-8", "replace")] = piece
    return _Section(marker, items)


def _parse_chunk(chunk: bytes) -> dict[str, Any] | None:
    try:
        value = parse_yaml(chunk)
    except yaml.YAMLError:
        return None
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0]
    return None


def _parse_whole(text: bytes) -> dict[str, dict[str, dict[str, Any]]]:
    try:
        data = parse_yaml(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    if not isinstance(data, dict):
        return out
    for name in COLLECTIONS:
        items = data.get(name) or []
        if isinstance(items, list):
            out[name] = {str(r["id"]): r for r in items if isinstance(r, dict) and "id" in r}
    return out


class _Snapshot:
    """One version: record chunks when the layout allows, else the whole parsed data."""

    def __init__(self, text: bytes | None):
        self.text = text
        self.chunks: Version | None = {} if text is None else split_records(text)
        self.parsed: dict[str, dict[str, dict[str, Any]]] | None = None

    def whole(self) -> dict[str, dict[str, dict[str, Any]]]:
        if self.parsed is None:
            self.parsed = _parse_whole(self.text) if self.text is not None else {}
        return self.parsed

    def ids(self, coll: str) -> dict[str, Any]:
        if self.chunks is not None:
            section = self.chunks.get(coll)
            return section.items if section else {}
        return self.whole().get(coll, {})

    def record(self, coll: str, rid: str) -> dict[str, Any] | None:
        if self.chunks is not None:
            section = self.chunks.get(coll)
            piece = section.items.get(rid) if section else None
            if piece is not None and section is not None:
                rec = _parse_chunk(section.marker[1:] + piece)
                if rec is not None and str(rec.get("id")) == rid:
                    return rec
            # a chunk that does not parse alone (an unusual layout): parse this version whole
        return self.whole().get(coll, {}).get(rid)


def _diff_commits(commits: list[dict[str, str]], blobs: BlobReader) -> list[Change]:
    cache: OrderedDict[str, _Snapshot] = OrderedDict()

    def snapshot(oid: str) -> _Snapshot:
        if not oid or _NULL_OID.match(oid):
            return _Snapshot(None)
        if oid in cache:
            cache.move_to_end(oid)
            return cache[oid]
        snap = _Snapshot(blobs.read(oid))
        cache[oid] = snap
        while len(cache) > 3:  # a commit's parent is the next commit's version: keep a few
            cache.popitem(last=False)
        return snap

    changes: list[Change] = []
    for c in commits:
        new = snapshot(c["new"])
        old = snapshot(c["old"])
        changes.extend(_diff_versions(old, new, c))
    return changes


def _touched(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """Ids whose text (or value) differs, computed in C where values are bytes."""
    try:
        return {k for k, _ in before.items() ^ after.items()}
    except TypeError:  # parsed records (dicts) are not hashable
        return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def _diff_versions(old: _Snapshot, new: _Snapshot, commit: dict[str, str]) -> list[Change]:
    out: list[Change] = []
    base = {
        "commit": commit["short"],
        "sha": commit["hash"],
        "date": commit["date"],
        "subject": commit["subject"],
    }
    for coll in COLLECTIONS:
        before, after = old.ids(coll), new.ids(coll)
        touched = _touched(before, after)
        if not touched:
            continue
        for rid in [k for k in after if k in touched]:
            if rid not in before:
                out.append(Change(coll, rid, ADDED, **base))
                continue
            a, b = old.record(coll, rid), new.record(coll, rid)
            if a is None or b is None:
                continue  # not a mapping in one version: say nothing rather than guess
            fields = diff_fields(coll, a, b)
            if fields:
                out.append(Change(coll, rid, CHANGED, fields=tuple(fields), name=_name(coll, b), **base))
        for rid in [k for k in before if k in touched and k not in after]:
            rec = old.record(coll, rid)
            out.append(Change(coll, rid, REMOVED, name=_name(coll, rec) if rec else None, **base))
    return out


# --- field-level differences --------------------------------------------------------------

# fields of list items that say what the item is (the quote and source are left out)
_ITEM_SKIP = {"source", "quote"}


def _name(coll: str, rec: dict[str, Any]) -> str | None:
    value = REGISTRY[coll].name_in(rec)
    return None if value is None else _plain(value)


def field_label(coll: str, name: str) -> str:
    """The field's Chinese label, from the model's description (its first clause)."""
    model = COLLECTIONS.get(coll)
    info = model.model_fields.get(name) if model else None
    desc = (info.description if info else None) or name
    return re.split(r"[；（(，]", desc, maxsplit=1)[0] or name


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


def _short(value: Any) -> str:
    text = " ".join(_plain(value).split())
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _canon(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def diff_fields(coll: str, old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Field changes between two versions of one record, in the new record's field order."""
    out: list[FieldChange] = []
    order = list(new) + [k for k in old if k not in new]
    for key in order:
        a, b = old.get(key), new.get(key)
        empty_a, empty_b = a in (None, "", []), b in (None, "", [])
        if _canon(a) == _canon(b) or (empty_a and empty_b):
            continue
        label = field_label(coll, key)
        if _is_item_list(a) and _is_item_list(b) and not empty_a and not empty_b:
            out.extend(_diff_items(key, label, a, b))
        elif empty_a:
            out.append(FieldChange(key, label, ADDED, None, _short(b)))
        elif empty_b:
            out.append(FieldChange(key, label, REMOVED, _short(a), None))
        else:
            out.append(FieldChange(key, label, CHANGED, _short(a), _short(b)))
    return out


def _is_item_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _diff_items(key: str, label: str, a: list[dict], b: list[dict]) -> list[FieldChange]:
    """Items of a list of mappings (updates, metrics …): which were added, removed, changed."""
    ca, cb = [_canon(x) for x in a], [_canon(x) for x in b]
    removed = [x for x, c in zip(a, ca, strict=True) if c not in cb]
    added = [x for x, c in zip(b, cb, strict=True) if c not in ca]
    out: list[FieldChange] = []
    # an item edited in place shows as old → new
    while removed and added and len(a) == len(b):
        out.append(FieldChange(key, label, CHANGED, _short(removed.pop(0)), _short(added.pop(0))))
    out += [FieldChange(key, label, ADDED, None, _short(x)) for x in added]
    out += [FieldChange(key, label, REMOVED, _short(x), None) for x in removed]
    return out
