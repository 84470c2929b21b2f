"""Read ``data/pilots.yaml`` safely, keeping the line of every value.

The YAML is composed into nodes (never constructed by PyYAML), then turned into plain
Python values by hand, so that:

* every mapping key and list item keeps its line number (``Located.lines``);
* duplicate keys, which PyYAML silently overwrites, are reported;
* anchors and aliases are refused, so an alias bomb costs nothing;
* any tag other than the plain YAML types (``!!python/...``, ``!custom``) is refused;
* dates stay as written (``2017-04-15`` is a string, not a ``datetime.date``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pilotkb.errors import DataError, Problem
from pilotkb.files import read_input

DataPath = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
# The scalar types a data file may hold; any other tag is refused (it could build objects).
PLAIN_SCALAR_TAGS = frozenset(f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp"))
_SEQ = f"{_CORE}seq"
_MAP = f"{_CORE}map"

# The one choice of YAML loader for the package (editing and history read with it too):
# libyaml is several times faster; both keep marks.
YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_constructor = yaml.constructor.SafeConstructor()


def plain_scalar(tag: str, text: str) -> Any:
    """The value of a scalar of one of ``PLAIN_SCALAR_TAGS``, typed as PyYAML's safe loader
    types it, except that dates stay as written (``2017-04-15`` is a string)."""
    if tag.endswith(":str") or tag.endswith(":timestamp"):
        return text
    if tag.endswith(":null"):
        return None
    node = yaml.ScalarNode(tag, text)
    if tag.endswith(":bool"):
        return _constructor.construct_yaml_bool(node)
    if tag.endswith(":int"):
        return _constructor.construct_yaml_int(node)
    return _constructor.construct_yaml_float(node)


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of a YAML text (with marks), read with the package's loader."""
    return yaml.compose(text, Loader=YAML_LOADER)


def marker_lines(text: str) -> dict[str, list[int]]:
    """The lines (1-based) of YAML's anchors (&), aliases (*) and tags (!) in ``text``: what
    the data file refuses. Only scanned when one of their characters occurs at all."""
    found: dict[str, list[int]] = {"anchor": [], "alias": [], "tag": []}
    if not any(ch in text for ch in "&*!"):
        return found
    kinds = {yaml.AnchorToken: "anchor", yaml.AliasToken: "alias", yaml.TagToken: "tag"}
    try:
        for token in yaml.scan(text, Loader=YAML_LOADER):
            kind = kinds.get(type(token))
            if kind:
                found[kind].append(token.start_mark.line + 1)
    except yaml.YAMLError:
        pass  # a syntax error is reported by the composer, at its own line
    return found


def parse_yaml(text: str | bytes) -> Any:
    """Plain data from a YAML text, read with the package's (safe) loader."""
    return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader


@dataclass
class Located:
    """Plain data plus the line (1-based) of each path in it."""

    data: Any
    lines: dict[DataPath, int] = field(default_factory=dict)
    file: str = ""
    # problems of form found while reading: (path, line, message)
    problems: list[tuple[DataPath, int, str]] = field(default_factory=list)

    def line(self, path: DataPath) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def collapse_space(text: str) -> str:
    """Every run of whitespace as one space: how quotes are compared with their source."""
    return " ".join(text.split())


def display_name(path: Path) -> str:
    """The file name as shown in messages: relative to the working directory if possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_text(path: Path, shown: str) -> str:
    """The data file's text: a regular file of at most the input limit, UTF-8 (BOM allowed)."""
    return decode_text(read_input(path, shown), shown)


