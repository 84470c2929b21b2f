"""A PDF with a text layer, read with pdfplumber (on pdfminer.six): positioned lines, from
which paragraphs are rebuilt as they were typeset. A line starts a paragraph when it is
indented, when the line before it ended short, after extra space, or in another font size;
otherwise it continues the paragraph, across a page break too. Tables (found by their
rules) become one row a line. Running headers, footers and page numbers (the first and last
lines of a page that are a page number, or that repeat on most pages) are left out."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pilotkb.editing.intake import layout
from pilotkb.editing.intake.result import ALLOWED, Extraction, refusal

_CJK = re.compile(
    r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026]"
)
_CLOSING = re.compile(r"[，。、；：！？）》」』”’%％,.;:!?)\]]")
_OPENING = re.compile(r"[（《「『“‘(\[]")
_DAMAGED = (
    f"PDF 文件已损坏或不完整（可能没有下载完），无法读出文字；允许：{ALLOWED}（请向发送方要一份完整的文件）"
)
_SCANNED = (
    "这份 PDF 没有文字层（是扫描件或图片），读不出文字；允许：{allowed}（请向发送方要一份 Word 或带文字的 PDF 版本；"
    "或先用文字识别软件识别、逐字校对后存为 .txt 或 .docx，再收录）"
)


@dataclass
class Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    table: list[str] | None = None  # the rows of a table standing where this line is
    height: float = 0.0  # of its page
    lead: float = 0.0  # the width of its first unbreakable piece: a CJK character, a number, a word

    @property
    def shape(self) -> str:
        return layout.shape(self.text)


def _line_text(chars: list[dict[str, Any]]) -> tuple[str, float]:
    """A line's text from its characters, and where its first visible one starts. A space is
    kept between Latin words, where the PDF draws one or leaves a word's gap; between Chinese
    characters never (a justified line spreads them apart), so a quote matches the sentence
    as written."""
    out: list[str] = []
    start = None
    last: dict[str, Any] | None = None
    for c in chars:
        t = c["text"]
        if not t.strip():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if start is None:
            start = c["x0"]
        if last is not None and out[-1] != " " and not _CJK.match(t[0]) and not _CJK.match(out[-1][-1]):
            if c["x0"] - last["x1"] > 0.2 * (c.get("size") or 10):
                out.append(" ")  # a word's gap with no space drawn
        if out and out[-1] == " " and len(out) > 1 and (_CJK.match(out[-2][-1]) or _CJK.match(t[0])):
            out.pop()  # no space beside a Chinese character
        out.append(t)
        last = c
    return "".join(out).strip(), start if start is not None else 0.0


def _lead(chars: list[dict[str, Any]]) -> float:
    """The width of a line's first unbreakable piece (what would have had to fit at the end of
    the line before): a Chinese character with the punctuation that must follow it, or a run
    of digits and letters."""
    vis = [c for c in chars if c["text"].strip()]
    if not vis:
        return 0.0
    end = vis[0]
    cjk = bool(_CJK.match(end["text"])) and not _OPENING.match(end["text"])
    for c in vis[1:]:
        if c["x0"] - end["x1"] > 0.2 * (c.get("size") or 10):
            break  # a gap: the piece ended
        t = c["text"]
        if _CLOSING.match(t) or (not cjk and not _CJK.match(t)):
            end = c
            continue
        break
    return end["x1"] - vis[0]["x0"]


def _page_lines(page: Any, number: int) -> list[Line]:
    tables = [(t.bbox, t.extract()) for t in page.find_tables()]
    lines: list[Line] = []
    placed: set[int] = set()
    for raw in page.extract_text_lines(return_chars=True, keep_blank_chars=True):
        text, x0 = _line_text(raw["chars"])
        if not text:
            continue
        middle = (raw["top"] + raw["bottom"]) / 2
        inside = next((i for i, (b, _) in enumerate(tables) if b[1] <= middle <= b[3]), None)
        if inside is not None:
            if inside not in placed:
                placed.add(inside)
                rows = [
                    " | ".join(layout.join_all(str(c).split("\n")) for c in row if c is not None)
                    for row in tables[inside][1]
                ]
                b = tables[inside][0]
                lines.append(
                    Line(number, "", b[0], b[2], b[1], b[3], 0.0, [r for r in rows if r.strip(" |")])
                )
            continue
        sizes = [c["size"] for c in raw["chars"] if c["text"].strip()]
        size = statistics.median(sizes) if sizes else 0
        lines.append(
            Line(
                number,
                text,
                x0,
                raw["x1"],
                raw["top"],
                raw["bottom"],
                size,
                height=page.height,
                lead=_lead(raw["chars"]),
            )
        )
    return lines


def _furniture(pages: list[list[Line]]) -> set[int]:
    """The ids of lines that are page furniture: among each page's first two and last two
    lines, page numbers, lines whose shape recurs near the same height on most pages, and
    lines in body size or smaller standing in the page's top or bottom margin (9 % of its
    height: where Word and WPS put headers and footers, above and below the text block)."""
    ends = [[ln for ln in (p[:2] + p[-2:]) if ln.table is None] for p in pages]
    recurring: Counter[tuple[str, int]] = Counter()
    for e in ends:
        recurring.update({(ln.shape, round(ln.top / 8)) for ln in e})
    sizes = [ln.size for p in pages for ln in p if ln.size]
    body = statistics.median(sizes) if sizes else 0
    need = max(2, (len(pages) + 1) // 2)
    out = set()
    for e in ends:
        for ln in e:
            margin = ln.height and (ln.bottom < 0.09 * ln.height or ln.top > 0.91 * ln.height)
            if (
                layout.is_page_number(ln.text)
                or (len(pages) > 1 and recurring[(ln.shape, round(ln.top / 8))] >= need)
                or (margin and ln.size <= body + 0.5)
            ):
                out.add(id(ln))
    return out


def _paragraphs(lines: list[Line]) -> list[str]:
    body = [ln for ln in lines if ln.table is None and ln.size]
    if not body:
        return [r for ln in lines if ln.table for r in ln.table]
    left = Counter(round(ln.x0) for ln in body).most_common(1)[0][0]
    long = sorted(ln.x1 for ln in body if len(ln.text) >= 10) or [ln.x1 for ln in body]
    right = long[int(len(long) * 0.9) - 1 if len(long) > 1 else 0]
    out: list[str] = []
    prev: Line | None = None
    for ln in lines:
        if ln.table is not None:
            out.extend(ln.table)
            prev = None
            continue
        em = ln.size or 10
        centred = ln.x0 > left + em and abs((ln.x0 - left) - (right - ln.x1)) < 2 * em
        if prev is not None and _continues(prev, ln, left, right, em, centred):
            out[-1] = layout.join(out[-1], ln.text)
        else:
            out.append(ln.text)
        prev = ln
    return out


def _continues(prev: Line, ln: Line, left: float, right: float, em: float, centred: bool) -> bool:
    if abs(prev.size - ln.size) > 1:
        return False
    if prev.page == ln.page and ln.top - prev.bottom > 1.2 * em:
        return False
    prev_em = prev.size or em
    prev_centred = prev.x0 > left + prev_em and abs((prev.x0 - left) - (right - prev.x1)) < 2 * prev_em
    if centred and prev_centred and prev.page == ln.page:
        return True  # a title set over two centred lines
    # the line before ended where the page did: what starts this line would not have fitted
    return ln.x0 <= left + 0.8 * em and right - prev.x1 < max(ln.lead, em) + 0.6 * prev_em


def _open(raw: bytes, shown: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if b"%%EOF" not in raw[-2048:]:
        raise refusal(shown, "内容", _DAMAGED)
    try:
        pdf = pdfplumber.open(BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a damaged file
        locked = isinstance(exc, PDFPasswordIncorrect) or any(
            isinstance(a, PDFPasswordIncorrect) for a in exc.args
        )
        if not locked:
            raise refusal(shown, "内容", _DAMAGED) from None
        raise refusal(
            shown,
            "内容",
            f"这份 PDF 已加密，需要口令才能打开；允许：{ALLOWED}（请向发送方要一份未加密的版本）",
        ) from None
    if getattr(pdf.doc, "encryption", None):
        pdf.close()
        raise refusal(
            shown,
            "内容",
            f"这份 PDF 已加密（设有权限口令，限制复制文字），本命令不绕过这种限制；允许：{ALLOWED}"
            "（请向发送方要一份未加密的版本）",
        )
    return pdf


def extract(raw: bytes, shown: str) -> Extraction:
    pdf = _open(raw, shown)
    try:
        pages, images, title = [], 0, layout.clean(str((pdf.metadata or {}).get("Title") or ""))
        for i, page in enumerate(pdf.pages, 1):
            pages.append(_page_lines(page, i))
            images += len(page.images)
    except Exception:  # noqa: BLE001 - a damaged page
        raise refusal(shown, "内容", _DAMAGED) from None
    finally:
        pdf.close()
    if not any(pages):
        if images:
            raise refusal(shown, "内容", _SCANNED.format(allowed=ALLOWED))
        raise refusal(shown, "内容", f"这份 PDF 没有任何文字；允许：{ALLOWED}")
    furniture = _furniture(pages)
    left_out = [(f"第 {ln.page} 页页眉页脚", ln.text) for p in pages for ln in p if id(ln) in furniture]
    kept = [ln for p in pages for ln in p if id(ln) not in furniture]
    paragraphs = _paragraphs(kept)
    notes = [f"第 {i} 页没有文字层（扫描页？），其内容未收录" for i, p in enumerate(pages, 1) if not p]
    publisher, date = layout.signature(paragraphs)
    if (
        not title
        or title.lower().startswith("microsoft")
        or title.lower().endswith((".doc", ".docx", ".wps"))
    ):
        title = _largest_first(pages[0]) if pages[0] else ""
    return Extraction(layout.text_of(paragraphs), left_out, title or None, date, publisher, notes=notes)


def _largest_first(lines: list[Line]) -> str:
    """The first page's lines in its largest type, joined: a report's title."""
    sized = [ln for ln in lines if ln.table is None and ln.size]
    if not sized:
        return ""
    big = max(ln.size for ln in sized)
    if big <= statistics.median(ln.size for ln in sized) + 1:
        return ""
    return layout.join_all(ln.text for ln in sized if ln.size >= big - 0.5)
