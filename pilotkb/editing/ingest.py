"""``scripts/kb source add``: take in the text of a new report as a source.

The press office receives a report as a text file, often in GB18030. The text is decoded
(a BOM decides UTF-8 or UTF-16; else a strict UTF-8 decode; else charset-normalizer, whose
verdict is accepted only for the GB family, read as GB18030, their superset), refused if it
is a binary or a word-processor file, and stored as UTF-8, NFC, with ``\\n`` line ends in
``data/sources/<id>.txt``, where ``<id>`` is the id ``new-id`` proposes for the title. A text
that is already a source (in whatever encoding it was) is refused.

The source record goes through the same plan, validation and atomic commit as ``kb add``.
The text file is written first, since validation reads it; if the data file is not written,
the text file is removed again, so a refusal leaves ``data/`` as it was.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilotkb.data.load import collapse_space, display_name
from pilotkb.editing.commands import save
from pilotkb.editing.ids import propose_id
from pilotkb.editing.plan import plan_add
from pilotkb.editing.refusal import EditError
from pilotkb.editing.splice import YamlDocument, open_document
from pilotkb.editing.values import as_read, as_text, date_value
from pilotkb.errors import DataError, Problem
from pilotkb.files import read_input, write_atomic

SOURCES_FOLDER = "sources"  # beside the data file; a source's ``file`` is relative to that folder's parent

ALLOWED = "UTF-8（可带 BOM）、带 BOM 的 UTF-16 或 GB18030/GBK 编码的纯文本文件"

# A byte-order mark decides the encoding: (mark, codec, name shown to the editor).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8（带 BOM）"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE（带 BOM）"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE（带 BOM）"),
)

# What charset-normalizer may name for a text read as GB18030 (which contains GBK and GB2312).
_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312"})

# The first bytes of files that are not text: what they are, and how to get the text out.
_OFFICE = "在 Word 或 WPS 中选“另存为”，保存类型选“纯文本”，保存后再收录"
_PICTURE = "收录报告的文字，而不是扫描件或图片"
_SIGNATURES = (
    (b"PK\x03\x04", "一份 Word 文档（.docx）或其他压缩文件", _OFFICE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "一份旧版 Word 文档（.doc）或 WPS、Excel 文件", _OFFICE),
    (b"{\\rtf", "一份 RTF 文档", _OFFICE),
    (b"%PDF-", "一份 PDF 文件", "把正文复制到文本文件中保存后再收录"),
    (b"\x89PNG\r\n\x1a\n", "一张 PNG 图片", _PICTURE),
    (b"\xff\xd8\xff", "一张 JPEG 图片", _PICTURE),
    (b"GIF8", "一张 GIF 图片", _PICTURE),
)
_HTML_STARTS = ("<!doctype html", "<html")

# Control characters a text does not have (tab, line and page breaks are text).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ufffe\uffff]")


@dataclass(frozen=True)
class Report:
    """A report's text as it will be stored, and the encoding it was read in."""

    text: str  # NFC, "\n" line ends, ending with one
    encoding: str  # as shown to the editor: GB18030, UTF-8, …

    @property
    def key(self) -> str:
        """What two texts must share to be the same report: the text, whitespace collapsed."""
        return collapse_space(self.text)


# --- reading and decoding ---------------------------------------------------------------


def _refuse(shown: str, line: int, field: str, message: str) -> DataError:
    return DataError([Problem(shown, line, "(文件)", field, message)])


def _line_at(raw: bytes, offset: int, codec: str = "gb18030") -> int:
    """The line of byte ``offset`` (1-based), counting the line ends of the text before it."""
    return raw[:offset].decode(codec, errors="replace").count("\n") + 1


def _undecodable(shown: str, raw: bytes, exc: UnicodeDecodeError, name: str, codec: str) -> DataError:
    return _refuse(
        shown,
        _line_at(raw, exc.start, codec),
        "编码",
        f"文件按 {name} 读取，但第 {exc.start + 1} 字节不是合法的 {name}；允许：{ALLOWED}"
        "（请用编辑器以 UTF-8 另存）",
    )


def _decode(raw: bytes, shown: str) -> tuple[str, str]:
    """(text, encoding name): by the BOM, else strict UTF-8, else the detector for GB18030."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                exc.start += len(bom)
                raise _undecodable(shown, raw, exc, name, codec) from None
    if b"\x00" in raw:
        where = _line_at(raw, raw.index(b"\x00"))
        raise _refuse(shown, where, "内容", f"文件含有空字节（NUL），是二进制文件而不是文本；允许：{ALLOWED}")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise _refuse(
            shown,
            1,
            "编码",
            f"无法识别文件的编码（不是 UTF-8，也不像中文的 GB18030/GBK 文本）；允许：{ALLOWED}",
        )
    if best.encoding not in _GB_FAMILY:
        raise _refuse(
            shown,
            1,
            "编码",
            f"文件看起来是 {best.encoding} 编码，不是 UTF-8 或 GB18030/GBK；允许：{ALLOWED}（请用编辑器以 UTF-8 另存）",
        )
    try:
        return raw.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise _undecodable(shown, raw, exc, "GB18030", "gb18030") from None


def normalise(text: str) -> str:
    """NFC, every line break (CRLF, CR, …) as ``\\n``, one ``\\n`` at the end."""
    return "\n".join(unicodedata.normalize("NFC", text).splitlines()) + "\n"


def decode_report(raw: bytes, shown: str) -> Report:
    """The report's text, or ``DataError`` saying why it is not a text this command takes."""
    for magic, what, hint in _SIGNATURES:
        if raw.startswith(magic):
            raise _refuse(shown, 1, "格式", f"这是{what}，不是纯文本；允许：{ALLOWED}（{hint}）")
    text, encoding = _decode(raw, shown)
    if not text.strip():
        raise _refuse(shown, 1, "内容", f"文件为空；允许：{ALLOWED}")
    bad = _CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise _refuse(
            shown,
            line,
            "内容",
            f"含有控制字符 U+{ord(bad.group()):04X}，像是二进制文件而不是文本；允许：{ALLOWED}",
        )
    if text.lstrip().lower().startswith(_HTML_STARTS):
        raise _refuse(
            shown, 1, "格式", f"这是网页（HTML），不是纯文本；允许：{ALLOWED}（把正文复制到文本文件中保存）"
        )
    return Report(normalise(text), encoding)


