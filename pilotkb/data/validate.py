"""Check the loaded data and report every problem at once, each at its line.

Validation is a list of checks (``CHECKS``); each is a function that reads the loaded data
through a ``ValidationRun`` (one validation of one file) and yields problems. Every check
runs, whatever the others found, so an editor sees all mistakes in one go. Each check has a
fixture in ``tests/fixtures/bad/``. The wording of the messages is in ``data.messages``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from pilotkb.data import fastload
from pilotkb.data.catalog import Catalog
from pilotkb.data.load import DataPath, Located, collapse_space, decode_text, display_name, load, loads
from pilotkb.data.messages import dangling_reference, kind_of, pydantic_message
from pilotkb.data.model import DATE_RE, OriginalType
from pilotkb.data.registry import FILE_ORDER, REGISTRY, DataFile, cited_parts
from pilotkb.data.sourcetext import SourceText
from pilotkb.errors import DataError, Problem
from pilotkb.files import read_input

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_DATE_FIELDS = {"date", "approved", "deadline", "as_of", "reported"}
# Fields whose digits are addresses, bookkeeping or fixed vocabularies, not statements.
_NOT_STATED = {
    "id",
    "source",
    "quote",
    "link",
    "file",
    "original",
    "original_size",
    "original_sha256",
    "number",
    *{fld for c in REGISTRY.values() for fld in c.references},
    "level",
    "domains",
    "status",
    "kind",
    "instrument",
    "domain",
    "body_level",
}


def validate_file(path: Path | str) -> Catalog:
    """Load and check ``path``; return the catalogue or raise ``DataError`` with all problems."""
    path = Path(path)
    try:
        text = read_input(path).decode("utf-8-sig")
    except (DataError, UnicodeDecodeError):
        text = None  # the detailed path says what is wrong
    run = _valid_quickly(text, path, display_name(path)) if text is not None else None
    return _catalog(run, path) if run is not None else validate(load(path), path)


def _valid_quickly(text: str, path: Path, shown: str) -> ValidationRun | None:
    """The run of a valid file through the quick reader (no nodes, no line numbers).

    ``None`` whenever the quick reader cannot read the file or any check finds a problem:
    the detailed path then reads it again and reports every problem at its line, so the
    messages are the detailed path's own.
    """
    try:
        data = fastload.read(text)
    except DataError:
        return None
    if not isinstance(data, dict):
        return None
    # the records' lines only (the quick reader keeps no others); messages never come from here
    run = ValidationRun(Located(data, fastload.item_lines(text, data), shown), path)
    for check in CHECKS:
        for _ in check(run):
            return None
    return run


def validate(located: Located, path: Path) -> Catalog:
    run = _checked(located, path)
    if run.problems:
        raise DataError(run.problems)
    return _catalog(run, path)


def _checked(located: Located, path: Path) -> ValidationRun:
    """Every check run over ``located``; ``run.blocking`` holds the problems that keep its
    records from being told apart (form, top level, an id used twice)."""
    run = ValidationRun(located, path)
    for problem in run.loc.problems:
        run.blocking.append(run.problem(problem[0], problem[2], problem[1]))
    if not isinstance(located.data, dict):
        run.blocking.append(run.problem((), "文件顶层应为映射；允许：以 " + "、".join(FILE_ORDER) + " 为键"))
        run.problems.extend(run.blocking)
        return run
    run.problems.extend(run.blocking)
    for check in CHECKS:
        found = list(check(run))
        run.problems.extend(found)
        if check is check_unique_ids:
            run.blocking.extend(found)
    return run


@dataclass(frozen=True)
class Checked:
    """One version of the data file as ``kb check`` reads it: its plain data and every
    problem the check finds in it (none: it passes)."""

    data: dict[str, Any]
    problems: tuple[Problem, ...]


def check_text(raw: bytes, path: Path, shown: str) -> Checked:
    """``kb check`` on ``raw``, a version of the data file at ``path``, named
    ``shown`` in messages: the readers of ``validate_file``. ``DataError`` with every problem
    when its records cannot be told apart (missing, empty, not UTF-8 or YAML, not a mapping,
    anchors, aliases, tags, duplicate keys, an id used twice in a collection)."""
    text = decode_text(raw, shown)
    run = _valid_quickly(text, path, shown)
    if run is not None:
        return Checked(run.loc.data, ())
    run = _checked(loads(text, shown), path)
    if run.blocking:
        raise DataError(run.problems)
    return Checked(run.loc.data, tuple(sorted(set(run.problems))))


def _catalog(run: ValidationRun, path: Path) -> Catalog:
    model = DataFile.model_construct(**{c: [r for _, r in run.valid[c]] for c in FILE_ORDER})
    known = run.loc.lines
    lines = {(c, r.id): known[(c, i)] for c in FILE_ORDER for i, r in run.valid[c] if (c, i) in known}
    return Catalog(model, path, lines)


class ValidationRun:
    """One validation of one file: the loaded data, its lines, what earlier checks learnt
    about it and the problems found so far."""

    def __init__(self, located: Located, path: Path):
        self.loc = located
        self.path = path
        self.problems: list[Problem] = []
        self.blocking: list[Problem] = []  # problems that keep records from being told apart
        self.valid: dict[str, list[tuple[int, Any]]] = {c: [] for c in FILE_ORDER}
        self.schema_bad: set[DataPath] = set()  # (collection, index, field) the schema rejected
        self.texts: dict[str, SourceText | None] = {}  # source id -> its normalised text, if readable
        self._cited: list[tuple[DataPath, dict[str, Any]]] | None = None

    def record_label(self, path: DataPath) -> str:
        data = self.loc.data
        if len(path) >= 2 and isinstance(path[1], int) and isinstance(data, dict):
            coll = data.get(path[0])
            if isinstance(coll, list) and path[1] < len(coll):
                rec = coll[path[1]]
                if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                    return rec["id"]
            return f"{path[0]}[{path[1]}]"
        return "(文件)"

    def problem(self, path: DataPath, message: str, line: int | None = None) -> Problem:
        rest = path[2:] if len(path) >= 2 and isinstance(path[1], int) else path
        fld = ""
        for part in rest:
            fld += f"[{part}]" if isinstance(part, int) else (f".{part}" if fld else str(part))
        return Problem(
            self.loc.file,
            line if line is not None else self.loc.line(path),
            self.record_label(path),
            fld or "(记录)",
            message,
        )

    def records(self, coll: str) -> list[tuple[int, dict[str, Any]]]:
        items = self.loc.data.get(coll)
        if not isinstance(items, list):
            return []
        return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]

    def ids(self, coll: str) -> set[str]:
        return {r["id"] for _, r in self.records(coll) if isinstance(r.get("id"), str)}

    def cited(self) -> list[tuple[DataPath, dict[str, Any]]]:
        """Every record (but sources) and nested item that rests on a quote, with its path."""
        if self._cited is None:  # three checks walk them: collected once
            self._cited = [
                ((coll, i, *sub), item)
                for coll in FILE_ORDER
                if coll != "sources"
                for i, rec in self.records(coll)
                for sub, item in cited_parts(coll, rec)
            ]
        return self._cited


Check = Callable[[ValidationRun], Iterator[Problem]]

# --- the checks ----------------------------------------------------------------------


def check_collections(run: ValidationRun) -> Iterator[Problem]:
    """Top-level keys are collections; the file has at least one source."""
    data = run.loc.data
    for key in data:
        if key not in REGISTRY:
            yield run.problem((key,), "未知的集合；允许：" + "、".join(FILE_ORDER))
    if not isinstance(data.get("sources"), list):
        yield run.problem(("sources",), "缺少来源；允许：至少一条 sources 记录")


def check_schema(run: ValidationRun) -> Iterator[Problem]:
    """Each record against its model: fields, types, vocabularies, dates, links."""
    bad = {p for p, _, _ in run.loc.problems}
    for coll in FILE_ORDER:
        items = run.loc.data.get(coll)
        if items is None:
            continue
        if not isinstance(items, list):
            yield run.problem((coll,), f"应为列表，实际是{kind_of(items)}；允许：以“- ”开头的记录列表")
            continue
        model = REGISTRY[coll].model
        for i, item in enumerate(items):
            if (coll, i) in bad:
                continue  # the loader already reported it (an alias, a tag)
            try:
                run.valid[coll].append((i, model.model_validate(item)))
            except ValidationError as exc:
                for err in exc.errors():
                    path = (coll, i, *err["loc"])
                    if not any(path[: len(b)] == b for b in bad):
                        yield run.problem(path, pydantic_message(err, path))
                    run.schema_bad.add(path[:3])


def check_unique_ids(run: ValidationRun) -> Iterator[Problem]:
    for coll in FILE_ORDER:
        seen: dict[str, int] = {}
        for i, rec in run.records(coll):
            rid = rec.get("id")
            if not isinstance(rid, str):
                continue
            if rid in seen:
                first = run.loc.line((coll, seen[rid], "id"))
                yield run.problem(
                    (coll, i, "id"),
                    f"编号“{rid}”重复（第 {first} 行已使用）；允许：在{REGISTRY[coll].label}中唯一的编号",
                )
            else:
                seen[rid] = i


def check_references(run: ValidationRun) -> Iterator[Problem]:
    """Dangling references, checked on the raw data so that no record is skipped."""
    ids = {c: run.ids(c) for c in FILE_ORDER}
    for coll, c in REGISTRY.items():
        for i, rec in run.records(coll):
            for fld, target in c.references.items():
                value = rec.get(fld)
                refs = value if isinstance(value, list) else [value]
                for j, ref in enumerate(refs):
                    if isinstance(ref, str) and ref not in ids[target]:
                        where = (coll, i, fld, j) if isinstance(value, list) else (coll, i, fld)
                        yield run.problem(where, dangling_reference(ref, target, ids[target]))
    for path, item in run.cited():
        src = item.get("source")
        if isinstance(src, str) and src not in ids["sources"]:
            yield run.problem((*path, "source"), dangling_reference(src, "sources", ids["sources"]))


def _data_file(run: ValidationRun, where: DataPath, file: str, what: str) -> Iterator[Problem | Path]:
    """The file a source names, inside the data folder and present; else its problem."""
    folder = run.path.parent.resolve()
    pure = PurePosixPath(file.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", file):
        yield run.problem(
            where, f"文件路径“{file}”不允许；允许：数据文件所在目录下的相对路径，如 sources/原文.txt"
        )
        return
    target = (folder / pure).resolve()
    if not target.is_relative_to(folder):
        yield run.problem(where, f"文件“{file}”指向数据目录之外；允许：数据文件所在目录下的文件")
    elif not target.exists():
        yield run.problem(where, f"找不到{what} {file}；允许：相对于 data/ 的文件路径")
    else:
        yield target


def check_source_files(run: ValidationRun) -> Iterator[Problem]:
    """Each source's text file: inside the data folder, present, UTF-8. Read once, here."""
    for i, src in run.records("sources"):
        sid, file = src.get("id"), src.get("file")
        if not isinstance(sid, str):
            continue
        run.texts[sid] = None
        if not isinstance(file, str):
            continue
        where = ("sources", i, "file")
        for found in _data_file(run, where, file, "原文文件"):
            if isinstance(found, Problem):
                yield found
                continue
            try:
                run.texts[sid] = SourceText(collapse_space(read_input(found, file).decode("utf-8-sig")))
            except DataError as exc:
                yield run.problem(where, f"原文文件 {file}：{exc.problems[0].message}")
            except UnicodeDecodeError as exc:
                yield run.problem(
                    where,
                    f"原文文件 {file} 第 {exc.start + 1} 字节不是合法的 UTF-8；允许：UTF-8 编码的文本文件",
                )


