"""``scripts/kb source add|replace``: take in a report as a source, as it arrived.

The report (a Word file, a PDF with a text layer, a saved web page or plain text) is read by
``pilotkb.editing.intake``; its text is stored as UTF-8, one paragraph a line, in
``data/sources/<id>.txt`` (``<id>`` is what ``new-id`` proposes for the title) and, for the
formats that are not text, the original beside it byte for byte (``<id>.docx`` …), recorded
on the source (file, media type, size, SHA-256). A text that is already a source is refused.

The files are written first, since validation reads them; if the data file is not written
(validation refused it, for example a quote the corrected text no longer has), every file is
put back as it was, so a refusal leaves ``data/`` byte for byte as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pilotkb.data.load import collapse_space, display_name
from pilotkb.editing import intake
from pilotkb.editing.commands import save
from pilotkb.editing.ids import propose_id
from pilotkb.editing.intake.plain import normalise
from pilotkb.editing.intake.result import refusal
from pilotkb.editing.plan import plan_add, plan_set
from pilotkb.editing.refusal import EditError
from pilotkb.editing.splice import YamlDocument, apply_splices, commit, find_record, open_document, rebased
from pilotkb.editing.values import as_read, as_text, date_value
from pilotkb.errors import DataError
from pilotkb.files import read_input, write_atomic

SOURCES_FOLDER = "sources"  # beside the data file; a source's ``file`` is relative to that folder's parent
ORIGINAL_FIELDS = ("original", "original_type", "original_size", "original_sha256")


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


def refuse_known_text(doc: YamlDocument, text: str, shown: str, but: str | None = None) -> None:
    """A text already stored (for ``replace``: by another source than ``but``) is refused."""
    key = collapse_space(text)
    for known, sid, path in source_texts(doc):
        if known == key and not (but and sid == but):
            which = (
                f"来源 {sid}（{display_name(path)}）"
                if sid
                else f"{display_name(path)}（没有来源记录引用它）"
            )
            raise refusal(
                shown,
                "(全部)",
                f"这份文本已经收录为{which}；允许：尚未收录的报告（已有的来源可用 scripts/kb set 修改）",
            )


def free_path(doc: YamlDocument, rid: str, suffix: str) -> tuple[Path, str]:
    """Where a file of new source ``rid`` goes: (path, the value the record writes)."""
    rel = f"{SOURCES_FOLDER}/{rid}{suffix}"
    target = doc.path.parent / rel
    if target.exists() or target.is_symlink():
        users = [
            r.get("id")
            for r in doc.data.get("sources") or []
            if isinstance(r, dict) and rel in (r.get("file"), r.get("original"), f"./{r.get('file')}")
        ]
        who = f"来源 {users[0]} 的文件" if users else "没有来源记录引用它"
        raise EditError(
            f"{display_name(target)}: 文件已存在（{who}），不会覆盖；允许：先把这个文件移走或删除，再运行本命令"
        )
    return target, rel


# --- writing: files first, the data file last, everything put back on a refusal -----------


def store_with(files: list[tuple[Path, bytes]], save_data: Callable[[], int]) -> int:
    """Write each file, then the data file; if the data file is not written, put every file
    back as it was (removed if it was new, with the folder if it was made for it)."""
    folder = files[0][0].parent
    made_folder = not folder.exists()
    folder.mkdir(exist_ok=True)
    before: list[tuple[Path, bytes | None]] = []
    try:
        for target, data in files:
            old = read_input(target) if target.exists() else None
            before.append((target, old))

            def unchanged(_tmp: Path, target: Path = target, old: bytes | None = old) -> None:
                now = read_input(target) if target.exists() else None
                if now != old:
                    raise EditError(
                        f"{display_name(target)}: 文件在收录期间被别的程序改动了，已放弃；请重新运行命令"
                    )

            write_atomic(target, data, mode=0o644, check=unchanged)
        return save_data()
    except BaseException:
        for target, old in reversed(before):
            if old is None:
                target.unlink(missing_ok=True)
            else:
                write_atomic(target, old, mode=0o644)
        if made_folder:
            with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
                folder.rmdir()
        raise


def _original_fields(fmt: intake.Format, raw: bytes, rel: str) -> dict[str, Any]:
    return {
        "original": as_text(rel),
        "original_type": as_text(fmt.media_type),
        "original_size": len(raw),
        "original_sha256": as_text(hashlib.sha256(raw).hexdigest()),
    }


# --- what the editor is told -----------------------------------------------------------


def _show_extraction(fmt: intake.Format, got: intake.Extraction, dry_run: bool) -> None:
    how = f"{fmt.label}" + (f"，{got.encoding} 编码" if got.encoding else "")
    paragraphs = got.text.count("\n")
    if dry_run:
        print(f"=== 将保存的原文（{how}，共 {paragraphs} 段）===")
        print(got.text, end="")
        print(f"=== 作为页面杂项未收录的内容（{len(got.left_out)} 处）===")
        for where, line in got.left_out:
            print(f"[{where}] {line}")
    elif got.left_out:
        print(f"未收录页面杂项 {len(got.left_out)} 处（页眉页脚、页码、网页导航等）；加 --dry-run 可逐条查看")
    for note in got.notes:
        print(f"注意：{note}")


def _proposed(args: argparse.Namespace, got: intake.Extraction) -> None:
    """Fill --title, --date and --publisher the editor left out from what the report says,
    and say so; never from the file's own dates."""
    for name, label in (("title", "标题"), ("date", "日期"), ("publisher", "发布机构")):
        if getattr(args, name) is None and getattr(got, name):
            setattr(args, name, getattr(got, name))
            print(f"{label}取自文档：{getattr(got, name)}（不对请用 --{name} 指定）")
        elif getattr(args, name) is None:
            print(f"{label}：文档中没有找到（需要时用 --{name} 指定）")


