"""What each ``scripts/kb`` subcommand does; ``pilotkb.editing.cli`` defines their arguments.

Every command is a function of the parsed arguments returning the exit code, run by one of
two guards that turn every refusal into a Chinese message and exit code 1, never a traceback:
``run_maintenance`` for check, schema, stats and gaps, ``run_edit`` for the editor commands add, set,
update and new-id (which also say that the data file was left as it was).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pilotkb import load_catalog
from pilotkb.analysis.reading import readings
from pilotkb.data.load import display_name
from pilotkb.data.registry import MODELS, REGISTRY
from pilotkb.editing import review, versions
from pilotkb.editing.ids import propose_id
from pilotkb.editing.plan import plan_add, plan_set, plan_update, read_records
from pilotkb.editing.refusal import EditError
from pilotkb.editing.reports import os_error_text, repo_path, reporting
from pilotkb.editing.splice import (
    Splice,
    YamlDocument,
    apply_splices,
    commit,
    find_record,
    open_document,
    record_node,
    unknown_collection,
)
from pilotkb.editing.values import as_text, date_value, parse_value
from pilotkb.errors import DataError, Problem
from pilotkb.files import inert_cell, read_input, write_atomic

Command = Callable[[argparse.Namespace], int]

UNCHANGED = "数据未作任何改动"

# --- check, schema, stats ------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    with reporting(args.format, args.codequality):
        cat = load_catalog(args.file)
    counts = "，".join(f"{name} {len(getattr(cat, name))}" for name in cat.collection_names())
    print(f"{args.file}: 校验通过（{counts}）")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    # json_schema describes the data model, but lives in publish today: a layer breach to undo
    # by moving it to pilotkb.data (its owners' files); only this import line then changes.
    from pilotkb.data.schema import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        write_atomic(args.out, text)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    cat = load_catalog(args.file)
    for name in cat.collection_names():
        print(f"{name}\t{len(getattr(cat, name))}")
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    """Each substantive sentence of the source(s) that no record cites, at its file and line."""
    cat = load_catalog(args.data)
    if args.source is not None and args.source not in cat.sources:
        known = "、".join(cat.sources)
        print(
            f"{display_name(Path(args.data))}: SOURCE_ID: 没有编号为“{args.source}”的来源；允许：{known}",
            file=sys.stderr,
        )
        return 1
    wanted = [args.source] if args.source else list(cat.sources)
    found = readings(cat)
    rows: list[list[str]] = []
    status = 0
    for sid in wanted:
        reading, file = found[sid], cat.sources[sid].file
        if reading is None or file is None:
            print(f"来源 {sid} 没有原文文件（file），无法列出", file=sys.stderr)
            status = 1 if args.source else status
            continue
        shown = display_name(Path(args.data).parent / file)
        gaps = reading.gaps()
        rows += [[shown, str(s.line), sid, s.anchor, s.text] for s in gaps]
        c = reading.coverage
        print(
            f"来源 {sid}：实质句 {c.substantive} 句，已引用 {c.cited} 句，尚未引用 {len(gaps)} 句",
            file=sys.stderr,
        )
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["file", "line", "source", "anchor", "sentence"])
        writer.writerows([[inert_cell(cell) for cell in row] for row in rows])
        sys.stdout.write("\ufeff" + out.getvalue())
    else:
        for file, line, _, _, text in rows:
            print(f"{file}:{line}: {text}")
    return status


def run_maintenance(command: Command, args: argparse.Namespace) -> int:
    """Run check, schema, stats or diff; a data problem, a refusal or a file that cannot be
    read is exit 1."""
    try:
        return command(args)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
    except EditError as exc:
        print(f"scripts/kb {args.cmd}: {exc}", file=sys.stderr)
    except OSError as exc:
        name = str(exc.filename or getattr(args, "file", None) or getattr(args, "data", ""))
        written = ("out", "codequality", "output")
        targets = [Path(x) for x in (getattr(args, w, None) for w in written) if x]
        writing = any(name in (str(x), str(x.parent)) for x in targets)  # the file, or its folder
        print(f"{name}: {'无法写入' if writing else '无法读取'}：{os_error_text(exc)}", file=sys.stderr)
    return 1


# --- diff: a change of the data file in readers' words ---------------------------------------


def cmd_diff(args: argparse.Namespace) -> int:
    """The change from BASE to HEAD as Markdown, JSON or a proposed commit subject (or, for
    the commit-msg hook, a warning about the message in ``--commit-msg``). Each version is
    read as ``kb check`` reads it: one that cannot be read stops the command (exit 1) with
    its problems, and nothing is listed; one that fails the check is listed under a notice."""
    path = Path(args.data)
    if args.commit_msg:
        return commit_msg_hook(path, Path(args.commit_msg))
    v = versions.versions(path, args.base, args.head, args.staged)
    shown, site = repo_path(str(path)), args.site_url or ""
    reads = (versions.read(v.old, path, shown), versions.read(v.new, path, shown))
    unreadable = any(not r.readable for r in reads)
    for r in reads:
        if r.problems:
            print(
                "\n".join([r.headline(), *r.shown(None if unreadable else versions.PROBLEMS_SHOWN)]),
                file=sys.stderr,
            )
    old, new = reads[0].snapshot, reads[1].snapshot
    records = review.compare(old, new) if old is not None and new is not None else None
    if args.subject:
        text = review.subject(records) + "\n" if records else ""
        if records == []:
            print(f"{shown} 没有改动（{v.base} → {v.head}）。", file=sys.stderr)
    elif args.format == "json":
        text = review.as_json(records, v.base, v.head, shown, site, reads)
    else:
        text = review.render_markdown(records, v.base, v.head, shown, site, reads)
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if records is None else 0


def commit_msg_hook(path: Path, message_file: Path) -> int:
    """Warn when a commit changes the data file and its subject is not written for readers;
    never stops the commit (outside a repository, before its first commit, or when a version
    cannot be read, which the data check before the commit reports, it says nothing)."""
    try:
        v = versions.versions(path, None, None, staged=True)
        message = read_input(message_file).decode("utf-8", "replace")
    except (EditError, OSError, DataError):
        return 0
    shown = repo_path(str(path))
    old, new = versions.read(v.old, path, shown).snapshot, versions.read(v.new, path, shown).snapshot
    if old is None or new is None:
        return 0
    warning = review.message_warning(path, message, review.compare(old, new))
    if warning:
        print(warning, file=sys.stderr)
    return 0


# --- the editor commands ---------------------------------------------------------------


def save(doc: YamlDocument, splices: list[Splice], expected: dict[str, Any], what: str) -> int:
    """Write the spliced file and say what changed at which lines of the new file."""
    commit(doc, apply_splices(doc, splices), expected)
    starts: list[int] = []
    shift = 0
    for s in sorted(splices, key=lambda s: s.start):
        lead = next((i for i, ln in enumerate(s.lines) if ln.strip()), 0)
        starts.append(s.start + shift + lead + 1)
        shift += len(s.lines) - (s.end - s.start)
    where = "、".join(str(n) for n in starts)
    print(f"{doc.shown}: {what}（第 {where} 行），校验通过，已保存")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    if args.collection not in MODELS:
        raise unknown_collection(args.collection)
    doc = open_document(Path(args.data))
    plain, nodes = read_records(Path(args.file))
    splices, expected = plan_add(doc, args.collection, plain, nodes)
    ids = "、".join(str(r.get("id")) for r in plain)
    return save(doc, splices, expected, f"已在 {args.collection} 中添加 {len(plain)} 条记录：{ids}")


def cmd_set(args: argparse.Namespace) -> int:
    doc = open_document(Path(args.data))
    coll, index = find_record(doc, args.id)
    rid = doc.data[coll][index].get("id")
    fields = [f for f in MODELS[coll].model_fields if f != "id"]
    if args.field not in fields:
        why = "编号是网页地址的一部分，发布后不能修改" if args.field == "id" else f"{coll} 没有这个字段"
        line = record_node(doc, coll, index).start_mark.line + 1
        raise DataError(
            [Problem(doc.shown, line, str(rid), args.field, f"{why}；允许的字段：{'、'.join(fields)}")]
        )
    value = parse_value(coll, args.field, args.value)
    splices, expected = plan_set(doc, coll, index, args.field, value)
    return save(doc, splices, expected, f"已修改 {coll}/{rid} 的 {args.field}")


def cmd_update(args: argparse.Namespace) -> int:
    doc = open_document(Path(args.data))
    ref = args.pilot if "/" in args.pilot else f"pilots/{args.pilot}"
    coll, index = find_record(doc, ref)
    if coll != "pilots":
        raise EditError(f"进展只能添加到试点；“{args.pilot}”在 {coll} 中；允许：pilots 中的编号")
    item: dict[str, Any] = {}
    if args.date:
        item["date"] = date_value(args.date.strip())
    if args.period:
        item["period"] = as_text(args.period)
    item["text"] = as_text(args.text)
    item["source"] = as_text(args.source)
    quotes = [as_text(q) for q in args.quote]
    item["quote"] = quotes[0] if len(quotes) == 1 else quotes
    splices, expected = plan_update(doc, index, item)
    return save(doc, splices, expected, f"已为 pilots/{doc.data['pilots'][index].get('id')} 添加一条进展")


def cmd_new_id(args: argparse.Namespace) -> int:
    name = args.name.strip()
    if not name:
        raise EditError("名称不能为空；允许：记录的中文名称，如 临淄区河长制改革试点")
    if args.collection not in MODELS:
        raise unknown_collection(args.collection)
    doc = open_document(Path(args.data))
    records = [r for r in doc.data.get(args.collection) or [] if isinstance(r, dict)]
    naming = REGISTRY[args.collection]
    same = [r.get("id") for r in records if naming.name_in(r) == name]
    if same:
        raise EditError(f"{args.collection} 中已有名为“{name}”的记录：{same[0]}；请直接修改它，不要重复添加")
    print(propose_id(name, {r["id"] for r in records if isinstance(r.get("id"), str)}))
    return 0


def run_edit(command: Command, args: argparse.Namespace) -> int:
    """Run an editor command; every refusal is a message and exit 1 (130 when interrupted)."""
    try:
        return command(args)
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
    except EditError as exc:
        print(exc, file=sys.stderr)
        # new-id writes nothing, so there is nothing to reassure about
        if UNCHANGED not in str(exc) and args.cmd != "new-id":
            print(f"{UNCHANGED}。", file=sys.stderr)
    except OSError as exc:
        where = exc.filename or args.data
        if Path(where).is_dir():  # the temporary file could not be made: the folder is the problem
            print(
                f"{where}: 无法在这个目录中写入（{os_error_text(exc)}）；请让该目录可写；{UNCHANGED}。",
                file=sys.stderr,
            )
        else:
            print(f"{where}: 无法读写：{exc.strerror or exc}；{UNCHANGED}。", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"已中断；{UNCHANGED}。", file=sys.stderr)
        return 130
    return 1