_ORIGINAL_FIELDS = ("original", "original_type", "original_size", "original_sha256")
# The first bytes of each kind of original (an HTML page: text, checked by its type alone).
_ORIGINAL_MAGIC = {OriginalType.docx: b"PK\x03\x04", OriginalType.pdf: b"%PDF-"}


def check_source_originals(run: ValidationRun) -> Iterator[Problem]:
    """Each source's original (kb source add): all four fields or none, the file present,
    and its size, SHA-256 and first bytes as recorded, so the file offered is the one the
    text was extracted from."""
    for i, src in run.records("sources"):
        given = [f for f in _ORIGINAL_FIELDS if src.get(f) is not None]
        if not given:
            continue
        missing = [f for f in _ORIGINAL_FIELDS if f not in given] + ([] if src.get("file") else ["file"])
        if missing:
            yield run.problem(
                ("sources", i, given[0]),
                f"原件信息不完整，缺少 {'、'.join(missing)}；允许：original、original_type、original_size、"
                "original_sha256 与 file 一起填写（用 scripts/kb source add 收录时自动写入），或都不填",
            )
            continue
        file = src["original"]
        if not isinstance(file, str):
            continue  # the schema reports it
        for found in _data_file(run, ("sources", i, "original"), file, "原件"):
            if isinstance(found, Problem):
                yield found
                continue
            yield from _original_matches(run, i, src, found)