def decode_text(raw: bytes, shown: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [
                Problem(
                    shown,
                    line,
                    "(文件)",
                    "编码",
                    f"第 {exc.start + 1} 字节不是合法的 UTF-8；允许：UTF-8 编码的文本"
                    "（请用编辑器以 UTF-8 另存）",
                )
            ]
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise DataError(
            [
                Problem(
                    shown,
                    1,
                    "(文件)",
                    "(全部)",
                    "文件为空；允许：以 sources、pilots 等集合为键的 YAML 映射",
                )
            ]
        )
    return text


def load(path: Path | str) -> Located:
    """Load the data file, or raise ``DataError`` listing every problem of its form."""
    path = Path(path)
    shown = display_name(path)
    return loads(read_text(path, shown), shown)


def loads(text: str, shown: str = "<string>") -> Located:
    try:
        node = compose_yaml(text)
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote or bracket is reported at the end of the file; its start is
        # where the editor has to look.
        scanning = bool(exc.context and exc.context.startswith("while scanning"))
        mark = (exc.context_mark if scanning else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        other = exc.problem_mark if scanning else exc.context_mark
        if other is not None and other.line + 1 != line:
            what += f"（相关位置：第 {other.line + 1} 行）"
        raise DataError(
            [
                Problem(
                    shown,
                    line,
                    "(文件)",
                    "YAML 语法",
                    f"{what}；允许：合法的 YAML（检查缩进、冒号后的空格和引号是否成对）",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(shown, 1, "(文件)", "YAML 语法", str(exc))]) from None
    if node is None:
        raise DataError(
            [
                Problem(
                    shown, 1, "(文件)", "(全部)", "文件为空；允许：以 sources、pilots 等集合为键的 YAML 映射"
                )
            ]
        )
    builder = _Builder()
    data = builder.build(node, ())
    for line in marker_lines(text)["anchor"]:
        builder.problem_at(line, ANCHOR_MESSAGE)
    return Located(data, builder.lines, shown, builder.problems)


ANCHOR_MESSAGE = "不允许使用锚点和别名（& 与 *），以免被用来成倍膨胀数据；允许：把内容直接写出"


class _Builder:
    def __init__(self) -> None:
        self.lines: dict[DataPath, int] = {(): 1}
        self.problems: list[tuple[DataPath, int, str]] = []
        self.seen: set[int] = set()

    def problem(self, node: yaml.Node, path: DataPath, message: str) -> None:
        line = node.start_mark.line + 1
        if any(p_line == line and msg == message for _, p_line, msg in self.problems):
            return  # one report per line for the same mistake (e.g. many aliases on a line)
        self.problems.append((path, line, message))

    def problem_at(self, line: int, message: str) -> None:
        """A problem known by its line only: reported at the deepest value on that line."""
        paths = [path for path, at in self.lines.items() if at == line]
        path = max(paths, key=len) if paths else ()
        if any(p_line == line and msg == message for _, p_line, msg in self.problems):
            return
        self.problems.append((path, line, message))

    def build(self, node: yaml.Node, path: DataPath) -> Any:
        if id(node) in self.seen:
            self.problem(node, path, ANCHOR_MESSAGE)
            return None
        self.seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.problem(node, path, f"不允许的标签 {_short_tag(node.tag)}；允许：普通列表")
                return None
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self.problem(node, path, f"不允许的标签 {_short_tag(node.tag)}；允许：普通映射")
                return None
            out: dict[Any, Any] = {}
            first_line: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == f"{_CORE}merge":
                    self.problem(key_node, path, "键必须是普通文字；不允许合并键（<<）或复合键")
                    continue
                key = self.scalar(key_node, path)
                if not isinstance(key, str):
                    key = str(key)
                child = (*path, key)
                if key in out:
                    self.problem(
                        key_node,
                        child,
                        f"重复的键（第 {first_line[key]} 行已有同名键，YAML 只会保留后一个）；"
                        "允许：每个键只出现一次",
                    )
                    continue
                first_line[key] = key_node.start_mark.line + 1
                self.lines[child] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, child)
            return out
        self.problem(node, path, "无法识别的 YAML 结构")  # pragma: no cover
        return None

    def scalar(self, node: yaml.ScalarNode, path: DataPath) -> Any:
        tag = node.tag
        if tag not in PLAIN_SCALAR_TAGS:
            self.problem(
                node,
                path,
                f"不允许的标签 {_short_tag(tag)}（可能执行代码或构造对象）；允许：文字、数字、日期、true/false",
            )
            return None
        return plain_scalar(tag, node.value)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
