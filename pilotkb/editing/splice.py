"""The round-trip text splicer: change a few lines of the data file, keep every other byte.

Only the lines of the changed region are replaced; comments, blank lines, quotes and folded
text elsewhere stay as they were. New text is rendered by ruamel.yaml's round-trip dumper
configured like the data file (sequences indented 4 with the dash at 2, no re-wrapping), so a
record from FILE keeps its own comments and quoting. Positions come from PyYAML's composed
nodes (the C parser reads the file in milliseconds where ruamel's round-trip loader takes
seconds).

Before writing, the spliced text is read back and compared with the intended data, then
validated by ``pilotkb.data.validate.validate_file`` as a temporary file beside the data file
(source files resolve relative to it); only a valid result replaces the file, atomically.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML

from pilotkb.data.load import compose_yaml, decode_text, display_name, loads
from pilotkb.data.registry import MODELS
from pilotkb.editing.refusal import EditError
from pilotkb.errors import DataError
from pilotkb.files import read_input, write_atomic

# --- rendering with ruamel.yaml ---------------------------------------------------


def round_trip_yaml() -> YAML:
    """ruamel.yaml configured like ``data/pilots.yaml`` (a no-op load + dump gives its bytes)."""
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 1_000_000  # never re-wrap long Chinese lines
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def render_lines(key: str, value: Any, indent: int, *, body_only: bool = False) -> list[str]:
    """``key: value`` as block YAML lines (no line ends), indented by ``indent`` spaces."""
    buf = io.StringIO()
    round_trip_yaml().dump({key: value}, buf)
    lines = buf.getvalue().splitlines()
    if body_only:
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines.pop()
    return [(" " * indent + ln) if ln.strip() else "" for ln in lines]


def read_rendered(lines: list[str], column: int, key: str) -> Any:
    """What the data file's reader makes of rendered ``key: …`` lines indented by ``column``."""
    return loads("\n".join(ln[column:] for ln in lines) + "\n").data[key]


# --- the data file and positions in it ----------------------------------------------


@dataclass
class YamlDocument:
    """The data file as text, as PyYAML's node tree (positions) and as plain data."""

    path: Path
    shown: str  # the name messages use
    raw: bytes  # to notice another program changing the file meanwhile
    bom: bool
    text: str
    lines: list[str]  # with line ends
    nl: str
    root: yaml.MappingNode
    data: dict[str, Any]


def open_document(path: Path) -> YamlDocument:
    shown = display_name(path)
    if not path.exists() and not path.is_symlink():
        raise EditError(f"{shown}: 数据文件不存在；允许：用 --data 指定数据文件，默认 data/pilots.yaml")
    raw = read_input(path, shown)  # refuses a FIFO, a device or a folder, and caps the size
    text = decode_text(raw, shown)
    located = loads(text, shown)
    if not isinstance(located.data, dict):
        raise EditError(f"{shown}:1: 文件顶层应为映射；请先运行 scripts/kb check 修正")
    root = compose_yaml(text)
    lines = text.splitlines(keepends=True)
    nl = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    bom = raw.startswith(b"\xef\xbb\xbf")
    return YamlDocument(path, shown, raw, bom, text, lines, nl, root, located.data)


def rebased(doc: YamlDocument, text: str) -> YamlDocument:
    """``doc`` with ``text`` in place of its text (an edit planned on top of another, not yet
    written); it keeps the bytes read from disk, so ``commit`` still notices another writer."""
    located = loads(text, doc.shown)
    lines = text.splitlines(keepends=True)
    return replace(doc, text=text, lines=lines, root=compose_yaml(text), data=located.data)


def mapping_pairs(node: yaml.Node) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def key_pair(node: yaml.Node, key: str) -> tuple[yaml.ScalarNode, yaml.Node] | None:
    """The (key node, value node) of ``key`` in a mapping node, if it has that key."""
    for k, v in mapping_pairs(node):
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def last_content_line(node: yaml.Node) -> int:
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
    return max([node.start_mark.line, *(last_content_line(c) for c in children)])


