"""One version of the data file, cut into record chunks so that only changed records are parsed.

Parsing a whole version is slow (a 13 MB file takes ~3 s to load). The file is written in
a block layout: top-level ``collection:`` keys, items starting with ``- `` at the
collection's indentation, each item's text holding its ``id``. ``split_records`` cuts a
version along that layout with C-speed scans; two versions are then compared chunk by
chunk as bytes, and only chunks whose text changed are parsed. A version whose layout
cannot be cut that way is parsed whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from pilotkb.data.load import parse_yaml
from pilotkb.data.registry import FILE_ORDER

# one scan for every collection key at column 0 (a regex starting with a literal newline is
# searched fast; a "^" pattern in MULTILINE mode is tried at every byte)
_COLLECTION_KEY = re.compile(rb"\n(" + b"|".join(n.encode() for n in FILE_ORDER) + rb"):(?=[ \t\r\n]|$)")
_ID_LINE = re.compile(rb"""^[ -]*id:[ \t]*['"]?([^\s'"#]+)""", re.M)

# records of one version by collection and id, as plain mappings
Records = dict[str, dict[str, dict[str, Any]]]


@dataclass
class Section:
    """The items of one collection: each item's text after its marker, by id."""

    marker: bytes  # what starts each item, e.g. b"\n  - "
    items: dict[str, bytes]


Version = dict[str, Section]


def split_records(text: bytes) -> Version | None:
    """Cut one version of the data file into ``{collection: Section}``.

    Collection keys are found with one regex scan for ``\\n<collection>:`` and items by
    their marker (``\\n- `` or ``\\n  - ``): C-speed scans, no per-line Python loop. Returns
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
            version[name] = Section(b"", {})
            continue
        if rest:
            return None  # a flow collection on the key's line, or another key: parse whole
        section = _split_section(text, eol, end)
        if section is None:
            return None
        version[name] = section
    return version


def _split_section(text: bytes, pos: int, end: int) -> Section | None:
    """The items between ``pos`` (the newline ending ``name:``) and ``end``."""
    # the first line that is not blank or a comment sets the items' indentation
    while True:
        if pos >= end:
            return Section(b"", {})
        nl = text.find(b"\n", pos + 1, end)
        line = text[pos + 1 : end if nl == -1 else nl].rstrip(b"\r")
        body = line.lstrip(b" ")
        if body and not body.startswith(b"#"):
            break
        if nl == -1:
            return Section(b"", {})
        pos = nl
    if not body.startswith(b"- "):
        return None  # flow style or something unexpected
    marker = b"\n" + line[: len(line) - len(body)] + b"- "
    section = text[pos:end]
    pieces = section.split(marker)[1:]
    ids = re.findall(re.escape(marker) + rb"""id:[ \t]*['"]?([^\s'"#]+)""", section)
    if len(ids) == len(pieces):  # every item starts with its id, as editors write them
        return Section(
            marker, dict(zip(b"\0".join(ids).decode("utf-8", "replace").split("\0"), pieces, strict=True))
        )
    items: dict[str, bytes] = {}
    for piece in pieces:
        m = _ID_LINE.search(piece)
        if m is None:
            return None
        items[m.group(1).decode("utf-8", "replace")] = piece
    return Section(marker, items)


def _parse_chunk(chunk: bytes) -> dict[str, Any] | None:
    try:
        value = parse_yaml(chunk)
    except yaml.YAMLError:
        return None
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0]
    return None


def _parse_whole(text: bytes) -> Records:
    try:
        return records_of(parse_yaml(text))
    except yaml.YAMLError:
        return {}


def records_of(data: Any) -> Records:
    """The records of plain data by collection and id (records without an id left out)."""
    out: Records = {}
    if not isinstance(data, dict):
        return out
    for name in FILE_ORDER:
        items = data.get(name) or []
        if isinstance(items, list):
            out[name] = {str(r["id"]): r for r in items if isinstance(r, dict) and "id" in r}
    return out


class Snapshot:
    """One version (None: the file did not exist): record chunks when the layout allows,
    else the whole parsed data."""

    def __init__(self, text: bytes | None):
        self.text = text
        self.chunks: Version | None = {} if text is None else split_records(text)
        self.parsed: Records | None = None

    @classmethod
    def of(cls, data: Any) -> Snapshot:
        """A version already read (by ``kb check``'s readers): its plain data."""
        snap = cls(None)
        snap.text, snap.chunks, snap.parsed = None, None, records_of(data)
        return snap

    def whole(self) -> Records:
        if self.parsed is None:
            self.parsed = _parse_whole(self.text) if self.text is not None else {}
        return self.parsed

    def ids(self, coll: str) -> dict[str, Any]:
        """The collection's records by id: chunk texts (bytes) or parsed records."""
        if self.chunks is not None:
            section = self.chunks.get(coll)
            return section.items if section else {}
        return self.whole().get(coll, {})

    def record(self, coll: str, rid: str) -> dict[str, Any] | None:
        """One record, parsed (None when it is absent or not a mapping)."""
        if self.chunks is not None:
            section = self.chunks.get(coll)
            piece = section.items.get(rid) if section else None
            if piece is not None and section is not None:
                rec = _parse_chunk(section.marker[1:] + piece)
                if rec is not None and str(rec.get("id")) == rid:
                    return rec
            # a chunk that does not parse alone (an unusual layout): parse this version whole
        return self.whole().get(coll, {}).get(rid)