def _original_matches(run: ValidationRun, i: int, src: dict[str, Any], path: Path) -> Iterator[Problem]:
    try:
        raw = read_input(path, src["original"])
    except DataError as exc:
        yield run.problem(("sources", i, "original"), f"原件 {src['original']}：{exc.problems[0].message}")
        return
    if src["original_size"] != len(raw):
        yield run.problem(
            ("sources", i, "original_size"),
            f"原件实际有 {len(raw)} 字节，记录的是 {src['original_size']}；允许：原件的实际字节数"
            "（原件被改动过？更正版请用 scripts/kb source replace 收录）",
        )
    elif hashlib.sha256(raw).hexdigest() != src["original_sha256"]:
        yield run.problem(
            ("sources", i, "original_sha256"),
            "原件的 SHA-256 与记录不符，文件已被改动；允许：收录时的原件（更正版请用 scripts/kb source replace 收录）",
        )
    magic = _ORIGINAL_MAGIC.get(src["original_type"])
    if magic is not None and not raw.startswith(magic):
        yield run.problem(
            ("sources", i, "original_type"),
            f"原件 {src['original']} 的内容不是 {src['original_type']}；允许：与原件内容相符的媒体类型",
        )


def check_quotes(run: ValidationRun) -> Iterator[Problem]:
    """Every quote appears word for word in its source's text."""
    for path, item in run.cited():
        quote = item.get("quote")
        quotes = _quote_list(quote)
        text = run.texts.get(item.get("source"))  # type: ignore[arg-type]
        if quotes is None or text is None:
            continue  # the schema or the source-file check reports it
        for k, q in enumerate(quotes):
            if not text.contains(collapse_space(q)):
                yield run.problem(
                    (*path, "quote", k) if isinstance(quote, list) else (*path, "quote"),
                    f"引文在来源“{item.get('source')}”中找不到：“{_short(q)}”；允许：来源原文中逐字出现的句子或片段",
                )