def read_report(file: Path) -> Report:
    shown = display_name(file)
    return decode_report(read_input(file, shown), shown)  # a regular file only, capped


# --- the sources already there -------------------------------------------------------------


def source_texts(doc: YamlDocument) -> Iterator[tuple[str, str | None, Path]]:
    """(text key, source id or None, path) of every source text: those the records name, then
    every other ``.txt`` in the sources folder. Files that cannot be read are skipped (the
    validator reports those of the records)."""
    folder = doc.path.parent
    named: dict[Path, str | None] = {}
    for rec in doc.data.get("sources") or []:
        if isinstance(rec, dict) and isinstance(rec.get("file"), str):
            path = (folder / rec["file"]).resolve()
            if path.is_relative_to(folder.resolve()):  # the validator refuses the others
                named.setdefault(path, str(rec.get("id")))
    loose = sorted((folder / SOURCES_FOLDER).glob("*.txt")) if (folder / SOURCES_FOLDER).is_dir() else []
    for path in loose:
        named.setdefault(path.resolve(), None)
    for path, sid in named.items():
        try:
            text = read_input(path).decode("utf-8-sig")
        except (DataError, UnicodeDecodeError):
            continue
        yield collapse_space(normalise(text)), sid, path


def refuse_known_text(doc: YamlDocument, report: Report, shown: str) -> None:
    for key, sid, path in source_texts(doc):
        if key == report.key:
            which = (
                f"来源 {sid}（{display_name(path)}）"
                if sid
                else f"{display_name(path)}（没有来源记录引用它）"
            )
            raise _refuse(
                shown,
                1,
                "(全部)",
                f"这份文本已经收录为{which}；允许：尚未收录的报告（已有的来源可用 scripts/kb set 修改）",
            )


def text_path(doc: YamlDocument, rid: str) -> tuple[Path, str]:
    """Where the text of source ``rid`` goes: (path, ``file`` as the record writes it)."""
    rel = f"{SOURCES_FOLDER}/{rid}.txt"
    target = doc.path.parent / rel
    if target.exists() or target.is_symlink():
        users = [
            r.get("id")
            for r in doc.data.get("sources") or []
            if isinstance(r, dict) and r.get("file") in (rel, f"./{rel}")
        ]
        who = f"来源 {users[0]} 的原文" if users else "没有来源记录引用它"
        raise EditError(
            f"{display_name(target)}: 文件已存在（{who}），不会覆盖；允许：先把这个文件移走或删除，再运行本命令"
        )
    return target, rel


# --- the command ------------------------------------------------------------------------


def source_record(args: argparse.Namespace, rid: str, rel: str) -> dict[str, Any]:
    """The new ``sources`` record, each value saved as typed; the validator judges them."""
    record: dict[str, Any] = {"id": rid, "title": as_text(args.title)}
    if args.publisher is not None:
        record["publisher"] = as_text(args.publisher)
    if args.date is not None:
        record["date"] = date_value(args.date.strip())
    record["kind"] = as_text(args.kind)
    if args.url:
        record["link"] = as_text(args.url)
    record["file"] = rel
    return record


def store_with(target: Path, text: str, save_data: Callable[[], int]) -> int:
    """Write the text file, then the data file; if the data file is not written, remove the
    text file again (and the folder, if it was made for it)."""
    made_folder = not target.parent.exists()
    target.parent.mkdir(exist_ok=True)

    def still_free(_tmp: Path) -> None:
        if target.exists():
            raise EditError(f"{display_name(target)}: 文件在收录期间被别的程序建立了，已放弃；请重新运行命令")

    written = False
    try:
        write_atomic(target, text, mode=0o644, check=still_free)
        written = True
        return save_data()
    except BaseException:
        if written:
            target.unlink(missing_ok=True)
        if made_folder:
            with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
                target.parent.rmdir()
        raise


def cmd_source_add(args: argparse.Namespace) -> int:
    title = args.title.strip()
    if not title:
        raise EditError("--title 不能为空；允许：报告原文的标题，逐字照录")
    doc = open_document(Path(args.data))
    file = Path(args.file)
    report = read_report(file)
    refuse_known_text(doc, report, display_name(file))
    taken = {
        r["id"] for r in doc.data.get("sources") or [] if isinstance(r, dict) and isinstance(r.get("id"), str)
    }
    rid = propose_id(title, taken)
    target, rel = text_path(doc, rid)
    record = source_record(args, rid, rel)
    splices, expected = plan_add(doc, "sources", [as_read(record)], [record])
    code = store_with(target, report.text, lambda: save(doc, splices, expected, f"已添加来源 {rid}"))
    lines = report.text.count("\n")
    print(f"{display_name(target)}: 原文已保存（{report.encoding} → UTF-8，共 {lines} 行）")
    print("下一步：scripts/kb gaps 列出其中尚未被任何记录引用的句子")
    return code