# --- the commands ------------------------------------------------------------------------


def source_record(args: argparse.Namespace, rid: str, rel: str) -> dict[str, Any]:
    """The new ``sources`` record, each value saved as typed; the validator judges them."""
    record: dict[str, Any] = {"id": rid, "title": as_text(args.title)}
    if args.publisher is not None:
        record["publisher"] = as_text(args.publisher)
    if args.date is not None:
        record["date"] = date_value(str(args.date).strip())
    record["kind"] = as_text(args.kind)
    if args.url:
        record["link"] = as_text(args.url)
    record["file"] = rel
    return record


def cmd_source_add(args: argparse.Namespace) -> int:
    doc = open_document(Path(args.data))
    file = Path(args.file)
    if args.title is not None and not args.title.strip():
        raise EditError("--title 不能为空；允许：报告原文的标题，逐字照录（不写 --title 则取自文档）")
    fmt, raw, got = intake.read(file)
    refuse_known_text(doc, got.text, display_name(file))
    _show_extraction(fmt, got, args.dry_run)
    _proposed(args, got)
    title = (args.title or "").strip()
    if not title:
        raise EditError("--title 未给出，文档中也找不到标题；允许：报告原文的标题，逐字照录")
    args.title = title
    if args.dry_run:
        print("（试运行：没有写入任何文件）")
        return 0
    taken = {
        r["id"] for r in doc.data.get("sources") or [] if isinstance(r, dict) and isinstance(r.get("id"), str)
    }
    rid = propose_id(title, taken)
    target, rel = free_path(doc, rid, ".txt")
    record = source_record(args, rid, rel)
    files = [(target, got.text.encode("utf-8"))]
    if fmt.media_type in intake.KEPT:
        kept, kept_rel = free_path(doc, rid, fmt.suffix)
        record.update(_original_fields(fmt, raw, kept_rel))
        files.append((kept, raw))
    splices, expected = plan_add(doc, "sources", [as_read(record)], [record])
    code = store_with(files, lambda: save(doc, splices, expected, f"已添加来源 {rid}"))
    _told_stored(fmt, got, files)
    return code


def _told_stored(fmt: intake.Format, got: intake.Extraction, files: list[tuple[Path, bytes]]) -> None:
    text, n = files[0][0], got.text.count("\n")
    if fmt is intake.TEXT:
        print(f"{display_name(text)}: 原文已保存（{got.encoding} → UTF-8，共 {n} 行）")
    else:
        how = f"，{got.encoding} 编码" if got.encoding else ""
        print(f"{display_name(text)}: 原文已保存（从{fmt.label}{how}提取为 UTF-8 文本，一段一行，共 {n} 段）")
    for path, data in files[1:]:
        print(f"{display_name(path)}: 原件已逐字节保存（{len(data):,} 字节），来源页提供下载")
    print("下一步：scripts/kb gaps 列出其中尚未被任何记录引用的句子")


def _changes(doc: YamlDocument, index: int, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The data file's text with ``fields`` of sources[index] set (None: removed)."""
    current, expected = doc, dict(doc.data)
    for name, value in fields.items():
        if value is None and name not in current.data["sources"][index]:
            continue
        splices, expected = plan_set(current, "sources", index, name, value)
        current = rebased(current, apply_splices(current, splices))
    return current.text, expected


def cmd_source_replace(args: argparse.Namespace) -> int:
    doc = open_document(Path(args.data))
    coll, index = find_record(doc, args.id)
    if coll != "sources":
        raise EditError(f"{args.id} 是 {coll} 中的记录，不是来源；允许：sources 中的编号")
    rec, rid = doc.data["sources"][index], args.id
    file = Path(args.file)
    fmt, raw, got = intake.read(file)
    refuse_known_text(doc, got.text, display_name(file), but=rid)
    _show_extraction(fmt, got, args.dry_run)
    if args.dry_run:
        print("（试运行：没有写入任何文件）")
        return 0
    rel = rec.get("file") if isinstance(rec.get("file"), str) else f"{SOURCES_FOLDER}/{rid}.txt"
    files = [(doc.path.parent / rel, got.text.encode("utf-8"))]
    fields: dict[str, Any] = {"file": rel, **dict.fromkeys(ORIGINAL_FIELDS)}
    old_original = rec.get("original") if isinstance(rec.get("original"), str) else None
    if fmt.media_type in intake.KEPT:
        kept_rel = f"{SOURCES_FOLDER}/{rid}{fmt.suffix}"
        fields.update(_original_fields(fmt, raw, kept_rel))
        files.append((doc.path.parent / kept_rel, raw))
    old_text = _read_or_none(files[0][0])
    text, expected = _changes(doc, index, fields)

    def save_data() -> int:
        commit(doc, text, expected)
        if old_original and old_original != fields.get("original"):
            (doc.path.parent / old_original).unlink(missing_ok=True)  # git keeps it
        return 0

    store_with(files, save_data)
    print(f"{doc.shown}: 来源 {rid} 已换为更正版，所有引文仍能在新原文中逐字找到，已保存")
    _told_stored(fmt, got, files)
    _new_sentences(old_text, got.text)
    return 0


def _read_or_none(path: Path) -> str | None:
    try:
        return read_input(path).decode("utf-8-sig")
    except (DataError, UnicodeDecodeError):
        return None


def _new_sentences(old: str | None, new: str) -> None:
    before = set(collapse_space(p) for p in (old or "").splitlines())
    added = [p for p in new.splitlines() if p.strip() and collapse_space(p) not in before]
    print(f"更正版有 {len(added)} 段是新的或改过的；scripts/kb gaps 列出其中尚未被引用的句子")
