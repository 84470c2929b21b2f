"""``scripts/kb diff``: a change of the data file in readers' words, for its reviewer.

Two versions of the data file (two commits, a commit and the index, or a commit and the file
on disk) are compared by the change engine of the history pages (``analysis.changes``):
records added, removed and changed, each changed field with its Chinese label, old → new,
values whole. A removed and an added record of one collection with the same content (or the
same name) are one record whose id was renamed. Long texts get a word diff, cut by jieba so
that a changed number or name shows whole (``12`` → ``15``, never ``1`` kept and ``2`` → ``5``).

``render_markdown`` escapes every text from the data (it lands in a GitHub job summary or a
GitLab artifact, where Markdown and HTML would be live); ``as_json`` is the same for tools;
``subject`` proposes a Chinese commit subject naming the records changed.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pilotkb.analysis.changes import ADDED, CHANGED, REMOVED, FieldChange, diff_fields, diff_snapshots
from pilotkb.analysis.git import merging
from pilotkb.analysis.notes import for_readers
from pilotkb.analysis.snapshots import Snapshot
from pilotkb.data.registry import FILE_ORDER, REGISTRY
from pilotkb.data.urls import dest_url, index_uri, record_anchor, record_uri
from pilotkb.editing.versions import PROBLEMS_SHOWN, Read
from pilotkb.search.segment import load_jieba

RENAMED = "renamed"
KIND_WORD = {ADDED: "新增", CHANGED: "修改", REMOVED: "删除", RENAMED: "改编号"}
# a value longer than this (in either version) is shown as a word diff
LONG_TEXT = 40
# unchanged text kept on each side of a change in a word diff
CONTEXT = 16


@dataclass(frozen=True)
class FieldDiff:
    """One field of one record, old → new, values whole; ``words`` is the word diff of a
    long text: ("=", kept), ("-", removed), ("+", added)."""

    field: str
    label: str
    kind: str  # added, changed or removed
    old: str | None
    new: str | None
    words: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RecordDiff:
    collection: str
    label: str  # the collection's Chinese label
    id: str
    kind: str  # added, changed, removed or renamed
    name: str | None  # in the new version (the old one for a removed record)
    page: str | None  # its page, relative to the site's root (None when removed)
    old_id: str | None = None  # renamed: the id it had
    old_name: str | None = None  # its name before, when the change renamed it
    fields: tuple[FieldDiff, ...] = field(default_factory=tuple)

    def url(self, site_url: str = "") -> str | None:
        """Its page on the site at ``site_url`` (None without an address or a page)."""
        if not site_url or self.page is None:
            return None
        return site_url.rstrip("/") + "/" + quote(self.page, safe="/#")


def message_warning(path: Path, message: str, records: list[RecordDiff]) -> str | None:
    """For the commit-msg hook: a warning when a commit changes the data file and its subject
    is not written for readers (``analysis.notes.for_readers``: data commits' subjects are
    public; the site shows such a subject nowhere), with a subject to use instead."""
    lines = [ln for ln in message.splitlines() if ln.strip() and not ln.startswith("#")]
    first = lines[0].strip() if lines else ""
    if not records or for_readers(first) or merging(path.parent):
        return None
    why = "主要是英文" if re.search(r"[\u3400-\u9fff]", first) else "里没有中文"
    return (
        f"提示：这次提交修改了 {path.name}，提交说明“{first}”{why}。数据文件的提交说明会显示在网站的"
        f"“更新记录”页和订阅源中，请用中文写明改了哪些记录（git commit --amend 可以修改）；"
        f"不是写给读者的说明不会显示，网站改为按改动自动写一句。\n"
        f"建议：{subject(records)}"
    )


# --- what changed ------------------------------------------------------------------------


def compare(before: Snapshot, after: Snapshot) -> list[RecordDiff]:
    """The records changed from version ``before`` to ``after`` of the data file (each read
    by ``kb check``'s readers: ``editing.versions``), by collection in the file's order, each
    collection's records as the change engine lists them."""
    by_coll: dict[str, list[RecordDiff]] = {}
    for c in diff_snapshots(before, after):
        out = by_coll.setdefault(c.collection, [])
        coll, rid = c.collection, c.id
        if c.kind == ADDED:
            rec = after.record(coll, rid) or {}
            shown = diff_fields(coll, {}, {k: v for k, v in rec.items() if k != "id"}, limit=None)
            out.append(_record(coll, rid, ADDED, rec, _with_words(shown)))
        elif c.kind == REMOVED:
            out.append(_record(coll, rid, REMOVED, before.record(coll, rid) or {}))
        else:
            a, b = before.record(coll, rid) or {}, after.record(coll, rid) or {}
            out.append(_record(coll, rid, CHANGED, b, _with_words(diff_fields(coll, a, b, None)), a))
    for coll, items in by_coll.items():
        by_coll[coll] = _renames(coll, items, before, after)
    return [r for coll in FILE_ORDER for r in by_coll.get(coll, [])]


def _record(
    coll: str,
    rid: str,
    kind: str,
    rec: dict[str, Any],
    fields: list[FieldDiff] | tuple[FieldDiff, ...] = (),
    old: dict[str, Any] | None = None,
    old_id: str | None = None,
) -> RecordDiff:
    naming = REGISTRY[coll]
    name, old_name = naming.name_in(rec), naming.name_in(old) if old is not None else None
    page = None if kind == REMOVED else page_of(coll, rid)
    renamed_from = old_name if old_name != name else None
    return RecordDiff(coll, naming.label, rid, kind, name, page, old_id, renamed_from, tuple(fields))


def page_of(coll: str, rid: str) -> str:
    """The record's page (or its row of a shared page), relative to the site's root."""
    if REGISTRY[coll].has_pages:
        return dest_url(record_uri(coll, rid))
    return f"{dest_url(index_uri(coll))}#{record_anchor(coll, rid)}"


def _content(rec: dict[str, Any] | None) -> str | None:
    if rec is None:
        return None
    return json.dumps(
        {k: v for k, v in rec.items() if k != "id"}, ensure_ascii=False, sort_keys=True, default=str
    )


def _renames(coll: str, items: list[RecordDiff], before: Snapshot, after: Snapshot) -> list[RecordDiff]:
    """A removed and an added record with the same content otherwise, or failing that the
    same name (one of each), are one record whose id changed."""
    removed = {r.id: before.record(coll, r.id) for r in items if r.kind == REMOVED}
    added = {r.id: after.record(coll, r.id) for r in items if r.kind == ADDED}
    pairs: dict[str, str] = {}  # new id -> old id
    for key in (_content, lambda rec: REGISTRY[coll].name_in(rec) if rec else None):
        paired = set(pairs.values())
        old_keys: dict[str, list[str]] = {}
        for rid, rec in removed.items():
            if rid not in paired and key(rec) is not None:
                old_keys.setdefault(key(rec), []).append(rid)
        new_keys: dict[str, list[str]] = {}
        for rid, rec in added.items():
            if rid not in pairs and key(rec) is not None:
                new_keys.setdefault(key(rec), []).append(rid)
        for k, new_ids in new_keys.items():
            if len(new_ids) == 1 and len(old_keys.get(k, [])) == 1:
                pairs[new_ids[0]] = old_keys[k][0]
    if not pairs:
        return items
    gone = set(pairs.values())
    out: list[RecordDiff] = []
    for r in items:
        if r.kind == REMOVED and r.id in gone:
            continue
        if r.kind == ADDED and r.id in pairs:
            old_id = pairs[r.id]
            a, b = removed[old_id] or {}, added[r.id] or {}
            fields = diff_fields(coll, {**a, "id": r.id}, b, limit=None)
            out.append(_record(coll, r.id, RENAMED, b, _with_words(fields), a, old_id))
            continue
        out.append(r)
    return out


# --- long texts: a word diff -------------------------------------------------------------


def _with_words(changes: list[FieldChange]) -> list[FieldDiff]:
    out = []
    for c in changes:
        long = max(len(c.old or ""), len(c.new or "")) > LONG_TEXT
        words = word_diff(c.old, c.new) if c.kind == CHANGED and c.old and c.new and long else ()
        out.append(FieldDiff(c.field, c.label, c.kind, c.old, c.new, words))
    return out


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """("=", kept), ("-", removed), ("+", added) runs from ``old`` to ``new``, compared word
    by word (jieba without HMM, as the search index cuts text)."""
    jieba = load_jieba()
    a, b = list(jieba.cut(old, HMM=False)), list(jieba.cut(new, HMM=False))
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return tuple(out)


def _trimmed(words: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The word diff with long unchanged runs cut to CONTEXT characters around each change."""
    out = []
    last = len(words) - 1
    for i, (op, text) in enumerate(words):
        if op == "=" and len(text) > 2 * CONTEXT:
            head = text[:CONTEXT] if i > 0 else ""
            tail = text[-CONTEXT:] if i < last else ""
            text = f"{head}…{tail}"
        out.append((op, text))
    return out


# --- Markdown, JSON, a commit subject --------------------------------------------------------

# What Markdown or GitHub reads as markup inside a line (emphasis, code, links, tables,
# strikethrough, math, :emoji:, @mentions, #issues, www. and http: autolinks), escaped with a
# backslash as CommonMark allows for any ASCII punctuation; & < > become entities, so text
# never becomes HTML. Lines never start with data text, so list and heading marks are safe.
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#.!|~:@$])")


def md(text: str | None) -> str:
    """Text from the data as inert Markdown on one line."""
    text = " ".join((text or "").split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_PUNCT.sub(r"\\\1", text)


def _value(f: FieldDiff) -> str:
    if f.words:
        return "".join(
            md(t) if op == "=" else f"<del>{md(t)}</del>" if op == "-" else f"<ins>{md(t)}</ins>"
            for op, t in _trimmed(f.words)
        )
    if f.kind == ADDED:
        return f"<ins>{md(f.new)}</ins>"
    if f.kind == REMOVED:
        return f"<del>{md(f.old)}</del>（已删去）"
    return f"<del>{md(f.old)}</del> → <ins>{md(f.new)}</ins>"


def _heading(r: RecordDiff, site_url: str) -> str:
    name = md(r.name or r.old_name or r.id)
    url = r.url(site_url)
    shown = f"[{name}]({url})" if url else f"**{name}**"
    where = md(f"{r.collection}/{r.id}")
    if r.kind == RENAMED:
        where = f"{md(r.collection)}/{md(r.old_id)} → {md(r.id)}"
    page = "" if url or r.page is None else f"，页面 {md(r.page)}"
    return f"- **{KIND_WORD[r.kind]}** {shown}（{where}{page}）"


# records listed in the Markdown (GitHub keeps a job summary of at most 1 MiB); JSON lists all
MARKDOWN_RECORDS = 300


def render_markdown(
    records: list[RecordDiff] | None,
    base: str,
    head: str,
    path: str,
    site_url: str = "",
    reads: tuple[Read, ...] = (),
) -> str:
    """The change as Markdown for a job summary: one section per collection, one item per
    record, one sub-item per field; first, a version that fails the check, or cannot be read
    (``records`` None: nothing is listed), with its first problems."""
    lines = [f"## 数据改动：{md(path)}", "", f"比较 {md(base)} → {md(head)}。", ""]
    for r in reads:
        if r.problems:
            lines += [f"**{md(r.headline())}**", "", *_problem_lines(r), ""]
    if records is None:
        return "\n".join(lines)
    if not records:
        return "\n".join([*lines, "数据文件没有改动。", ""])
    lines += [counts_line(records), ""]
    if site_url:
        lines += [f"链接指向网站 {md(site_url)} 上的页面；新增的记录在合并发布后才有页面。", ""]
    if len(records) > MARKDOWN_RECORDS:
        left = len(records) - MARKDOWN_RECORDS
        lines += [f"下面列出前 {MARKDOWN_RECORDS} 条；其余 {left} 条见 `scripts/kb diff --format json`。", ""]
        records = records[:MARKDOWN_RECORDS]
    for i, r in enumerate(records):
        if i == 0 or records[i - 1].collection != r.collection:
            lines += [f"### {md(r.label)}", ""]
        lines.append(_heading(r, site_url))
        lines += [f"  - {md(f.label)}：{_value(f)}" for f in r.fields]
        if i + 1 == len(records) or records[i + 1].collection != r.collection:
            lines.append("")
    return "\n".join(lines)


def _problem_lines(r: Read) -> list[str]:
    """The version's first problems, each at its ``file:line`` (a code span) and in words."""
    out = []
    for p in r.problems[:PROBLEMS_SHOWN]:
        where = f"`{p.file}:{p.line}`" if "`" not in p.file else md(f"{p.file}:{p.line}")
        out.append(f"- {where}：{md(p.record)}：{md(p.field)}：{md(p.message)}")
    if len(r.problems) > PROBLEMS_SHOWN:
        out.append(f"- ……另有 {len(r.problems) - PROBLEMS_SHOWN} 处，见 `scripts/kb check`。")
    return out


def counts_line(records: list[RecordDiff]) -> str:
    counts = {k: sum(r.kind == k for r in records) for k in KIND_WORD}
    parts = "，".join(f"{KIND_WORD[k]} {n} 条" for k, n in counts.items() if n)
    return f"共 {len(records)} 条记录：{parts}。"


def as_json(
    records: list[RecordDiff] | None,
    base: str,
    head: str,
    path: str,
    site_url: str = "",
    reads: tuple[Read, ...] = (),
) -> str:
    """The change for tools; ``errors``: each version that fails the check or cannot be read
    (then ``records`` is null), with all its problems."""
    out = {
        "file": path,
        "base": base,
        "head": head,
        "errors": [r.as_json() for r in reads if r.problems],
        "records": None
        if records is None
        else [
            {
                **{k: v for k, v in asdict(r).items() if k != "fields"},
                "url": r.url(site_url),
                "fields": [{**asdict(f), "words": [list(w) for w in f.words]} for f in r.fields],
            }
            for r in records
        ],
        "subject": subject(records or []),
    }
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


# the longest subject proposed with names; beyond it, counts
SUBJECT_LIMIT = 60


def subject(records: list[RecordDiff]) -> str:
    """A Chinese commit subject naming the records changed, e.g.
    ``试点：新增“甲”，修改“乙”的状态；经验：“丙”改名为“丁”``: with what changed in each record
    when that fits SUBJECT_LIMIT characters, else the records' names only, else counts."""
    if not records:
        return ""
    by_label: dict[str, list[RecordDiff]] = {}
    for r in records:
        by_label.setdefault(r.label, []).append(r)
    for detailed in (True, False):
        named = "；".join(f"{label}：{'，'.join(_phrases(rs, detailed))}" for label, rs in by_label.items())
        if len(named) <= SUBJECT_LIMIT:
            return named
    return "；".join(
        f"{label}："
        + "、".join(f"{KIND_WORD[k]} {n} 条" for k in KIND_WORD if (n := sum(r.kind == k for r in rs)))
        for label, rs in by_label.items()
    )


# a name longer than this is cut in a subject
SUBJECT_NAME = 16


def _name(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= SUBJECT_NAME else text[: SUBJECT_NAME - 1] + "…"


def _names(rs: list[RecordDiff]) -> str:
    shown = "".join(f"“{_name(r.name or r.old_name or r.id)}”" for r in rs[:2])
    return shown + (f"等 {len(rs)} 条" if len(rs) > 2 else "")


def _phrases(rs: list[RecordDiff], detailed: bool) -> list[str]:
    """What happened to the records of one collection: added, changed, renamed, removed;
    ``detailed``: a single changed record with its fields (or its new name)."""
    out = []
    for kind in (ADDED, CHANGED, RENAMED, REMOVED):
        group = [r for r in rs if r.kind == kind]
        if not group:
            continue
        r = group[0]
        if detailed and kind == CHANGED and len(group) == 1:
            if r.old_name and r.name and len(r.old_name) + len(r.name) <= 2 * SUBJECT_NAME:
                out.append(f"“{r.old_name}”改名为“{r.name}”")
                continue
            labels = list(dict.fromkeys(f.label for f in r.fields))
            what = "、".join(labels[:3]) + ("等" if len(labels) > 3 else "")
            out.append(f"修改“{_name(r.name or r.id)}”的{what}")
        elif detailed and kind == RENAMED and len(group) == 1:
            out.append(f"“{_name(r.name or r.id)}”的编号改为 {r.id}")
        else:
            out.append(f"{KIND_WORD[kind]}{_names(group)}")
    return out