def end_after(doc: YamlDocument, node: yaml.Node) -> int:
    """Line index just after the content of ``node`` (trailing blank lines excluded)."""
    last = last_content_line(node)
    while last > node.start_mark.line and not doc.lines[last].strip():
        last -= 1  # a folded scalar's end mark includes the blank lines after it
    return last + 1


def is_empty(node: yaml.Node) -> bool:
    """``key:`` with nothing after it, or ``key: []``."""
    if isinstance(node, yaml.ScalarNode):
        return node.tag.endswith(":null")
    return isinstance(node, yaml.SequenceNode) and not node.value


def blank_separated(doc: YamlDocument, items: list[yaml.Node]) -> bool:
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


def apply_splices(doc: YamlDocument, splices: list[Splice]) -> str:
    lines = list(doc.lines)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += doc.nl  # an inserted line after the last one needs a line end before it
    for s in sorted(splices, key=lambda s: (s.start, s.end), reverse=True):
        lines[s.start : s.end] = [ln + doc.nl for ln in s.lines]
    return "".join(lines)


def _check_intended(doc: YamlDocument, text: str, expected: dict[str, Any]) -> None:
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


def commit(doc: YamlDocument, text: str, expected: dict[str, Any]) -> None:
    """Validate ``text`` as the new data file and replace the file atomically if it is valid."""
    from pilotkb.data.validate import validate_file

    _check_intended(doc, text, expected)
    data = (b"\xef\xbb\xbf" if doc.bom else b"") + text.encode("utf-8")

    def check(tmp: Path) -> None:
        try:
            validate_file(tmp)
        except DataError as exc:
            # the problems name the temporary file; the editor knows the data file
            shown_tmp = display_name(tmp)
            raise DataError(
                [replace(p, file=doc.shown) if p.file == shown_tmp else p for p in exc.problems]
            ) from None
        if read_input(doc.path, doc.shown) != doc.raw:
            raise EditError(f"{doc.shown}: 文件在修改期间被别的程序改动了，已放弃；请重新运行命令")

    write_atomic(doc.path, data, mode=doc.path.stat().st_mode & 0o7777, check=check)


# --- finding records ------------------------------------------------------------------


def unknown_collection(name: str) -> EditError:
    return EditError(f"未知的集合“{name}”；允许：{'、'.join(MODELS)}")


def find_record(doc: YamlDocument, ref: str) -> tuple[str, int]:
    """``COLLECTION/ID`` or a bare ID unique across collections -> (collection, index)."""
    coll, sep, rid = ref.partition("/")
    if not sep:
        coll, rid = "", ref
    elif coll not in MODELS:
        raise unknown_collection(coll)
    scope = [coll] if coll else list(MODELS)
    hits = [
        (c, i)
        for c in scope
        for i, rec in enumerate(doc.data.get(c) or [])
        if isinstance(rec, dict) and rec.get("id") == rid
    ]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        where = "、".join(c for c, _ in hits)
        raise EditError(f"编号“{rid}”在 {where} 中都有；允许：写成 集合/编号，如 {hits[0][0]}/{rid}")
    known = [
        r["id"]
        for c in scope
        for r in (doc.data.get(c) or [])
        if isinstance(r, dict) and isinstance(r.get("id"), str)
    ]
    near = difflib.get_close_matches(rid, known, n=3, cutoff=0.6)
    hint = f"（相近的编号：{'、'.join(near)}）" if near else ""
    raise EditError(
        f"编号“{rid}”在{coll or '任何集合'}中不存在{hint}；允许：已有记录的编号，可写成 集合/编号"
    )


def record_node(doc: YamlDocument, coll: str, index: int) -> yaml.MappingNode:
    pair = key_pair(doc.root, coll)
    assert pair is not None and isinstance(pair[1], yaml.SequenceNode)
    node = pair[1].value[index]
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise EditError(f"{doc.shown}:{node.start_mark.line + 1}: 这条记录不是块状映射，无法自动修改")
    return node


def key_region(doc: YamlDocument, rec: yaml.MappingNode, key: str) -> tuple[int, int, int] | None:
    """(first line, line after, column) of ``key: value`` in a record."""
    pair = key_pair(rec, key)
    if pair is None:
        return None
    k, v = pair
    return k.start_mark.line, end_after(doc, v), k.start_mark.column
