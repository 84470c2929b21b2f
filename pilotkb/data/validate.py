"""Check the loaded data and report every problem at once, each at its line.

Validation is a list of checks (``CHECKS``); each is a function that reads the loaded data
through a ``Context`` and yields problems. Every check runs, whatever the others found, so
an editor sees all mistakes in one go. Each check has a fixture in ``tests/fixtures/bad/``.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from pilotkb.data import fastload
from pilotkb.data.catalog import Catalog
from pilotkb.data.load import DataPath, Located, collapse_space, display_name, load
from pilotkb.data.model import DATE_RE
from pilotkb.data.registry import FILE_ORDER, REGISTRY, DataFile, cited_parts
from pilotkb.errors import DataError, Problem

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_DATE_FIELDS = {"date", "approved", "deadline", "as_of", "reported"}
# Fields whose digits are addresses, bookkeeping or fixed vocabularies, not statements.
_NOT_STATED = {
    "id",
    "source",
    "quote",
    "link",
    "file",
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
    return _valid_quickly(path) or validate(load(path), path)


def _valid_quickly(path: Path) -> Catalog | None:
    """The catalogue of a valid file through the quick reader (no nodes, no line numbers).

    ``None`` whenever the quick reader cannot read the file or any check finds a problem:
    the detailed path then reads it again and reports every problem at its line, so the
    messages are the detailed path's own.
    """
    try:
        data = fastload.read(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    ctx = Context(Located(data, {}, display_name(path)), path)
    for check in CHECKS:
        for _ in check(ctx):
            return None
    return _catalog(ctx, path)


def validate(located: Located, path: Path) -> Catalog:
    ctx = Context(located, path)
    for problem in ctx.loc.problems:
        ctx.problems.append(ctx.problem(problem[0], problem[2], problem[1]))
    if not isinstance(located.data, dict):
        ctx.problems.append(ctx.problem((), "文件顶层应为映射；允许：以 " + "、".join(FILE_ORDER) + " 为键"))
        raise DataError(ctx.problems)
    for check in CHECKS:
        ctx.problems.extend(check(ctx))
    if ctx.problems:
        raise DataError(ctx.problems)
    return _catalog(ctx, path)


def _catalog(ctx: Context, path: Path) -> Catalog:
    model = DataFile.model_construct(**{c: [r for _, r in ctx.valid[c]] for c in FILE_ORDER})
    return Catalog(model, path)


class Context:
    """The loaded data, its lines, and what earlier checks learnt about it."""

    def __init__(self, located: Located, path: Path):
        self.loc = located
        self.path = path
        self.problems: list[Problem] = []
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


Check = Callable[[Context], Iterator[Problem]]

# --- the checks ----------------------------------------------------------------------


def check_collections(ctx: Context) -> Iterator[Problem]:
    """Top-level keys are collections; the file has at least one source."""
    data = ctx.loc.data
    for key in data:
        if key not in REGISTRY:
            yield ctx.problem((key,), "未知的集合；允许：" + "、".join(FILE_ORDER))
    if not isinstance(data.get("sources"), list):
        yield ctx.problem(("sources",), "缺少来源；允许：至少一条 sources 记录")


def check_schema(ctx: Context) -> Iterator[Problem]:
    """Each record against its model: fields, types, vocabularies, dates, links."""
    bad = {p for p, _, _ in ctx.loc.problems}
    for coll in FILE_ORDER:
        items = ctx.loc.data.get(coll)
        if items is None:
            continue
        if not isinstance(items, list):
            yield ctx.problem((coll,), f"应为列表，实际是{_kind_of(items)}；允许：以“- ”开头的记录列表")
            continue
        model = REGISTRY[coll].model
        for i, item in enumerate(items):
            if (coll, i) in bad:
                continue  # the loader already reported it (an alias, a tag)
            try:
                ctx.valid[coll].append((i, model.model_validate(item)))
            except ValidationError as exc:
                for err in exc.errors():
                    path = (coll, i, *err["loc"])
                    if not any(path[: len(b)] == b for b in bad):
                        yield ctx.problem(path, pydantic_message(err, path))
                    ctx.schema_bad.add(path[:3])


def check_unique_ids(ctx: Context) -> Iterator[Problem]:
    for coll in FILE_ORDER:
        seen: dict[str, int] = {}
        for i, rec in ctx.records(coll):
            rid = rec.get("id")
            if not isinstance(rid, str):
                continue
            if rid in seen:
                first = ctx.loc.line((coll, seen[rid], "id"))
                yield ctx.problem(
                    (coll, i, "id"),
                    f"编号“{rid}”重复（第 {first} 行已使用）；允许：在{REGISTRY[coll].label}中唯一的编号",
                )
            else:
                seen[rid] = i


def check_references(ctx: Context) -> Iterator[Problem]:
    """Dangling references, checked on the raw data so that no record is skipped."""
    ids = {c: ctx.ids(c) for c in FILE_ORDER}
    for coll, c in REGISTRY.items():
        for i, rec in ctx.records(coll):
            for fld, target in c.references.items():
                value = rec.get(fld)
                refs = value if isinstance(value, list) else [value]
                for j, ref in enumerate(refs):
                    if isinstance(ref, str) and ref not in ids[target]:
                        where = (coll, i, fld, j) if isinstance(value, list) else (coll, i, fld)
                        yield ctx.problem(where, _dangling(ref, target, ids[target]))
    for path, item in ctx.cited():
        src = item.get("source")
        if isinstance(src, str) and src not in ids["sources"]:
            yield ctx.problem((*path, "source"), _dangling(src, "sources", ids["sources"]))


def check_source_files(ctx: Context) -> Iterator[Problem]:
    """Each source's text file: inside the data folder, present, UTF-8. Read once, here."""
    folder = ctx.path.parent.resolve()
    for i, src in ctx.records("sources"):
        sid, file = src.get("id"), src.get("file")
        if not isinstance(sid, str):
            continue
        ctx.texts[sid] = None
        if not isinstance(file, str):
            continue
        where = ("sources", i, "file")
        pure = PurePosixPath(file.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", file):
            yield ctx.problem(
                where, f"文件路径“{file}”不允许；允许：数据文件所在目录下的相对路径，如 sources/原文.txt"
            )
            continue
        target = (folder / pure).resolve()
        if not target.is_relative_to(folder):
            yield ctx.problem(where, f"文件“{file}”指向数据目录之外；允许：数据文件所在目录下的文件")
        elif not target.is_file():
            yield ctx.problem(where, f"找不到原文文件 {file}；允许：相对于 data/ 的文件路径")
        else:
            try:
                ctx.texts[sid] = SourceText(collapse_space(target.read_bytes().decode("utf-8-sig")))
            except UnicodeDecodeError as exc:
                yield ctx.problem(
                    where,
                    f"原文文件 {file} 第 {exc.start + 1} 字节不是合法的 UTF-8；允许：UTF-8 编码的文本文件",
                )


def check_quotes(ctx: Context) -> Iterator[Problem]:
    """Every quote appears word for word in its source's text."""
    for path, item in ctx.cited():
        quote = item.get("quote")
        quotes = _quote_list(quote)
        text = ctx.texts.get(item.get("source"))  # type: ignore[arg-type]
        if quotes is None or text is None:
            continue  # the schema or the source-file check reports it
        for k, q in enumerate(quotes):
            if not text.contains(collapse_space(q)):
                yield ctx.problem(
                    (*path, "quote", k) if isinstance(quote, list) else (*path, "quote"),
                    f"引文在来源“{item.get('source')}”中找不到：“{_short(q)}”；允许：来源原文中逐字出现的句子或片段",
                )


def check_numbers(ctx: Context) -> Iterator[Problem]:
    """Every number written in a record's own fields is in its quote."""
    for path, item in ctx.cited():
        quotes = _quote_list(item.get("quote"))
        if quotes is None:
            continue
        joined = "\n".join(quotes)
        for fld, number in _stated_numbers(item):
            if len(path) == 2 and (*path, fld) in ctx.schema_bad:
                continue  # the schema already reports this field
            if number not in joined:
                yield ctx.problem(
                    (*path, fld),
                    f"数字“{number}”不在本条引文中；允许：引文里逐字出现的数字（或补充含该数字的引文）",
                )


class SourceText:
    """A source's normalised text, answering "is this quote in it?" without scanning it whole.

    A 10,000-pilot catalogue checks tens of thousands of quotes against a source of millions
    of characters; ``quote in text`` scans the text each time. Most quotes hold a whole
    sentence, so the text's sentences are indexed by their start: a quote holding a sentence
    that begins after one of its own sentence ends can only occur where the text has that
    sentence, and is compared there. A quote of one sentence is looked up as a sentence of
    the text first; anything else is searched as before.
    """

    _END = re.compile(r"[。！？；] ?")

    def __init__(self, text: str):
        self.text = text
        self.starts: dict[str, list[int]] | None = None

    def _index(self) -> dict[str, list[int]]:
        starts: dict[str, list[int]] = {}
        text, pos = self.text, 0
        for m in self._END.finditer(text):
            # the sentence from ``pos`` to this end mark (its mark included, the space not)
            starts.setdefault(text[pos : m.start() + 1], []).append(pos)
            pos = m.end()
        return starts

    def contains(self, quote: str) -> bool:
        ends = [m.end() for m in self._END.finditer(quote)]
        if not ends:
            return quote in self.text
        if self.starts is None:
            self.starts = self._index()
        text = self.text
        if len(ends) == 1:
            # one sentence (or a sentence and a fragment): found quickly where the text has
            # that sentence on its own; otherwise searched
            first = quote[: ends[0]].rstrip(" ")
            return any(text.startswith(quote, at) for at in self.starts.get(first, ())) or quote in text
        # the quote's second sentence starts right after an end mark, so it does in the text too
        start, stop = ends[0], ends[1]
        sentence = quote[start:stop].rstrip(" ")
        return any(text.startswith(quote, at - start) for at in self.starts.get(sentence, ()) if at >= start)


CHECKS: tuple[Check, ...] = (
    check_collections,
    check_schema,
    check_unique_ids,
    check_references,
    check_source_files,
    check_quotes,
    check_numbers,
)

# --- pydantic's errors, in the editors' words ------------------------------------------


def _missing(err: Any, path: DataPath) -> str:
    desc = _describe(*_field_at(path))
    return f"缺少必填字段；允许：{desc}" if desc else "缺少必填字段"


def _extra(err: Any, path: DataPath) -> str:
    model, _ = _field_at(path)
    return f"未知字段；允许的字段：{'、'.join(model.model_fields) if model else ''}"


# error type (or prefix ending in "*") -> message
PYDANTIC_MESSAGES: dict[str, Callable[[Any, DataPath], str]] = {
    "missing": _missing,
    "extra_forbidden": _extra,
    "enum": lambda e, p: (
        f"取值“{e.get('input')}”无效；允许：{_enum_choices((e.get('ctx') or {}).get('expected', ''))}"
    ),
    "string_type": lambda e, p: f"应为文字，实际是{_kind_of(e.get('input'))}；允许：文字（必要时加引号）",
    "list_type": lambda e, p: f"应为列表，实际是{_kind_of(e.get('input'))}；允许：以“- ”开头的列表",
    "model_type": lambda e, p: f"应为映射（键: 值），实际是{_kind_of(e.get('input'))}",
    "dict_type": lambda e, p: f"应为映射（键: 值），实际是{_kind_of(e.get('input'))}",
    "model_attributes_type": lambda e, p: f"应为映射（键: 值），实际是{_kind_of(e.get('input'))}",
    "float*": lambda e, p: f"应为数字，实际是“{e.get('input')}”；允许：如 4.48（约数请只写在 value 中）",
    "int*": lambda e, p: f"应为数字，实际是“{e.get('input')}”；允许：如 4.48（约数请只写在 value 中）",
    "too_short": lambda e, p: "不能为空；允许：至少一项内容",
    "string_too_short": lambda e, p: "不能为空；允许：至少一项内容",
    "value_error": lambda e, p: str((e.get("ctx") or {}).get("error", e["msg"])),
}


def pydantic_message(err: Any, path: DataPath) -> str:
    kind = err["type"]
    fn = PYDANTIC_MESSAGES.get(kind) or next(
        (f for k, f in PYDANTIC_MESSAGES.items() if k.endswith("*") and kind.startswith(k[:-1])), None
    )
    return fn(err, path) if fn else str(err["msg"])


# --- helpers -------------------------------------------------------------------------


def _quote_list(quote: Any) -> list[str] | None:
    quotes = [quote] if isinstance(quote, str) else quote
    if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
        return None
    return quotes


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _dangling(ref: str, target: str, known: set[str]) -> str:
    near = sorted(k for k in known if k.split("-")[0] == ref.split("-")[0])[:3]
    hint = f"（相近的编号：{'、'.join(near)}）" if near else ""
    return f"引用的编号“{ref}”在 {target} 中不存在{hint}；允许：{target} 中已有记录的 id"


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


def _field_at(loc: DataPath) -> tuple[type[BaseModel] | None, str | None]:
    """The model owning the last named field of ``loc``, and that field's name."""
    model: type[BaseModel] | None = DataFile
    owner: type[BaseModel] | None = None
    name: str | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return model, part if isinstance(part, str) else None
        owner, name = model, part
        model = _inner_model(model.model_fields[part].annotation)
    return owner, name


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType) or origin is not None:
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found:
                return found
    return None


def _describe(model: type[BaseModel] | None, name: str | None) -> str:
    if model is None or name is None or name not in model.model_fields:
        return ""
    return model.model_fields[name].description or ""


def _enum_choices(expected: str) -> str:
    items = re.findall(r"'([^']*)'", expected)
    return "、".join(items) if items else expected


def _kind_of(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return f"“{value}”"