def check_numbers(run: ValidationRun) -> Iterator[Problem]:
    """Every number written in a record's own fields is in its quote."""
    for path, item in run.cited():
        quotes = _quote_list(item.get("quote"))
        if quotes is None:
            continue
        joined = "\n".join(quotes)
        for fld, number in _stated_numbers(item):
            if len(path) == 2 and (*path, fld) in run.schema_bad:
                continue  # the schema already reports this field
            if number not in joined:
                yield run.problem(
                    (*path, fld),
                    f"数字“{number}”不在本条引文中；允许：引文里逐字出现的数字（或补充含该数字的引文）",
                )


CHECKS: tuple[Check, ...] = (
    check_collections,
    check_schema,
    check_unique_ids,
    check_references,
    check_source_files,
    check_source_originals,
    check_quotes,
    check_numbers,
)

# --- helpers -------------------------------------------------------------------------


def _quote_list(quote: Any) -> list[str] | None:
    quotes = [quote] if isinstance(quote, str) else quote
    if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
        return None
    return quotes


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _stated_numbers(rec: dict[str, Any]) -> list[tuple[str, str]]:
    """Every number written in the record's own fields (not in nested cited items)."""
    out: list[tuple[str, str]] = []
    for name, value in rec.items():
        if name in _NOT_STATED:
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                continue
            text = str(v)
            if name in _DATE_FIELDS and DATE_RE.match(text):
                parts = text.split("-")
                out.append((name, parts[0]))
                out.extend((name, str(int(p))) for p in parts[1:])
                continue
            out.extend((name, n) for n in NUMBER_RE.findall(text))
    return out
