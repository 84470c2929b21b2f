"""The collections of the data file, each declared once.

A ``Collection`` says everything the site needs to know about one top-level list of
``data/pilots.yaml``: its model, its Chinese label, how a record is named, where its pages
live, what it refers to, how search shows it. URLs, links, validation labels, exports, the
search types and the data dictionary are all derived from this table, so adding a
collection (or a reference between two) is one entry here and a model in ``model.py``.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from pilotkb.data import model as m


@dataclass(frozen=True, kw_only=True)
class Collection:
    name: str  # key in the data file, also the URL folder of its pages
    model: type[BaseModel]
    label: str  # short Chinese noun: 试点, 经验 …
    description: str  # what the collection holds (data dictionary, JSON Schema)
    title_field: str  # the field that names a record in headings and links
    record_uri: str  # the page of one record; "{id}" is replaced
    index_uri: str  # the page that lists every record
    references: Mapping[str, str] = field(default_factory=dict)  # field -> collection
    search_type: tuple[str, str] = ("", "")  # (slug, label) of its search results
    row_anchor: str = ""  # records shown as rows of a shared page carry this anchor
    index_title: str = ""  # heading and intro of its paginated index page, if it has one
    index_intro: str = ""
    required: bool = False  # the data file must hold at least one record
    namer: Callable[[Any], str] | None = None  # when a single field does not name it
    result_title: Callable[[Any], str] | None = None  # a search result's title, if not the name
    result_parts: tuple[str, ...] = ()  # nested items that are search results of their own
    search_weight: float = 1.0  # below 1: its results rank after records using the same words

    # -- derived ------------------------------------------------------------------
    @property
    def has_pages(self) -> bool:
        """Each record has its own page (otherwise it is a row of ``index_uri``)."""
        return not self.row_anchor

    @property
    def template(self) -> str:
        return f"record_{self.name}.md.j2"

    def uri(self, rid: str) -> str:
        return self.record_uri.format(id=rid)

    def anchor(self, rid: str) -> str:
        return self.row_anchor.format(id=rid) if self.row_anchor else ""

    def title_of(self, rec: Any) -> str:
        return self.namer(rec) if self.namer else str(getattr(rec, self.title_field))

    def name_in(self, raw: Mapping[str, Any]) -> str | None:
        """The naming field of a record read as a plain mapping (one that may not validate,
        as in an old version of the file): None when it is missing or empty."""
        value = raw.get(self.title_field)
        return None if value in (None, "") else str(value).strip()

    @cached_property  # asked for every record by cited_parts
    def cited_fields(self) -> tuple[str, ...]:
        """Fields holding nested items that rest on their own quote (metrics, updates …)."""
        return tuple(
            name
            for name, f in self.model.model_fields.items()
            if _list_of(f.annotation, m.Cited) and name not in self.references
        )


def _list_of(annotation: Any, base: type) -> bool:
    if typing.get_origin(annotation) is not list:
        return False
    (inner,) = typing.get_args(annotation)
    return isinstance(inner, type) and issubclass(inner, base)


def _coverage_title(rec: Any) -> str:
    return rec.outlet + (f"《{rec.column}》" if rec.column else "")


_TO_AREAS = {"areas": "areas"}
# In reading order: this order is used wherever collections are listed to a reader.
REGISTRY: dict[str, Collection] = {
    c.name: c
    for c in (
        Collection(
            name="pilots",
            model=m.Pilot,
            label="试点",
            description="试点",
            title_field="name",
            record_uri="pilots/{id}.md",
            index_uri="browse/all.md",
            references={
                "areas": "areas",
                "experiences": "experiences",
                "coverage": "coverage",
                "events": "events",
            },
            search_type=("pilot", "试点"),
            result_parts=("metrics",),
        ),
        Collection(
            name="experiences",
            model=m.Experience,
            label="经验",
            description="可复制可推广经验",
            title_field="title",
            record_uri="experiences/{id}.md",
            index_uri="experiences/index.md",
            references={"areas": "areas", "pilots": "pilots", "coverage": "coverage", "events": "events"},
            search_type=("experience", "经验"),
            index_title="可复制可推广经验",
            index_intro="来源报告所列的基层改革经验及其被上级采纳、推广的情况。",
        ),
        Collection(
            name="coverage",
            model=m.Coverage,
            label="报道",
            description="媒体报道",
            title_field="outlet",
            record_uri="coverage/{id}.md",
            index_uri="coverage/index.md",
            references={"pilots": "pilots", "experiences": "experiences", **_TO_AREAS},
            search_type=("coverage", "报道"),
            namer=_coverage_title,  # its index is views/coverage.py: grouped by outlet and year
        ),
        Collection(
            name="events",
            model=m.Event,
            label="活动",
            description="活动",
            title_field="title",
            record_uri="events/{id}.md",
            index_uri="events/index.md",
            references={"pilots": "pilots", "experiences": "experiences", **_TO_AREAS},
            search_type=("event", "活动"),
            index_title="活动",
            index_intro="现场会、推介会、典型发言、培训班、考察学习等活动。",
        ),
        Collection(
            name="areas",
            model=m.Area,
            label="地区",
            description="地区",
            title_field="name",
            record_uri="areas/{id}.md",
            index_uri="areas/index.md",
            references={"parent": "areas"},
            search_type=("area", "地区"),
            index_title="实施地区",
            index_intro="全市及各区县（含功能区）承担的试点。",
        ),
        Collection(
            name="sources",
            model=m.Source,
            label="来源",
            description="来源",
            title_field="title",
            record_uri="sources/{id}.md",
            index_uri="sources/index.md",
            references={},
            search_type=("source", "来源"),
            index_title="来源",
            index_intro="本库全部记录所依据的来源文件。",
            required=True,
        ),
        Collection(
            name="evaluations",
            model=m.Evaluation,
            label="评估",
            description="评估",
            title_field="subject",
            record_uri="evaluations/index.md",
            index_uri="evaluations/index.md",
            references={"pilots": "pilots"},
            search_type=("evaluation", "评估"),
            row_anchor="evaluation-{id}",
            result_title=lambda e: f"{e.evaluator}评估：{e.subject}",
        ),
        Collection(
            name="figures",
            model=m.Figure,
            label="数字",
            description="报告数字",
            title_field="label",
            record_uri="stats/index.md",
            index_uri="stats/index.md",
            references={"pilots": "pilots", **_TO_AREAS},
            search_type=("figure", "数字"),
            row_anchor="figure-{id}",
            result_title=lambda f: f"{f.label} {f.value}",
        ),
        Collection(
            name="terms",
            model=m.Term,
            label="名词",
            description="名词解释（检索用的词表：简称、俗称与同义词）",
            title_field="term",
            record_uri="glossary/index.md",
            index_uri="glossary/index.md",
            references={},
            search_type=("term", "名词"),
            row_anchor="term-{id}",
            search_weight=0.4,  # the glossary explains words; the records using them come first
        ),
    )
}

# The order of the data file (and of its JSON Schema): sources first, as editors write it.
FILE_ORDER = (
    "sources",
    "areas",
    "pilots",
    "experiences",
    "coverage",
    "events",
    "evaluations",
    "figures",
    "terms",
)


# Each collection's model, in the data file's order (editors, exports and history read it).
MODELS: dict[str, type[BaseModel]] = {name: REGISTRY[name].model for name in FILE_ORDER}


def collection(name: str) -> Collection:
    return REGISTRY[name]


def labels() -> dict[str, str]:
    return {name: c.label for name, c in REGISTRY.items()}


def references() -> dict[str, dict[str, str]]:
    return {name: dict(c.references) for name, c in REGISTRY.items() if c.references}


def cited_parts(coll: str, rec: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path inside the record, item) for the record and each nested item with its own quote.

    Works on the raw data (dicts), so the validator and the source-coverage report walk the
    same parts as the pages do.
    """
    if issubclass(REGISTRY[coll].model, m.Cited) or rec.get("quote") is not None:
        yield (), rec  # a glossary term rests on a quote only when it has one
    for name in REGISTRY[coll].cited_fields:
        value = rec.get(name)
        if isinstance(value, list):
            for j, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield (name, j), item


def model_cited_parts(coll: str, rec: BaseModel) -> Iterator[m.Cited]:
    """The record and its nested cited items, as models."""
    if isinstance(rec, m.Cited) or getattr(rec, "quote", None):
        yield rec
    for name in REGISTRY[coll].cited_fields:
        yield from getattr(rec, name)


# --- the whole file ------------------------------------------------------------------


class _FileBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        # An empty collection written as ``pilots:`` is an empty list.
        return [] if value is None else value


def _file_model() -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name in FILE_ORDER:
        c = REGISTRY[name]
        if c.required:
            fields[name] = (list[c.model], Field(min_length=1, description=c.description))  # type: ignore[name-defined]
        else:
            fields[name] = (list[c.model], Field(default_factory=list, description=c.description))  # type: ignore[name-defined]
    return create_model(
        "DataFile", __base__=_FileBase, __doc__="The whole file ``data/pilots.yaml``.", **fields
    )


DataFile = _file_model()
assert set(FILE_ORDER) == set(REGISTRY), "every collection has its place in the data file"
