"""What reading a report gives (``Extraction``), and how it refuses a file (``refusal``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pilotkb.errors import DataError, Problem

ALLOWED = "Word 文档（.docx）、带文字层的 PDF、网页另存的 .html/.htm，或纯文本 .txt"


@dataclass(frozen=True)
class Extraction:
    """A report read: the text to store, what was left out, and what it says of itself."""

    text: str  # one paragraph a line, NFC, ending with a newline
    left_out: list[tuple[str, str]]  # (where, line): furniture not stored
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD as the report states it
    publisher: str | None = None
    encoding: str | None = None  # of a text or web page, as shown to the editor
    notes: list[str] = field(default_factory=list)


def refusal(shown: str, field_: str, message: str, line: int = 1) -> DataError:
    return DataError([Problem(shown, line, "(文件)", field_, message)])
