"""The formats a report arrives in, told apart by their bytes, and the one entrance ``read``."""

from __future__ import annotations

import importlib.util
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pilotkb.background import Exceeded, bounded
from pilotkb.data.load import display_name
from pilotkb.editing.intake import docx, html, pdf, plain
from pilotkb.editing.intake.result import ALLOWED, Extraction, refusal
from pilotkb.errors import DataError
from pilotkb.files import read_input

# A parser may map this much beyond the command itself, and run this long, before the file
# is refused as too large or hostile (a real 300-page report needs a fraction of either).
MEMORY_BUDGET = 640 * 1024 * 1024
TIME_BUDGET = 45.0


@dataclass(frozen=True)
class Format:
    name: str  # docx, pdf, html, text
    label: str  # as shown to the editor
    suffix: str  # of the kept original
    media_type: str
    extensions: tuple[str, ...]
    extract: Callable[[bytes, str], Extraction]
    library: str = ""  # the module its extractor needs (requirements-intake.txt)


DOCX = Format(
    "docx",
    "Word 文档（.docx）",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    docx.extract,
    "docx",
)
PDF = Format("pdf", "PDF 文件", ".pdf", "application/pdf", (".pdf",), pdf.extract, "pdfplumber")
HTML = Format(
    "html", "网页（HTML）", ".html", "text/html", (".html", ".htm", ".xhtml", ".shtml"), html.extract
)
TEXT = Format("text", "纯文本", ".txt", "text/plain", (".txt", ".text", ""), plain.extract)
FORMATS = (DOCX, PDF, HTML, TEXT)
KEPT = {f.media_type: f for f in (DOCX, PDF, HTML)}  # formats whose original is kept

_AS_DOCX = "在 Word 或 WPS 中打开，选“另存为”，保存类型选“Word 文档（*.docx）”，再收录 .docx 文件"
_PICTURE = "收录报告的文字版本（Word、PDF 或网页），而不是扫描件或图片"

# First bytes of what is not a report this command reads: (magic, what it is, what to do).
_FOREIGN = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Word（.doc）、WPS（.wps）或 Excel 的二进制文件", _AS_DOCX),
    (b"{\\rtf", "RTF 文档", _AS_DOCX),
    (b"\x89PNG\r\n\x1a\n", "一张 PNG 图片", _PICTURE),
    (b"\xff\xd8\xff", "一张 JPEG 图片", _PICTURE),
    (b"GIF8", "一张 GIF 图片", _PICTURE),
    (b"II*\x00", "一张 TIFF 图片（扫描件）", _PICTURE),
    (b"MM\x00*", "一张 TIFF 图片（扫描件）", _PICTURE),
    (b"Rar!", "RAR 压缩包", "先解压，再逐份收录其中的报告"),
    (b"7z\xbc\xaf", "7z 压缩包", "先解压，再逐份收录其中的报告"),
)
_MHT = "在浏览器中另存为“网页，仅 HTML”（.html），再收录"


def _zip_kind(raw: bytes) -> str | None:
    """What a zip file is: "docx", or what else it holds (a workbook, slides, an archive)."""
    try:
        names = set(zipfile.ZipFile(BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "damaged"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "Excel 工作簿（.xlsx）"
    if "ppt/presentation.xml" in names:
        return "PowerPoint 演示文稿（.pptx）"
    if "content.xml" in names:
        return "OpenDocument 文档（.odt 等）"
    return "压缩包"


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<!--")) and (
        b"<html" in raw[:65536].lower() or b"<body" in raw[:65536].lower()
    )


def sniff(raw: bytes, shown: str) -> Format:
    """The report's format, from its bytes; ``DataError`` for anything else."""
    for magic, what, hint in _FOREIGN:
        if raw.startswith(magic):
            raise refusal(shown, "格式", f"这是{what}，本命令读不出其中的文字；允许：{ALLOWED}（{hint}）")
    if raw.startswith(b"%PDF-"):
        return PDF
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        kind = _zip_kind(raw)
        if kind == "docx":
            return DOCX
        if kind == "damaged":
            raise refusal(
                shown,
                "格式",
                f"文件像 Word 文档（.docx），但已损坏或不完整，无法打开；允许：{ALLOWED}（请发送方重新发送）",
            )
        raise refusal(shown, "格式", f"这是{kind}，不是报告正文；允许：{ALLOWED}")
    head = raw[:4096].lower()
    if b"mime-version:" in head and b"multipart/related" in head:
        raise refusal(shown, "格式", f"这是单文件网页（.mht/.mhtml）；允许：{ALLOWED}（{_MHT}）")
    if _looks_like_html(raw):
        return HTML
    return TEXT


def _agrees(fmt: Format, file: Path, shown: str) -> None:
    """The file's name must not say another format than its bytes: a text named .docx is
    refused, not read as text, since the office meant to send something else."""
    ext = file.suffix.lower()
    named = next((f for f in FORMATS if ext in f.extensions and ext), None)
    if named is None or named is fmt or (fmt is TEXT and named is TEXT):
        return
    what = "纯文本" if fmt is TEXT else fmt.label
    raise refusal(
        shown,
        "格式",
        f"文件名是 {ext}，内容却是{what}，不是{named.label}（文件可能损坏，或改过扩展名）；"
        f"允许：{ALLOWED}（请核对文件，或向发送方要原件）",
    )


def _over_budget(exc: Exceeded, fmt: Format, shown: str) -> DataError:
    if exc.what == "memory":
        why = f"读取时所需内存超过 {MEMORY_BUDGET // 2**20} MB（文件解压后过大，或构造异常）"
    elif exc.what == "time":
        why = f"读取超过 {TIME_BUDGET:.0f} 秒仍未完成（文件过大或构造异常）"
    else:
        why = f"文件已损坏或不完整，无法读出文字（{exc.detail or '读取进程意外退出'}）"
    return refusal(shown, "内容", f"{why}；允许：完好的{fmt.label}（请向发送方要一份正常的文件）")


def read(file: Path) -> tuple[Format, bytes, Extraction]:
    """The report at ``file``: its format, its bytes (the original, kept as they are) and
    what was read from it; ``DataError`` if it is not one this command can read."""
    shown = display_name(file)
    raw = read_input(file, shown)
    if not raw.strip():
        raise refusal(shown, "内容", f"文件为空；允许：{ALLOWED}")
    fmt = sniff(raw, shown)
    _agrees(fmt, file, shown)
    if fmt.library and importlib.util.find_spec(fmt.library) is None:
        raise refusal(
            shown,
            "格式",
            f"读取{fmt.label}需要 {fmt.library}，本机尚未安装；允许：先运行 make setup（安装 requirements-intake.txt），再收录",
        )
    try:
        got = bounded(fmt.extract, raw, shown, memory=MEMORY_BUDGET, seconds=TIME_BUDGET)
    except Exceeded as exc:
        raise _over_budget(exc, fmt, shown) from None
    if not got.text.strip():
        raise refusal(shown, "内容", f"在{fmt.label}中没有找到正文文字；允许：{ALLOWED}（含正文的文件）")
    return fmt, raw, got
