"""Editor commands of ``scripts/kb``: add records, set a field, append an update, propose an id.

Every command edits ``data/pilots.yaml`` by splicing: only the lines of the changed region
are replaced, every other byte (comments, blank lines, quotes, folded text) stays as it was.
The new text is rendered by ruamel.yaml's round-trip dumper configured like the data file
(sequences indented 4 with the dash at 2, no re-wrapping), so a record from FILE keeps its
own comments and quoting. Positions come from PyYAML's composed nodes (the C parser reads
the file in milliseconds where ruamel's round-trip loader takes seconds).

Before writing, the spliced text is read back and compared with the intended data, then
validated by ``pilotkb.data.validate.validate_file`` as a temporary file beside the data file
(source files resolve relative to it); only a valid result replaces the file, atomically.

Where new records go: a record is inserted right after the existing record whose id comes
just before its own in alphabetical order (or before the first one). Two branches that add
different records therefore touch different places of the file, and git merges them without
a conflict, unless both ids fall between the same two existing ids.
"""

from __future__ import annotations

import argparse
import copy
import datetime as _dt
import difflib
import hashlib
import io
import re
import sys
import types
import typing
import unicodedata
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from pilotkb.data.load import compose_yaml, display_name, loads, read_text
from pilotkb.data.model import DATE_RE, RESERVED_IDS, SLUG_RE
from pilotkb.data.registry import MODELS, REGISTRY
from pilotkb.errors import DataError, Problem
from pilotkb.files import write_atomic
from pilotkb.search.segment import load_jieba

COLLECTIONS = MODELS

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "data" / "pilots.yaml"


class EditError(Exception):
    """A refusal with a message for the editor; the data file is untouched."""


# --- rendering with ruamel.yaml ---------------------------------------------------


def round_trip_yaml() -> YAML:
    """ruamel.yaml configured like ``data/pilots.yaml`` (a no-op load + dump gives its bytes)."""
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 1_000_000  # never re-wrap long Chinese lines
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _render(key: str, value: Any, indent: int, *, body_only: bool = False) -> list[str]:
    """``key: value`` as block YAML lines (no line ends), indented by ``indent`` spaces."""
    buf = io.StringIO()
    round_trip_yaml().dump({key: value}, buf)
    lines = buf.getvalue().splitlines()
    if body_only:
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines.pop()
    return [(" " * indent + ln) if ln.strip() else "" for ln in lines]


_PYYAML_RESOLVER = yaml.resolver.Resolver()


def _as_text(value: str) -> str:
    """A string that the data file's YAML 1.1 reader will read back as this string."""
    tag = _PYYAML_RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    return DoubleQuotedScalarString(value) if tag != "tag:yaml.org,2002:str" else value


def _date_value(text: str) -> Any:
    """A date as the data file writes it: 2017, 2017-04 or 2017-04-15, unquoted."""
    m = DATE_RE.match(text)
    if m and not m.group(2):
        return int(text)
    if m and m.group(3):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass  # the validator explains what is wrong with it
    return _as_text(text)


# --- the data file and positions in it ----------------------------------------------


@dataclass
class Doc:
    path: Path
    shown: str
    raw: bytes
    bom: bool
    text: str
    lines: list[str]  # with line ends
    nl: str
    root: yaml.MappingNode
    data: dict[str, Any]


def open_doc(path: Path) -> Doc:
    shown = display_name(path)
    if not path.is_file():
        raise EditError(f"{shown}: 数据文件不存在；允许：用 --data 指定数据文件，默认 data/pilots.yaml")
    raw = path.read_bytes()
    text = read_text(path, shown)
    located = loads(text, shown)
    if not isinstance(located.data, dict):
        raise EditError(f"{shown}:1: 文件顶层应为映射；请先运行 scripts/kb check 修正")
    root = compose_yaml(text)
    lines = text.splitlines(keepends=True)
    nl = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    return Doc(path, shown, raw, raw.startswith(b"\xef\xbb\xbf"), text, lines, nl, root, located.data)


