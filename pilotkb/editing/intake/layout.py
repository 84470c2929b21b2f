"""What every format's text goes through: lines joined into paragraphs the way Chinese is
typeset, page furniture recognised, and the title, date and publisher a report states.

A paragraph that a page wraps is joined with nothing between Chinese characters (a quote
must match the sentence as one run of text) and one space between Latin words. Furniture is
what a page repeats, not what the report says: page numbers (第 N 页, - N -, N/M) and lines
repeated on most pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# The end of a line and the start of the next that were one Latin text broken at a space.
_LATIN_END = re.compile(r"[A-Za-z][,.;:!?)\]'\"]?$")
_LATIN_START = re.compile(r"^[A-Za-z(\[]")

# A line that is only a page number, as offices print them.
PAGE_NUMBER = re.compile(
    r"^(?:[-－—–]\s*\d{1,4}\s*[-－—–]"  # - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页（共 9 页）
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3 / 9
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?"
    r"|\d{1,4})$"
)

_SPACE = re.compile(r"[ \t\u00a0\u3000\u2002-\u200b\ufeff]+")


def clean(line: str) -> str:
    """A line as stored: NFC, runs of spaces (ideographic included) as one, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", line)).strip()


def join(first: str, second: str) -> str:
    """Two pieces of one paragraph that a line break separated."""
    if not first or not second:
        return first + second
    if _LATIN_END.search(first) and _LATIN_START.match(second):
        return f"{first} {second}"
    return first + second


def join_all(pieces: Iterable[str]) -> str:
    out = ""
    for piece in pieces:
        out = join(out, clean(piece))
    return out


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER.match(clean(line)))


def shape(line: str) -> str:
    """A line with its digits blurred, so that 第 1 页 and 第 2 页 are the same furniture."""
    return re.sub(r"\d+", "#", clean(line))


def text_of(paragraphs: Iterable[str]) -> str:
    """The stored text: one paragraph a line, blank ones dropped, ending with a newline."""
    lines = [p for p in (clean(p) for p in paragraphs) if p]
    return "\n".join(lines) + "\n" if lines else ""


# --- what a report says about itself ----------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
)
_DATE_LABEL = re.compile(r"(?:发布|发文|成文|印发)?(?:时间|日期)\s*[:：]\s*")
_SOURCE_LABEL = re.compile(
    r"(?:信息)?来源\s*[:：]\s*(?P<v>[^\s:：|｜]{2,30}?)(?=\s|$|[|｜]|(?:作者|发布|时间|日期|浏览|点击|字号|【))"
)
_ISSUER = re.compile(r"(?:办公室|办|局|委员会|委|政府|厅|部|院|中心|会|所|处|室|公司|集团|小组)$")


def date_in(text: str) -> str | None:
    """The first full date in ``text`` as YYYY-MM-DD, if it is a real date."""
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def labelled_date(lines: Iterable[str]) -> str | None:
    """A date a page labels as its own: 发布时间：2018-12-20, 日期：2018年12月20日."""
    for line in lines:
        m = _DATE_LABEL.search(line)
        if m:
            found = date_in(line[m.end() :])
            if found:
                return found
    return None


def labelled_source(lines: Iterable[str]) -> str | None:
    """The body a page names as its source: 来源：市委改革办."""
    for line in lines:
        m = _SOURCE_LABEL.search(clean(line))
        if m:
            return m["v"]
    return None


def signature(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """(publisher, date) from a report's signature: its last paragraph that is only a date
    (2018年12月20日), and the issuing body on the line before it, if it names one."""
    for i in range(len(paragraphs) - 1, max(len(paragraphs) - 6, -1), -1):
        line = clean(paragraphs[i]).strip("（）()")
        found = date_in(line)
        if found and len(line) <= 16:
            before = clean(paragraphs[i - 1]) if i else ""
            issuer = before if 2 <= len(before) <= 30 and _ISSUER.search(before) else None
            return issuer, found
    return None, None


def title_without_site(title: str) -> str:
    """A page's <title> without the portal's name: 关于…的通报_淄博市人民政府 → 关于…的通报."""
    parts = [p.strip() for p in re.split(r"\s*(?:_|\||｜|--| - | — |－)\s*", clean(title)) if p.strip()]
    return max(parts, key=len) if parts else ""
