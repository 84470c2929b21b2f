"""A Word file (.docx), read with python-docx: the body's paragraphs and tables in their
order; headers, footers and their page numbers, which Word keeps in parts of their own, left
out and listed. The package is checked first, since python-docx would unpack it whole: its
unpacked size, and no XML part may declare a DTD (Word never writes one; entities in one can
expand to gigabytes)."""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from pilotkb.editing.intake import layout
from pilotkb.editing.intake.result import ALLOWED, Extraction, refusal

MAX_UNPACKED = 256 * 1024 * 1024  # a report with many pictures unpacks to tens of MB
MAX_PARTS = 5000
_DAMAGED = f"Word 文档已损坏或不完整，无法打开；允许：{ALLOWED}（请发送方重新发送，或在 Word/WPS 中打开后重新另存为 .docx）"


def _check_package(raw: bytes, shown: str) -> None:
    try:
        zf = zipfile.ZipFile(BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refusal(shown, "内容", _DAMAGED) from None
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED:
        raise refusal(
            shown,
            "内容",
            f"Word 文档解压后有 {unpacked / 2**20:,.0f} MB、{len(infos)} 个部件，超过上限"
            f"（{MAX_UNPACKED // 2**20} MB、{MAX_PARTS} 个），像是恶意构造的文件；允许：{ALLOWED}",
        )
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            with zf.open(info) as part:
                head = part.read(info.file_size)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, zipfile.LargeZipFile):
            raise refusal(shown, "内容", _DAMAGED) from None
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise refusal(
                shown,
                "内容",
                f"Word 文档的 {info.filename} 含有 DTD 实体声明（Word 从不写入，可展开为巨量数据），"
                f"像是恶意构造的文件；允许：{ALLOWED}",
            )


def _cell_text(cell: Any) -> str:
    return layout.join_all(p.text for p in cell.paragraphs)


def _row(row: Any) -> str:
    seen, cells = set(), []
    for cell in row.cells:  # a merged cell is returned once for every grid column it spans
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(_cell_text(cell))
    return " | ".join(cells) if any(cells) else ""


def _is_heading(paragraph: Any) -> str | None:
    """ "title" or "heading" for a paragraph styled so, else None."""
    try:
        name = (paragraph.style.name or "").lower()
    except (KeyError, ValueError, AttributeError):
        return None
    if name.startswith("title") or name == "标题":
        return "title"
    if name.startswith(("heading", "标题")):
        return "heading"
    return None


def _furniture(doc: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for section in doc.sections:
        for where, part in (
            ("页眉", section.header),
            ("首页页眉", section.first_page_header),
            ("偶数页页眉", section.even_page_header),
            ("页脚", section.footer),
            ("首页页脚", section.first_page_footer),
            ("偶数页页脚", section.even_page_footer),
        ):
            if part.is_linked_to_previous:
                continue
            for p in part.paragraphs:
                if p.text.strip() and (where, layout.clean(p.text)) not in out:
                    out.append((where, layout.clean(p.text)))
    body = doc.element.body
    for box in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}txbxContent"):
        text = layout.clean("".join(box.itertext()))
        if text:
            out.append(("文本框（未收录，如是正文请手工补入）", text))
    return out


def extract(raw: bytes, shown: str) -> Extraction:
    _check_package(raw, shown)
    import docx
    from docx.table import Table

    try:
        doc = docx.Document(BytesIO(raw))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a damaged package
        raise refusal(shown, "内容", _DAMAGED) from None
    paragraphs: list[str] = []
    styled_title = heading = None
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            paragraphs.extend(r for r in (_row(row) for row in block.rows) if r)
            continue
        lines = [layout.clean(t) for t in block.text.split("\n")]  # a manual line break ends a line
        paragraphs.extend(t for t in lines if t)
        kind = _is_heading(block) if any(lines) else None
        if kind == "title" and styled_title is None:
            styled_title = layout.join_all(lines)
        elif kind == "heading" and heading is None:
            heading = layout.join_all(lines)
    publisher, date = layout.signature(paragraphs)
    core = layout.clean(doc.core_properties.title or "")
    title = styled_title or (core if core and not core.lower().startswith("microsoft") else None) or heading
    return Extraction(
        layout.text_of(paragraphs), _furniture(doc), title=title, date=date, publisher=publisher
    )
