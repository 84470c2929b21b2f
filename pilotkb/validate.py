"""Check the loaded data and report every problem at once, each at its line."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .catalog import Catalog
from .errors import DataError, Problem
from .load import Located, Path_, load
from .model import COLLECTIONS, DATE_RE, REFERENCES, Catalogue

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# Fields whose digits are addresses or bookkeeping, not statements of the source.
_NOT_STATED = {
    "id",
    "source",
    "quote",
    "link",
    "file",
    "number",
    # references and fixed vocabularies carry no statement of the source
    *{fld for fields in REFERENCES.values() for fld in fields},
    "level",
    "domains",
    "status",
    "kind",
    "instrument",
    "domain",
}
_COLLECTION_LABEL = {
    "sources": "来源",
    "areas": "地区",
    "pilots": "试点",
    "experiences": "经验",
    "coverage": "报道",
    "events": "活动",
    "evaluations": "评估",
    "figures": "数字",
}


def validate_file(path: Path | str) -> Catalog:
    """Load and check ``path``; return the catalogue or raise ``DataError`` with all problems."""
    path = Path(path)
    located = load(path)
    return validate(located, path)


def validate(located: Located, path: Path) -> Catalog:
    checker = _Checker(located, path)
    return checker.run()


class _Checker:
    def __init__(self, located: Located, path: Path):
        self.loc = located
        self.path = path
        self.problems: list[Problem] = []

    # -- helpers ------------------------------------------------------------------
    def record_label(self, path: Path_) -> str:
        data = self.loc.data
        if len(path) >= 2 and isinstance(path[1], int) and isinstance(data, dict):
            coll = data.get(path[0])
            if isinstance(coll, list) and path[1] < len(coll):
                rec = coll[path[1]]
                if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                    return rec["id"]
            return f"{path[0]}[{path[1]}]"
        return "(文件)"

    def add(self, path: Path_, message: str, line: int | None = None) -> None:
        if len(path) >= 2 and isinstance(path[1], int):
            rest = path[2:]
        else:
            rest = path
        fld = ""
        for part in rest:
            fld += f"[{part}]" if isinstance(part, int) else (f".{part}" if fld else str(part))
        self.problems.append(
            Problem(
                self.loc.file,
                line if line is not None else self.loc.line(path),
                self.record_label(path),
                fld or "(记录)",
                message,
            )
        )

    # -- run ----------------------------------------------------------------------
    def run(self) -> Catalog:
        data = self.loc.data
        self.schema_bad: set[Path_] = set()
        for path, line, message in self.loc.problems:
            self.add(path, message, line)
        bad = {p for p, _, _ in self.loc.problems}
        if not isinstance(data, dict):
            self.add((), "文件顶层应为映射；允许：以 " + "、".join(COLLECTIONS) + " 为键")
            raise DataError(self.problems)
        for key in data:
            if key not in COLLECTIONS:
                self.add((key,), "未知的集合；允许：" + "、".join(COLLECTIONS))
        valid: dict[str, list[tuple[int, Any]]] = {}
        for coll, model_cls in COLLECTIONS.items():
            items = data.get(coll)
            valid[coll] = []
            if items is None:
                continue
            if not isinstance(items, list):
                self.add((coll,), f"应为列表，实际是{_kind_of(items)}；允许：以“- ”开头的记录列表")
                continue
            for i, item in enumerate(items):
                if (coll, i) in bad:
                    continue
                try:
                    valid[coll].append((i, model_cls.model_validate(item)))
                except ValidationError as exc:
                    for err in exc.errors():
                        path = (coll, i, *err["loc"])
                        if not any(path[: len(b)] == b for b in bad):
                            self.pydantic_error(err, path)
                        self.schema_bad.add(path[:3])
        if not valid["sources"] and not isinstance(data.get("sources"), list):
            self.add(("sources",), "缺少来源；允许：至少一条 sources 记录")
        self.check_raw_ids(data)
        self.check_references()
        self.check_quotes()
        if self.problems:
            raise DataError(self.problems)
        model = Catalogue.model_construct(**{c: [r for _, r in v] for c, v in valid.items()})
        return Catalog.build(model, self.path)

    def pydantic_error(self, err: Any, full: Path_) -> None:
        path: list[str | int] = list(full)
        kind = err["type"]
        ctx = err.get("ctx") or {}
        given = err.get("input")
        field_model, field_name = _field_at(tuple(path))
        if kind == "missing":
            desc = _describe(field_model, field_name)
            msg = f"缺少必填字段；允许：{desc}" if desc else "缺少必填字段"
            self.add(tuple(path), msg)
            return
        if kind == "extra_forbidden":
            parent_model, _ = _field_at(tuple(path))
            allowed = "、".join(parent_model.model_fields) if parent_model else ""
            self.add(tuple(path), f"未知字段；允许的字段：{allowed}")
            return
        if kind == "enum":
            self.add(tuple(path), f"取值“{given}”无效；允许：{_enum_choices(ctx.get('expected', ''))}")
            return
        if kind in ("string_type",):
            self.add(tuple(path), f"应为文字，实际是{_kind_of(given)}；允许：文字（必要时加引号）")
            return
        if kind in ("list_type",):
            self.add(tuple(path), f"应为列表，实际是{_kind_of(given)}；允许：以“- ”开头的列表")
            return
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            self.add(tuple(path), f"应为映射（键: 值），实际是{_kind_of(given)}")
            return
        if kind.startswith("float") or kind.startswith("int"):
            self.add(tuple(path), f"应为数字，实际是“{given}”；允许：如 4.48（约数请只写在 value 中）")
            return
        if kind in ("too_short", "string_too_short"):
            self.add(tuple(path), "不能为空；允许：至少一项内容")
            return
        if kind == "value_error":
            self.add(tuple(path), str(ctx.get("error", err["msg"])))
            return
        self.add(tuple(path), f"{err['msg']}")

    def check_raw_ids(self, data: dict[str, Any]) -> None:
        for coll in COLLECTIONS:
            items = data.get(coll)
            if not isinstance(items, list):
                continue
            seen: dict[str, int] = {}
            for i, rec in enumerate(items):
                if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                    self._dup(coll, i, rec["id"], seen)

    def _dup(self, coll: str, i: int, rid: str, seen: dict[str, int]) -> None:
        if rid in seen:
            first = self.loc.line((coll, seen[rid], "id"))
            self.add(
                (coll, i, "id"),
                f"编号“{rid}”重复（第 {first} 行已使用）；允许：在{_COLLECTION_LABEL[coll]}中唯一的编号",
            )
        else:
            seen[rid] = i

    def records(self, coll: str) -> list[tuple[int, dict[str, Any]]]:
        items = self.loc.data.get(coll)
        if not isinstance(items, list):
            return []
        return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]

    def check_references(self) -> None:
        """Dangling references, checked on the raw data so that no record is skipped."""
        ids = {c: {r["id"] for _, r in self.records(c) if isinstance(r.get("id"), str)} for c in COLLECTIONS}
        for coll, fields in REFERENCES.items():
            for i, rec in self.records(coll):
                for fld, target in fields.items():
                    value = rec.get(fld)
                    refs = value if isinstance(value, list) else [value]
                    for j, ref in enumerate(refs):
                        if isinstance(ref, str) and ref not in ids[target]:
                            where = (coll, i, fld, j) if isinstance(value, list) else (coll, i, fld)
                            self.add(where, _dangling(ref, target, ids[target]))
        for coll in COLLECTIONS:
            for i, rec in self.records(coll):
                for sub_path, cited in _cited_parts(rec, (coll, i)) if coll != "sources" else []:
                    src = cited.get("source")
                    if isinstance(src, str) and src not in ids["sources"]:
                        self.add((*sub_path, "source"), _dangling(src, "sources", ids["sources"]))

    def check_quotes(self) -> None:
        texts: dict[str, str | None] = {}
        for i, src in self.records("sources"):
            sid, file = src.get("id"), src.get("file")
            if not isinstance(sid, str):
                continue
            texts[sid] = None
            if isinstance(file, str):
                f = (self.path.parent / file).resolve()
                if not f.is_file():
                    self.add(("sources", i, "file"), f"找不到原文文件 {file}；允许：相对于 data/ 的文件路径")
                else:
                    texts[sid] = _normalise(f.read_text(encoding="utf-8"))
        for coll in COLLECTIONS:
            if coll == "sources":
                continue
            for i, rec in self.records(coll):
                for sub_path, cited in _cited_parts(rec, (coll, i)):
                    quote = cited.get("quote")
                    quotes = [quote] if isinstance(quote, str) else quote
                    if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
                        continue  # the schema reports it
                    text = texts.get(cited.get("source"))  # type: ignore[arg-type]
                    if text is not None:
                        for k, q in enumerate(quotes):
                            if _normalise(q) not in text:
                                self.add(
                                    (*sub_path, "quote", k)
                                    if isinstance(quote, list)
                                    else (*sub_path, "quote"),
                                    f"引文在来源“{cited.get('source')}”中找不到：“{_short(q)}”；"
                                    "允许：来源原文中逐字出现的句子或片段",
                                )
                    joined = "\n".join(quotes)
                    for fld, number in _stated_numbers(cited):
                        if (*sub_path, fld)[:3] in self.schema_bad and len(sub_path) == 2:
                            continue  # the schema already reports this field
                        if number not in joined:
                            self.add(
                                (*sub_path, fld),
                                f"数字“{number}”不在本条引文中；允许：引文里逐字出现的数字（或补充含该数字的引文）",
                            )


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _dangling(ref: str, target: str, known: set[str]) -> str:
    near = sorted(k for k in known if k.split("-")[0] == ref.split("-")[0])[:3]
    hint = f"（相近的编号：{'、'.join(near)}）" if near else ""
    return f"引用的编号“{ref}”在 {target} 中不存在{hint}；允许：{target} 中已有记录的 id"


def _cited_parts(rec: dict[str, Any], path: Path_) -> list[tuple[Path_, dict[str, Any]]]:
    """The record itself and each nested item that carries its own quote."""
    out: list[tuple[Path_, dict[str, Any]]] = [(path, rec)]
    for name, value in rec.items():
        if isinstance(value, list):
            for j, item in enumerate(value):
                if isinstance(item, dict) and ("quote" in item or "source" in item):
                    out.append(((*path, name, j), item))
    return out


_DATE_FIELDS = {"date", "approved", "deadline", "as_of", "reported"}


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


def _field_at(loc: tuple[Any, ...]) -> tuple[type[BaseModel] | None, str | None]:
    """The model owning the last named field of ``loc``, and that field's name."""
    model: type[BaseModel] | None = Catalogue
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
