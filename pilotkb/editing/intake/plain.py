"""Plain text, and the decoding every text-like report shares (a web page too).

A BOM decides UTF-8 or UTF-16; else a declared encoding (a web page's charset) if the bytes
really are in it; else a strict UTF-8 decode; else charset-normalizer, whose verdict is
accepted only for the GB family (read as GB18030, their superset) and Big5.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from pilotkb.editing.intake import layout
from pilotkb.editing.intake.result import Extraction, refusal
from pilotkb.errors import DataError

ALLOWED = "UTF-8（可带 BOM）、带 BOM 的 UTF-16、GB18030/GBK 或 Big5 编码的文本"

# A byte-order mark decides the encoding: (mark, codec, name shown to the editor).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8（带 BOM）"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE（带 BOM）"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE（带 BOM）"),
)

# Encodings a Chinese text is in, as names say them → (codec that reads all of them, shown).
_CHINESE = {
    "gb18030": ("gb18030", "GB18030"),
    "gbk": ("gb18030", "GB18030"),
    "gb2312": ("gb18030", "GB18030"),
    "x-gbk": ("gb18030", "GB18030"),
    "cp936": ("gb18030", "GB18030"),
    "big5": ("big5hkscs", "Big5"),
    "big5-hkscs": ("big5hkscs", "Big5"),
    "big5hkscs": ("big5hkscs", "Big5"),
    "cp950": ("big5hkscs", "Big5"),
    "utf-8": ("utf-8", "UTF-8"),
    "utf8": ("utf-8", "UTF-8"),
}

# Control characters a text does not have (tab, line and page breaks are text).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ufffe\uffff]")


def _line_at(raw: bytes, offset: int, codec: str = "gb18030") -> int:
    """The line of byte ``offset`` (1-based), counting the line ends of the text before it."""
    return raw[:offset].decode(codec, errors="replace").count("\n") + 1


def _undecodable(shown: str, raw: bytes, exc: UnicodeDecodeError, name: str, codec: str) -> DataError:
    return refusal(
        shown,
        "编码",
        f"文件按 {name} 读取，但第 {exc.start + 1} 字节不是合法的 {name}；允许：{ALLOWED}"
        "（请用编辑器以 UTF-8 另存）",
        _line_at(raw, exc.start, codec),
    )


def decode(raw: bytes, shown: str, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding name): by the BOM, else the declared encoding if the bytes are in it,
    else strict UTF-8, else the detector for GB18030 or Big5."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                exc.start += len(bom)
                raise _undecodable(shown, raw, exc, name, codec) from None
    if b"\x00" in raw:
        where = _line_at(raw, raw.index(b"\x00"))
        raise refusal(shown, "内容", f"文件含有空字节（NUL），是二进制文件而不是文本；允许：{ALLOWED}", where)
    known = _CHINESE.get((declared or "").strip().lower())
    if known:
        try:
            return raw.decode(known[0]), known[1]
        except UnicodeDecodeError:
            pass  # the page says one thing and is another: decide by the bytes
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    found = _CHINESE.get(best.encoding) if best is not None else None
    if best is None or found is None:
        what = (
            "不是 UTF-8，也不像中文的 GB18030/GBK 或 Big5 文本"
            if best is None
            else f"看起来是 {best.encoding} 编码"
        )
        raise refusal(
            shown, "编码", f"无法识别文件的编码（{what}）；允许：{ALLOWED}（请用编辑器以 UTF-8 另存）"
        )
    try:
        return raw.decode(found[0]), found[1]
    except UnicodeDecodeError as exc:
        raise _undecodable(shown, raw, exc, found[1], found[0]) from None


def normalise(text: str) -> str:
    """NFC, every line break (CRLF, CR, …) as ``\\n``, one ``\\n`` at the end."""
    return "\n".join(unicodedata.normalize("NFC", text).splitlines()) + "\n"


def extract(raw: bytes, shown: str) -> Extraction:
    """A text file, stored as it is (NFC, ``\\n`` line ends); ``DataError`` if it is binary."""
    text, encoding = decode(raw, shown)
    if not text.strip():
        raise refusal(shown, "内容", f"文件为空；允许：{ALLOWED}")
    bad = _CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise refusal(
            shown,
            "内容",
            f"含有控制字符 U+{ord(bad.group()):04X}，像是二进制文件而不是文本；允许：{ALLOWED}",
            line,
        )
    text = normalise(text)
    lines = [line for line in text.splitlines() if line.strip()]
    publisher, date = layout.signature(lines)
    first = layout.clean(lines[0]) if lines else ""
    return Extraction(
        text,
        [],
        title=first if 4 <= len(first) <= 60 else None,
        date=date,
        publisher=publisher,
        encoding=encoding,
    )
