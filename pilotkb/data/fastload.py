"""A quick reader for the common case: a valid data file in the plain block style it is written in.

``read(text)`` returns the same plain data as ``load.loads(text).data`` would, or ``None`` as
soon as the text leaves a deliberately small subset of YAML: block mappings with plain keys,
block sequences, single-line plain and quoted scalars, one-line flow lists of plain words,
and simple ``>``/``|`` blocks. Anything else (anchors, aliases, tags, duplicate keys, merge
keys, tabs, odd characters, multi-line plain scalars, syntax errors...) returns ``None``, and
the caller goes through ``load.loads``, which reports the problem at its line. So this reader
never decides what is an error; it only makes the valid case fast (no nodes, no marks, no
per-value line bookkeeping). Plain scalars are typed by PyYAML's own resolver, so
``yes``, ``012`` or ``2017-04-15`` come out exactly as the full loader gives them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from pilotkb.data.load import PLAIN_SCALAR_TAGS, plain_scalar

# Characters whose YAML meaning differs between libyaml and a line reader (tabs, the YAML 1.1
# line breaks NEL/LS/PS, byte-order marks, controls): their presence sends the file to the
# full loader.
_AWKWARD = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?")
_SINGLE = re.compile(r"'((?:[^']|'')*)'(?: +#.*)? *")
_DOUBLE = re.compile(r'"([^"\\]*)"(?: +#.*)? *')
_FLOW = re.compile(r"\[([^\[\]{}#'\"]*)\](?: +#.*)? *")
_BLOCK_HEADERS = {">-": (" ", ""), ">": (" ", "\n"), "|-": ("\n", ""), "|": ("\n", "\n")}
# First characters a plain scalar may not start with here (YAML indicators; "-" is checked apart).
_NOT_PLAIN_START = set("?:,[]{}#&*!|>'\"%@`")
_NOT_SIMPLE_START = _NOT_PLAIN_START | {"-"}

_resolver = yaml.resolver.Resolver()
_RESOLVED_FIRST = set(yaml.resolver.Resolver.yaml_implicit_resolvers)


class _Leave(Exception):
    """The text is outside the subset: use the full loader."""


def read(text: str) -> Any | None:
    """The file's plain data, or ``None`` when the full loader must read it."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if _AWKWARD.search(text):
        return None
    try:
        return _Reader(text.split("\n")).document()
    except (_Leave, RecursionError):  # very deep nesting: the full loader decides too
        return None


# a key at the start of a line (column 0): a collection of the file
_TOP_KEY = re.compile(r"\n([A-Za-z_][A-Za-z0-9_]*):")
# the first line of a section that is neither blank nor a comment
_CONTENT_LINE = re.compile(r"\n( *)(?=[^ \n#])")


def item_lines(text: str, data: dict[str, Any]) -> dict[tuple[str, int], int]:
    """The line (1-based) where each item of each top-level list of ``data`` starts, keyed as
    the full loader keys them in ``Located.lines``: ``(collection, index)``.

    Only for a text that ``read`` accepted (``data`` is what it returned): in that subset the
    items of a top-level list are exactly the lines that start with its marker (``- `` at the
    items' indentation), since everything inside an item is indented further and comments
    start with ``#``; an item whose marker line holds nothing else starts on the next line.
    A list whose markers do not match its items one for one gets no lines.
    Two C-speed scans and a count of line breaks, no per-line Python loop.
    """
    text = "\n" + text.replace("\r\n", "\n")
    keys = [(m.start(), m.group(1)) for m in _TOP_KEY.finditer(text)]
    ends = [start for start, _ in keys[1:]] + [len(text)]
    out: dict[tuple[str, int], int] = {}
    for (start, key), end in zip(keys, ends, strict=True):
        items = data.get(key)
        first = _CONTENT_LINE.search(text, text.find("\n", start + 1), end) if items else None
        if not isinstance(items, list) or first is None:
            continue
        marker = "\n" + first.group(1) + "- "
        starts = [m.start() for m in re.compile(re.escape(marker)).finditer(text, start, end)]
        if len(starts) != len(items):
            continue
        line, pos, width = 0, 0, len(marker)
        for i, at in enumerate(starts):  # ``at`` is the line break before the item's line
            if text[at + width : at + width + 1] in ("", "\n", " ", "#"):  # rare: look closer
                eol = text.find("\n", at + 1)
                rest = text[at + width : len(text) if eol == -1 else eol].lstrip(" ")
                if not rest or rest[0] == "#":  # "- # note": the item starts on the next line
                    at = _CONTENT_LINE.search(text, eol).start()
            line += text.count("\n", pos, at + 1)
            pos = at + 1
            out[(key, i)] = line
    return out