def _pairs(node: yaml.Node) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def _value_of(node: yaml.Node, key: str) -> tuple[yaml.ScalarNode, yaml.Node] | None:
    for k, v in _pairs(node):
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _last_line(node: yaml.Node) -> int:
    """The last line (0-based) holding content of ``node``; comments after it do not count."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        end = node.end_mark
        line = end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
        return max(line, node.start_mark.line)
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    return max([node.start_mark.line, *(_last_line(c) for c in children)])


def _end_after(doc: Doc, node: yaml.Node) -> int:
    """Line index just after the content of ``node`` (trailing blank lines excluded)."""
    last = _last_line(node)
    while last > node.start_mark.line and not doc.lines[last].strip():
        last -= 1  # a folded scalar's end mark includes the blank lines after it
    return last + 1


def _line_start(doc: Doc, node: yaml.Node) -> int:
    return node.start_mark.line


def _is_empty(node: yaml.Node) -> bool:
    """``key:`` with nothing after it, or ``key: []``."""
    if isinstance(node, yaml.ScalarNode):
        return node.tag.endswith(":null")
    return isinstance(node, yaml.SequenceNode) and not node.value


def _blank_separated(doc: Doc, items: list[yaml.Node]) -> bool:
    """Whether the records of this list are separated by blank lines (the data file's style)."""
    if len(items) < 2:
        return True
    prev = doc.lines[items[1].start_mark.line - 1] if items[1].start_mark.line else ""
    return not prev.strip()


# --- splicing, checking and writing -----------------------------------------------


@dataclass
class Splice:
    start: int  # first line replaced (0-based)
    end: int  # line after the last one replaced; start == end inserts
    lines: list[str]  # new lines, without line ends


def apply_splices(doc: Doc, splices: list[Splice]) -> str:
    lines = list(doc.lines)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += doc.nl  # an inserted line after the last one needs a line end before it
    for s in sorted(splices, key=lambda s: (s.start, s.end), reverse=True):
        lines[s.start : s.end] = [ln + doc.nl for ln in s.lines]
    return "".join(lines)


def _check_intended(doc: Doc, text: str, expected: dict[str, Any]) -> None:
    """Guard against a splice that reads back differently from what was meant."""
    try:
        got = loads(text, doc.shown).data
    except DataError:
        got = None
    if got != expected:
        raise EditError(
            f"{doc.shown}: 内部错误：修改后的文件读回来与预期不一致，已放弃；数据未作任何改动。"
            "请把所用命令报告给维护者"
        )


def commit(doc: Doc, text: str, expected: dict[str, Any]) -> None:
    """Validate ``text`` as the new data file and replace the file atomically if it is valid."""
    from pilotkb.data.validate import validate_file

    _check_intended(doc, text, expected)
    data = (b"\xef\xbb\xbf" if doc.bom else b"") + text.encode("utf-8")

    def check(tmp: Path) -> None:
        try:
            validate_file(tmp)
        except DataError as exc:
            shown_tmp = display_name(tmp)
            raise DataError(
                [replace(p, file=doc.shown) if p.file == shown_tmp else p for p in exc.problems]
            ) from None
        if doc.path.read_bytes() != doc.raw:
            raise EditError(f"{doc.shown}: 文件在修改期间被别的程序改动了，已放弃；请重新运行命令")

    write_atomic(doc.path, data, mode=doc.path.stat().st_mode & 0o7777, check=check)


# --- finding records ------------------------------------------------------------------


def _collection_error(name: str) -> EditError:
    return EditError(f"未知的集合“{name}”；允许：{'、'.join(COLLECTIONS)}")


def find_record(doc: Doc, ref: str) -> tuple[str, int]:
    """``COLLECTION/ID`` or a bare ID unique across collections -> (collection, index)."""
    coll, sep, rid = ref.partition("/")
    if not sep:
        coll, rid = "", ref
    elif coll not in COLLECTIONS:
        raise _collection_error(coll)
    hits: list[tuple[str, int]] = []
    for c in [coll] if coll else list(COLLECTIONS):
        for i, rec in enumerate(doc.data.get(c) or []):
            if isinstance(rec, dict) and rec.get("id") == rid:
                hits.append((c, i))
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        where = "、".join(c for c, _ in hits)
        raise EditError(f"编号“{rid}”在 {where} 中都有；允许：写成 集合/编号，如 {hits[0][0]}/{rid}")
    known = [
        r["id"]
        for c in ([coll] if coll else COLLECTIONS)
        for r in (doc.data.get(c) or [])
        if isinstance(r, dict) and isinstance(r.get("id"), str)
    ]
    near = difflib.get_close_matches(rid, known, n=3, cutoff=0.6)
    hint = f"（相近的编号：{'、'.join(near)}）" if near else ""
    scope = coll or "任何集合"
    raise EditError(f"编号“{rid}”在{scope}中不存在{hint}；允许：已有记录的编号，可写成 集合/编号")


def _record_node(doc: Doc, coll: str, index: int) -> yaml.MappingNode:
    pair = _value_of(doc.root, coll)
    assert pair is not None and isinstance(pair[1], yaml.SequenceNode)
    node = pair[1].value[index]
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise EditError(f"{doc.shown}:{node.start_mark.line + 1}: 这条记录不是块状映射，无法自动修改")
    return node


def _field_insert_at(doc: Doc, coll: str, rec: yaml.MappingNode, field: str) -> int:
    """Where a field missing from a record goes: before the next field in the model's order."""
    order = list(COLLECTIONS[coll].model_fields)
    rank = order.index(field)
    for k, _ in _pairs(rec):
        if k.value in order and order.index(k.value) > rank:
            return _line_start(doc, k)
    return _end_after(doc, rec)


def _key_region(doc: Doc, rec: yaml.MappingNode, key: str) -> tuple[int, int, int] | None:
    """(first line, line after, column) of ``key: value`` in a record."""
    pair = _value_of(rec, key)
    if pair is None:
        return None
    k, v = pair
    return k.start_mark.line, _end_after(doc, v), k.start_mark.column


# --- add ----------------------------------------------------------------------------------


def read_records(file: Path) -> tuple[list[Any], list[Any]]:
    """FILE's records as plain data (checked like the data file) and as round-trip nodes."""
    shown = display_name(file)
    if not file.is_file():
        raise EditError(f"{shown}: 文件不存在或不是文件；允许：写有记录列表的 YAML 文件路径")
    located = loads(read_text(file, shown), shown)
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
        nodes = round_trip_yaml().load(file.read_bytes().decode("utf-8-sig"))
    return located.data, list(nodes)


def plan_add(doc: Doc, coll: str, plain: list[Any], nodes: list[Any]) -> tuple[list[Splice], dict[str, Any]]:
    if coll not in COLLECTIONS:
        raise _collection_error(coll)
    expected = copy.deepcopy(doc.data)
    pair = _value_of(doc.root, coll)
    new_ids = [r.get("id") if isinstance(r.get("id"), str) else None for r in plain]
    if pair is None or _is_empty(pair[1]):
        # the collection is absent or empty: write it whole
        order = sorted(range(len(plain)), key=lambda i: (new_ids[i] is None, new_ids[i] or ""))
        body = [ln for i in order for ln in _render(coll, [nodes[i]], 0, body_only=True)]
        expected[coll] = [plain[i] for i in order]
        if pair is None:
            at = len(doc.lines)
            return [Splice(at, at, ["", f"{coll}:", *body])], expected
        k, v = pair
        return [Splice(k.start_mark.line, _end_after(doc, v), [f"{coll}:", *body])], expected
    if not isinstance(pair[1], yaml.SequenceNode) or pair[1].flow_style:
        raise EditError(
            f"{doc.shown}:{pair[0].start_mark.line + 1}: {coll} 不是以“- ”开头的列表，无法自动添加"
        )
    seq = pair[1]
    items = seq.value
    old = doc.data[coll]
    ids = [r.get("id") if isinstance(r, dict) and isinstance(r.get("id"), str) else None for r in old]
    gap = _blank_separated(doc, items)
    indent = pair[0].start_mark.column
    # slot -> (text position, list index, records): after the id's alphabetical predecessor
    slots: dict[tuple[str, int], list[int]] = {}
    for j, rid in enumerate(new_ids):
        known = [(x, i) for i, x in enumerate(ids) if x is not None]
        before = [(x, i) for x, i in known if rid is not None and x < rid]
        if rid is None or not known:
            key = ("after", len(old) - 1)
        elif before:
            key = ("after", max(before)[1])
        else:
            key = ("before", min(known)[1])
        slots.setdefault(key, []).append(j)
    splices: list[Splice] = []
    inserts: dict[int, list[Any]] = {}
    for (where, i), js in slots.items():
        js.sort(key=lambda j: new_ids[j] or "\uffff")
        block: list[str] = []
        for j in js:
            if gap and (block or where == "after"):
                block.append("")
            block.extend(_render(coll, [nodes[j]], indent, body_only=True))
        if where == "after":
            at = _end_after(doc, items[i])
            index = i + 1
        else:
            at = _line_start(doc, items[i])
            index = i
            if gap:
                block.append("")
        splices.append(Splice(at, at, block))
        inserts.setdefault(index, []).extend(plain[j] for j in js)
    merged: list[Any] = []
    for i in range(len(old) + 1):
        merged.extend(inserts.get(i, []))
        if i < len(old):
            merged.append(old[i])
    expected[coll] = merged
    return splices, expected


# --- set --------------------------------------------------------------------------------


def _field_kind(coll: str, field: str) -> str:
    """'text' for free text fields (taken literally), 'date' for dates, 'other' (read as YAML)."""
    info = COLLECTIONS[coll].model_fields[field]

    def kind(annotation: Any, meta: list[Any]) -> str:
        if any(getattr(getattr(m, "func", None), "__name__", "") == "validate_partial_date" for m in meta):
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
    kind = _field_kind(coll, field)
    if kind == "text":
        return _as_text(raw)
    if kind == "date":
        return _date_value(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = round_trip_yaml().load(raw)
    except Exception:  # ruamel has many error classes for malformed input; all mean the same here
        value = {}
    if isinstance(value, dict):
        raise EditError(f"值“{raw}”无法识别；允许：文字、数字、日期，或 [甲, 乙] 这样的列表")
    return _as_text(value) if isinstance(value, str) else value


def _plain(lines: list[str], column: int, key: str) -> Any:
    """What the data file's reader makes of rendered ``key: …`` lines."""
    return loads("\n".join(ln[column:] for ln in lines) + "\n").data[key]


def plan_set(doc: Doc, coll: str, index: int, field: str, value: Any) -> tuple[list[Splice], dict[str, Any]]:
    rec = _record_node(doc, coll, index)
    expected = copy.deepcopy(doc.data)
    target = expected[coll][index]
    region = _key_region(doc, rec, field)
    if value is None:
        if region is None:
            raise EditError(f"{coll}/{target.get('id')}: 字段 {field} 本来就没有填写，无需清空")
        del target[field]
        return [Splice(region[0], region[1], [])], expected
    column = region[2] if region else rec.start_mark.column
    lines = _render(field, value, column)
    target[field] = _plain(lines, column, field)  # dict equality ignores the key's position
    if region is None:
        at = _field_insert_at(doc, coll, rec, field)
        return [Splice(at, at, lines)], expected
    return [Splice(region[0], region[1], lines)], expected


# --- update -----------------------------------------------------------------------------


def plan_update(doc: Doc, index: int, item: dict[str, Any]) -> tuple[list[Splice], dict[str, Any]]:
    rec = _record_node(doc, "pilots", index)
    pair = _value_of(rec, "updates")
    if pair is None or _is_empty(pair[1]):
        return plan_set(doc, "pilots", index, "updates", [item])
    k, seq = pair
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style:
        raise EditError(f"{doc.shown}:{k.start_mark.line + 1}: updates 不是以“- ”开头的列表，无法自动添加")
    column = k.start_mark.column
    lines = _render("updates", [item], column, body_only=True)
    at = _end_after(doc, seq.value[-1])
    expected = copy.deepcopy(doc.data)
    expected["pilots"][index]["updates"].append(_plain(["updates:", *lines], 0, "updates")[0])
    return [Splice(at, at, lines)], expected


# --- new-id ---------------------------------------------------------------------------

# Words that nearly every name has; dropped from the readable part when others remain.
_GENERIC = {"试点", "改革", "工作", "建设", "的", "和", "与", "及"}
_MAX_WORDS = 4
_MAX_CHARS = 32


def _segment(name: str) -> list[str]:
    return [w for w in load_jieba().lcut(name) if w.strip()]


def slug_words(name: str) -> list[str]:
    """The pinyin of each word of ``name`` (one slug part per word), generic words dropped."""
    from pypinyin import lazy_pinyin

    words = _segment(name)
    kept = [w for w in words if w not in _GENERIC] or words
    parts: list[str] = []
    for word in kept:
        part = "".join(lazy_pinyin(word, errors="default")).lower()
        part = re.sub(r"[^a-z0-9]+", "", part)
        if part:
            parts.append(part)
    out: list[str] = []
    for part in parts[:_MAX_WORDS]:
        if out and len("-".join([*out, part])) > _MAX_CHARS:
            break
        out.append(part[:_MAX_CHARS])
    return out


def name_hash(name: str, length: int) -> str:
    key = unicodedata.normalize("NFKC", name).strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:length]


def propose_id(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """``pinyin-words-hash``: readable, the same for the same name on every branch, and free.

    The hash of the exact name, not a counter, keeps ids of different names apart across
    branches; if an existing id already has the proposal, the hash is lengthened (still
    derived from the name only).
    """
    stem = "-".join(slug_words(name))
    for length in (4, 6, 8, 12, 16):
        rid = f"{stem}-{name_hash(name, length)}" if stem else f"id-{name_hash(name, length)}"
        if rid not in taken and rid not in RESERVED_IDS and SLUG_RE.match(rid):
            return rid
    raise EditError(f"无法为“{name}”找到空闲的编号")  # pragma: no cover - 16 hex digits


# --- commands -------------------------------------------------------------------------------


def _doc(args: argparse.Namespace) -> Doc:
    return open_doc(Path(args.data))


def _done(doc: Doc, splices: list[Splice], expected: dict[str, Any], what: str) -> int:
    commit(doc, apply_splices(doc, splices), expected)
    starts: list[int] = []
    shift = 0
    for s in sorted(splices, key=lambda s: s.start):
        lead = next((i for i, ln in enumerate(s.lines) if ln.strip()), 0)
        starts.append(s.start + shift + lead + 1)
        shift += len(s.lines) - (s.end - s.start)
    where = "、".join(str(n) for n in starts)
    print(f"{doc.shown}: {what}（第 {where} 行），校验通过，已保存")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    if args.collection not in COLLECTIONS:
        raise _collection_error(args.collection)
    doc = _doc(args)
    plain, nodes = read_records(Path(args.file))
    splices, expected = plan_add(doc, args.collection, plain, nodes)
    ids = "、".join(str(r.get("id")) for r in plain)
    return _done(doc, splices, expected, f"已在 {args.collection} 中添加 {len(plain)} 条记录：{ids}")


def cmd_set(args: argparse.Namespace) -> int:
    doc = _doc(args)
    coll, index = find_record(doc, args.id)
    fields = [f for f in COLLECTIONS[coll].model_fields if f != "id"]
    if args.field not in fields:
        rid = doc.data[coll][index].get("id")
        why = "编号是网页地址的一部分，发布后不能修改" if args.field == "id" else f"{coll} 没有这个字段"
        line = _record_node(doc, coll, index).start_mark.line + 1
        raise DataError(
            [Problem(doc.shown, line, str(rid), args.field, f"{why}；允许的字段：{'、'.join(fields)}")]
        )
    value = parse_value(coll, args.field, args.value)
    splices, expected = plan_set(doc, coll, index, args.field, value)
    rid = doc.data[coll][index].get("id")
    return _done(doc, splices, expected, f"已修改 {coll}/{rid} 的 {args.field}")


def cmd_update(args: argparse.Namespace) -> int:
    doc = _doc(args)
    ref = args.pilot if "/" in args.pilot else f"pilots/{args.pilot}"
    coll, index = find_record(doc, ref)
    if coll != "pilots":
        raise EditError(f"进展只能添加到试点；“{args.pilot}”在 {coll} 中；允许：pilots 中的编号")
    item: dict[str, Any] = {}
    if args.date:
        item["date"] = _date_value(args.date.strip())
    if args.period:
        item["period"] = _as_text(args.period)
    item["text"] = _as_text(args.text)
    item["source"] = _as_text(args.source)
    quotes = [_as_text(q) for q in args.quote]
    item["quote"] = quotes[0] if len(quotes) == 1 else quotes
    splices, expected = plan_update(doc, index, item)
    return _done(doc, splices, expected, f"已为 pilots/{doc.data['pilots'][index].get('id')} 添加一条进展")


def cmd_new_id(args: argparse.Namespace) -> int:
    name = args.name.strip()
    if not name:
        raise EditError("名称不能为空；允许：记录的中文名称，如 临淄区河长制改革试点")
    if args.collection not in COLLECTIONS:
        raise _collection_error(args.collection)
    doc = _doc(args)
    records = [r for r in doc.data.get(args.collection) or [] if isinstance(r, dict)]
    naming = REGISTRY[args.collection]
    same = [r.get("id") for r in records if naming.name_in(r) == name]
    if same:
        raise EditError(f"{args.collection} 中已有名为“{name}”的记录：{same[0]}；请直接修改它，不要重复添加")
    print(propose_id(name, {r["id"] for r in records if isinstance(r.get("id"), str)}))
    return 0


def run(func: Any, args: argparse.Namespace) -> int:
    """Run an editor command; every refusal is a message and exit 1, never a traceback."""
    try:
        return func(args)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
    except EditError as exc:
        print(exc, file=sys.stderr)
        if "数据未作任何改动" not in str(exc) and args.cmd != "new-id":
            print("数据未作任何改动。", file=sys.stderr)
    except OSError as exc:
        where = exc.filename or args.data
        print(f"{where}: 无法读写：{exc.strerror or exc}；数据未作任何改动。", file=sys.stderr)
    except KeyboardInterrupt:
        print("已中断；数据未作任何改动。", file=sys.stderr)
        return 130
    return 1


# --- argparse ---------------------------------------------------------------------------

_DATA_HELP = "数据文件 / data file（默认 data/pilots.yaml）"


def _parser(sub: Any, name: str, help_: str, description: str, epilog: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        name,
        help=help_,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data", default=str(DEFAULT_DATA), metavar="PATH", help=_DATA_HELP)
    return p


def register(sub: Any) -> None:
    """Add ``add``, ``set``, ``update`` and ``new-id`` to the subparsers of ``scripts/kb``."""
    p = _parser(
        sub,
        "add",
        "添加记录 / add records",
        "把 FILE 中的记录（YAML 列表，写法同数据文件）添加到集合 COLLECTION。\n"
        "新记录插在编号按字母顺序紧挨着的那条记录之后，其余内容一字不改；\n"
        "校验通过才写入，否则数据文件保持原样并列出问题。\n\n"
        "Add the records of FILE (a YAML list written as in the data file) to COLLECTION.\n"
        "Each record goes right after the record whose id precedes its own alphabetically;\n"
        "nothing else changes. The file is written only if the result validates.",
        "示例 / example:\n  scripts/kb new-id 临淄区河长制改革试点\n  scripts/kb add pilots new-pilot.yaml",
    )
    p.add_argument("collection", metavar="COLLECTION", help="集合 / collection: " + "、".join(COLLECTIONS))
    p.add_argument("file", metavar="FILE", help="记录文件 / file with a YAML list of records")
    p.set_defaults(run=lambda a: run(cmd_add, a))

    p = _parser(
        sub,
        "set",
        "修改一个字段 / change one field",
        "把记录 ID 的字段 FIELD 改为 VALUE。ID 可写成 集合/编号（如 pilots/zichuan-audit），\n"
        "编号在各集合中唯一时也可只写编号。文字字段按原样保存；其他字段按 YAML 读取，\n"
        "列表写作 [甲, 乙]；VALUE 写 null 表示清空该字段。\n\n"
        "Set FIELD of record ID to VALUE. ID is COLLECTION/ID, or a bare ID when unambiguous.\n"
        "Text fields are taken literally; other fields are read as YAML ([a, b] for a list);\n"
        "null removes the field.",
        "示例 / example:\n  scripts/kb set pilots/logistics-standardisation status 推进中\n"
        "  scripts/kb set logistics-standardisation domains '[经济体制, 社会民生]'",
    )
    p.add_argument("id", metavar="ID", help="记录编号 / record id (COLLECTION/ID)")
    p.add_argument("field", metavar="FIELD", help="字段 / field")
    p.add_argument("value", metavar="VALUE", help="新值 / new value")
    p.set_defaults(run=lambda a: run(cmd_set, a))

    p = _parser(
        sub,
        "update",
        "添加一条试点进展 / add a progress update",
        "在试点 PILOT_ID 的进展（updates）末尾添加一条。--text、--source、--quote 必填；\n"
        "--quote 可写多次；原文只有“今年4月份”这类时间时用 --period，不写 --date。\n\n"
        "Append a dated progress update to pilot PILOT_ID. --quote may be repeated;\n"
        "use --period for a time given only in words.",
        "示例 / example:\n  scripts/kb update poverty-reform-experimental-zone --date 2015 \\\n"
        "      --text 全国扶贫改革试验区工作现场会在博山召开 --source zibo-2017-report \\\n"
        "      --quote 2015年全国扶贫改革试验区工作现场会在博山召开",
    )
    p.add_argument("pilot", metavar="PILOT_ID", help="试点编号 / pilot id")
    p.add_argument("--date", help="日期 / date: 2017、2017-04、2017-04-15")
    p.add_argument("--period", help="原文的时间说法 / time as written, e.g. 今年4月份")
    p.add_argument("--text", required=True, help="进展内容 / what happened")
    p.add_argument("--source", required=True, help="来源编号 / source id")
    p.add_argument("--quote", required=True, action="append", help="来源原文 / verbatim quote (repeatable)")
    p.set_defaults(run=lambda a: run(cmd_update, a))

    p = _parser(
        sub,
        "new-id",
        "为中文名称生成编号 / propose an id",
        "为中文名称生成稳定、不冲突的编号：名称的拼音（按词连写，最多 4 个词）加名称的\n"
        "4 位哈希。同一名称在任何分支上得到同一编号；不同名称几乎不会相同，无需共享计数器。\n"
        "若已有记录占用，自动加长哈希；若已有同名记录则报错。\n\n"
        "Propose a stable, free id for a Chinese name: its pinyin by word (up to 4 words)\n"
        "plus 4 hex digits of a hash of the name, so branches never need a shared counter.",
        "示例 / example:\n  scripts/kb new-id 临淄区河长制改革试点\n  scripts/kb new-id 淄博市 --collection areas",
    )
    p.add_argument("name", metavar="NAME", help="中文名称 / the record's name")
    p.add_argument("--collection", default="pilots", help="集合 / collection（默认 pilots）")
    p.set_defaults(run=lambda a: run(cmd_new_id, a))