def _plain(value: str, seen: dict[str, Any] | None = None) -> Any:
    """A plain scalar, typed as PyYAML types it; leaves on a tag the full loader refuses."""
    if value[:1] not in _RESOLVED_FIRST:
        return value
    if seen is not None:
        if value not in seen:  # keys such as "name" and years repeat on every record
            seen[value] = _plain(value)
        return seen[value]
    tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
    if tag not in PLAIN_SCALAR_TAGS:
        raise _Leave  # e.g. "=" or "<<"
    return plain_scalar(tag, value)  # dates stay as written, like the full loader


def _plain_word(word: str, seen: dict[str, Any]) -> Any:
    """One item of a one-line flow list ``[a, b]``."""
    word = word.strip(" ")
    if not word or word[0] in _NOT_PLAIN_START or ":" in word or (word[0] == "-" and word[1:2] in ("", " ")):
        raise _Leave
    return _plain(word, seen)


class _Reader:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.i = 0  # index of the current line
        self.n = len(lines)
        self.seen: dict[str, Any] = {}  # plain scalar -> its value
        self.keys: dict[str, str] = {}  # key as written -> key

    # --- lines --------------------------------------------------------------------------

    def next_content(self) -> int:
        """Move to the next line that is neither blank nor a comment; its indent, or -1 at the end."""
        lines, i, n = self.lines, self.i, self.n
        while i < n:
            line = lines[i]
            body = line.lstrip(" ")
            if body and body[0] != "#":
                self.i = i
                return len(line) - len(body)
            i += 1
        self.i = n
        return -1

    # --- structure ----------------------------------------------------------------------

    def document(self) -> Any:
        indent = self.next_content()
        if indent != 0 or self.lines[self.i].startswith(("---", "...", "%")):
            raise _Leave  # empty, indented or with document markers: the full loader decides
        data = self.block(0)
        if self.next_content() != -1:
            raise _Leave
        return data

    def block(self, indent: int) -> Any:
        body = self.lines[self.i][indent:]
        if body[:2] == "- " or body == "-":
            return self.sequence(indent)
        return self.mapping(indent, body)

    def key(self, word: str) -> str:
        """A mapping key as YAML reads it; leaves on keys read as numbers, true/false or null."""
        key = self.keys.get(word)
        if key is None:
            key = _plain(word, self.seen)
            if not isinstance(key, str) or len(word) > 200:
                raise _Leave
            self.keys[word] = key
        return key

    def mapping(self, indent: int, body: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        lines, n, seen, match = self.lines, self.n, self.seen, _KEY.fullmatch
        while True:
            m = match(body)
            if m is None:
                raise _Leave
            word, rest = m.groups()
            key = self.key(word)
            if key in out:
                raise _Leave  # a duplicate key: the full loader reports it
            if (
                rest
                and rest[0] not in _NOT_SIMPLE_START
                and ": " not in rest
                and " #" not in rest
                and rest[-1] != " "
            ):
                # the common line "key: words", inline (same result as ``value``)
                if rest[-1] == ":":
                    raise _Leave
                out[key] = _plain(rest, seen) if rest[0] in _RESOLVED_FIRST else rest
                i = self.i + 1
            else:
                out[key] = self.value(rest, indent)
                i = self.i
            while i < n:  # to the next content line (``next_content``, inline)
                line = lines[i]
                body = line.lstrip(" ")
                if body and body[0] != "#":
                    break
                i += 1
            else:
                self.i = n
                return out
            self.i = i
            here = len(line) - len(body)
            if here < indent:
                return out
            if here > indent:
                raise _Leave

    def sequence(self, indent: int) -> list[Any]:
        out: list[Any] = []
        lines = self.lines
        while True:
            line = lines[self.i]
            if line[indent : indent + 2] != "- ":
                raise _Leave  # "-" alone: the full loader decides
            item = line[indent + 2 :]
            col = indent + 2 + len(item) - len(item.lstrip(" "))
            item = item.lstrip(" ")
            if item[:2] == "- " or item == "-":
                raise _Leave  # a nested sequence on one line
            first = item[:1]
            if first and first not in _NOT_SIMPLE_START and _KEY.fullmatch(item):
                out.append(self.mapping(col, item))
            elif (
                first
                and first not in _NOT_SIMPLE_START
                and ": " not in item
                and " #" not in item
                and item[-1] not in " :"
            ):
                # the common item "- words", inline (same result as ``value``)
                out.append(_plain(item, self.seen) if first in _RESOLVED_FIRST else item)
                self.i += 1
            else:
                out.append(self.value(item, indent, False))
            nxt = self.next_content()
            if nxt > indent:
                raise _Leave
            if nxt < indent or lines[self.i][indent] != "-":
                return out  # the parent decides whether the line belongs to it

    def value(self, rest: str | None, indent: int, in_map: bool = True) -> Any:
        """The value after ``key:`` or ``- ``; ``indent`` is that of its mapping or sequence."""
        self.i += 1
        if not rest or rest[0] == "#":
            # nothing on the line: a nested block, a compact list, or null
            nxt = self.next_content()
            if nxt > indent:
                return self.block(nxt)
            if in_map and nxt == indent and self.lines[self.i][indent : indent + 2] == "- ":
                return self.sequence(indent)
            return None
        first = rest[0]
        if first == "'":
            m = _SINGLE.fullmatch(rest)
            if m is None:
                raise _Leave
            return m.group(1).replace("''", "'")
        if first == '"':
            m = _DOUBLE.fullmatch(rest)
            if m is None:
                raise _Leave
            return m.group(1)
        if first == "[":
            m = _FLOW.fullmatch(rest)
            if m is None:
                raise _Leave
            inner = m.group(1)
            if not inner.strip(" "):
                return []
            return [_plain_word(w, self.seen) for w in inner.split(",")]
        if first in "|>":
            return self.block_scalar(rest, indent)
        if first in _NOT_PLAIN_START or (first == "-" and rest[1:2] in ("", " ")):
            raise _Leave
        cut = rest.find(" #")
        if cut >= 0:
            rest = rest[:cut]
        rest = rest.rstrip(" ")
        if ": " in rest or rest[-1] == ":":
            raise _Leave
        return _plain(rest, self.seen)

    def block_scalar(self, header: str, indent: int) -> str:
        join, end = _BLOCK_HEADERS.get(header.rstrip(" "), (None, None))
        if join is None:
            raise _Leave  # indentation indicators, keep chomping, comments after the header
        lines, i, n = self.lines, self.i, self.n
        first = lines[i] if i < n else ""
        body = first.lstrip(" ")
        width = len(first) - len(body)
        if not body or width <= indent:
            raise _Leave  # empty block or blank first line: the full loader decides
        content: list[str] = []
        blank = False
        last = i
        while i < n:
            line = lines[i]
            stripped = line.lstrip(" ")
            here = len(line) - len(stripped)
            if not stripped:
                if len(line) > width:
                    raise _Leave  # spaces beyond the indentation may be content
                blank = True
            elif here < width:
                break
            elif here > width or blank:
                raise _Leave  # more-indented lines or blank lines inside: YAML folds them specially
            else:
                content.append(line[width:])
                last = i
            i += 1
        self.i = i
        if last == n - 1:
            end = ""  # the file ends without a line break after the block's last line
        return join.join(content) + end
