"""Generate every page of the catalogue as Markdown, in memory.

Data text reaches a page only through Jinja with autoescape, inside raw HTML blocks that
Markdown leaves alone, so a name can never become markup, a link, an attribute list or a
template. The front matter is written as JSON (valid YAML) and marks each generated page
``render_macros: false`` so that mkdocs-macros never renders data as a template.

The output is plain Markdown plus HTML, usable by any engine that reads front matter.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .catalog import Catalog
from .model import Domain, Level, Pilot, Status
from .settings import Settings
from .urls import (
    COLLECTION_INDEX,
    UNKNOWN_SLUG,
    facet_slug,
    facet_uri,
    record_anchor,
    record_uri,
    relative,
)

UNKNOWN = "未公开"

FACET_LABEL = {"level": "层级", "domain": "领域", "area": "实施地区", "status": "状态", "year": "批准年份"}
NAME_FIELD = {
    "pilots": "name",
    "areas": "name",
    "experiences": "title",
    "events": "title",
    "sources": "title",
    "figures": "label",
    "evaluations": "subject",
}
KIND_LABEL = {
    "pilots": "试点",
    "experiences": "经验",
    "coverage": "报道",
    "events": "活动",
    "areas": "地区",
    "sources": "来源",
    "evaluations": "评估",
    "figures": "数字",
}


@dataclass
class GeneratedPage:
    src_uri: str
    title: str  # plain text; escaped when written
    body: str  # Markdown with raw HTML blocks
    kind: str
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def markdown(self) -> str:
        front = {
            "title": html.escape(self.title, quote=False),
            "description": html.escape(self.description or self.title, quote=True),
            "render_macros": False,
            "kb_kind": self.kind,
            **self.meta,
        }
        lines = ["---"]
        lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()]
        lines += ["---", "", self.body.rstrip() + "\n"]
        return "\n".join(lines)


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("pilotkb", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True, enabled_extensions=("j2",)),
        undefined=StrictUndefined,
        comment_start_string="{##",  # "{#id}" is Markdown's attribute list, not a comment
        comment_end_string="##}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["text"] = _text
    env.filters["known"] = _known
    env.filters["label"] = _label
    return env


def _label(value: Any) -> str:
    return value.value if isinstance(value, Enum) else str(value)


def _text(value: Any) -> Markup:
    """Escape a data string; its line breaks become ``<br>`` (never a blank line)."""
    if value is None:
        return Markup("")
    parts = [escape(line) for line in str(_label(value)).splitlines() if line.strip()]
    return Markup("<br>").join(parts)


def _known(value: Any) -> Markup:
    """The value, or a plain 未公开 when the source does not give it."""
    if value is None or value == "" or value == []:
        return Markup('<span class="kb-unknown">未公开</span>')
    if isinstance(value, list):
        return Markup("、").join(_text(v) for v in value)
    return _text(value)


class Site:
    """Builds the views of all pages for one catalogue and one URL style."""

    def __init__(self, catalog: Catalog, settings: Settings, directory_urls: bool = True):
        self.cat = catalog
        self.settings = settings
        self.directory_urls = directory_urls
        self.env = _env()
        self._facet_options: dict[str, list[dict[str, Any]]] | None = None
        self._facet_values: dict[str, list[tuple[str | None, str, list[Pilot]]]] | None = None

    # -- links -----------------------------------------------------------------------
    def linker(self, here: str) -> Callable[..., Markup]:
        def link(coll: str, rid: str, label: str | None = None) -> Markup:
            rec = getattr(self.cat, coll)[rid]
            to = record_uri(coll, rid)
            url = relative(here, to, self.directory_urls, record_anchor(coll, rid))
            return Markup('<a href="{}">{}</a>').format(
                url, label if label is not None else self.name(coll, rec)
            )

        return link

    def href(self, here: str, to: str, anchor: str = "") -> str:
        return relative(here, to, self.directory_urls, anchor)

    @staticmethod
    def name(coll: str, rec: Any) -> str:
        """How a record is named in headings and links."""
        if coll == "coverage":
            return rec.outlet + (f"《{rec.column}》" if rec.column else "")
        return str(getattr(rec, NAME_FIELD[coll]))

    def render(self, template: str, here: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            here=here,
            link=self.linker(here),
            href=lambda to, anchor="": self.href(here, to, anchor),
            facet_href=lambda facet, label: self.href(here, facet_uri(facet, facet_slug(facet, label))),
            cat=self.cat,
            kind_label=KIND_LABEL,
            facet_label=FACET_LABEL,
            collection_index=COLLECTION_INDEX,
            **context,
        )

    # -- pages -----------------------------------------------------------------------
    def pages(self) -> Iterator[GeneratedPage]:
        yield from self.record_pages()
        yield from self.browse_pages()
        yield from self.index_pages()

    def record_pages(self) -> Iterator[GeneratedPage]:
        cat = self.cat
        for p in cat.pilots.values():
            yield self.pilot_page(p)
        for coll, template in (
            ("experiences", "experience.md.j2"),
            ("coverage", "coverage.md.j2"),
            ("events", "event.md.j2"),
            ("areas", "area.md.j2"),
            ("sources", "source.md.j2"),
        ):
            for rec in getattr(cat, coll).values():
                here = record_uri(coll, rec.id)
                body = self.render(
                    template,
                    here,
                    rec=rec,
                    rel=self.relations(coll, rec.id),
                    cite=self.citations(rec) if coll != "sources" else [],
                    cited_by=self.cited_by(rec.id) if coll == "sources" else {},
                    settings_page_size=self.settings.page_size,
                )
                yield GeneratedPage(here, self.name(coll, rec), body, coll, self.describe(coll, rec))

    def relations(self, coll: str, rid: str) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for other in ("pilots", "experiences", "coverage", "events", "evaluations", "figures", "areas"):
            ids = self.cat.linked(coll, rid, other)
            out[other] = [getattr(self.cat, other)[i] for i in ids]
        return out

    def citations(self, rec: Any) -> list[dict[str, Any]]:
        """Each source cited by the record or its parts, with the quoted sentences, in order."""
        by_source: dict[str, list[str]] = {}

        def add(cited: Any) -> None:
            quotes = by_source.setdefault(cited.source, [])
            for q in cited.quote:
                if q not in quotes:
                    quotes.append(q)

        if hasattr(rec, "quote"):
            add(rec)
        for attr in ("metrics", "updates", "adoptions"):
            for part in getattr(rec, attr, []):
                add(part)
        # a quote that is part of another quote of the same source is shown once, in its sentence
        return [
            {
                "source": self.cat.sources[s],
                "quotes": [q for q in qs if not any(q != o and q in o for o in qs)],
            }
            for s, qs in by_source.items()
        ]

    def cited_by(self, source_id: str) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for coll in self.cat.collection_names():
            if coll == "sources":
                continue
            out[coll] = [
                r
                for r in getattr(self.cat, coll).values()
                if any(c["source"].id == source_id for c in self.citations(r))
            ]
        return out

    def describe(self, coll: str, rec: Any) -> str:
        summary = getattr(rec, "summary", None) or getattr(rec, "covers", None) or ""
        head = f"{KIND_LABEL[coll]}：{self.name(coll, rec)}"
        return f"{head}。{summary}"[:150] if summary else head

    def pilot_page(self, p: Pilot) -> GeneratedPage:
        here = record_uri("pilots", p.id)
        updates = sorted(p.updates, key=lambda u: u.date or "", reverse=True)
        body = self.render(
            "pilot.md.j2",
            here,
            rec=p,
            updates=updates,
            rel=self.relations("pilots", p.id),
            cite=self.citations(p),
            year=_year(p),
        )
        return GeneratedPage(here, p.name, body, "pilots", self.describe("pilots", p))

    # -- browse ----------------------------------------------------------------------
    def facet_values(self) -> dict[str, list[tuple[str | None, str, list[Pilot]]]]:
        """For each facet: (label or None for 未公开, slug, pilots), in a stable order."""
        if self._facet_values is None:
            self._facet_values = self._compute_facet_values()
        return self._facet_values

    def _compute_facet_values(self) -> dict[str, list[tuple[str | None, str, list[Pilot]]]]:
        pilots = list(self.cat.pilots.values())
        out: dict[str, list[tuple[str | None, str, list[Pilot]]]] = {}
        for facet, enum in (("level", Level), ("domain", Domain), ("status", Status)):
            rows: list[tuple[str | None, str, list[Pilot]]] = []
            for member in enum:
                members = [p for p in pilots if member in _facet(p, facet)]
                rows.append((member.value, facet_slug(facet, member.value), members))
            unknown = [p for p in pilots if not _facet(p, facet)]
            rows.append((None, UNKNOWN_SLUG, unknown))
            out[facet] = rows
        years = sorted({y for p in pilots if (y := _year(p))}, reverse=True)
        out["year"] = [(y, y, [p for p in pilots if _year(p) == y]) for y in years]
        out["year"].append((None, UNKNOWN_SLUG, [p for p in pilots if not _year(p)]))
        out["area"] = [
            (a.name, a.id, [p for p in pilots if a.id in p.areas]) for a in self.cat.areas.values()
        ]
        out["area"].append((None, UNKNOWN_SLUG, [p for p in pilots if not p.areas]))
        return out

    def browse_pages(self) -> Iterator[GeneratedPage]:
        facets = self.facet_values()
        yield GeneratedPage(
            "browse/index.md",
            "分类浏览",
            self.render("browse.md.j2", "browse/index.md", facets=facets, total=len(self.cat.pilots)),
            "browse",
            "按层级、领域、实施地区、状态和批准年份浏览全部试点",
        )
        yield from self.paginated("browse/all", "试点一览", list(self.cat.pilots.values()), None)
        for facet, rows in facets.items():
            for label, slug, members in rows:
                title = f"{FACET_LABEL[facet]}：{label if label is not None else UNKNOWN}"
                yield from self.paginated(f"browse/{facet}/{slug}", title, members, (facet, label))

    def chunks(
        self, first_uri: str, base: str, items: list[Any]
    ) -> Iterator[tuple[str, list[Any], dict[str, Any]]]:
        """(src_uri, items, pager context) for each page of at most page_size items."""
        size = self.settings.page_size
        parts = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        uris = [first_uri if n == 1 else f"{base}/{n}.md" for n in range(1, len(parts) + 1)]
        for n, (here, part) in enumerate(zip(uris, parts, strict=True), start=1):
            pager = {"page": n, "pages": len(uris), "page_hrefs": [self.href(here, u) for u in uris]}
            yield here, part, pager

    def paginated(
        self, base: str, title: str, pilots: list[Pilot], facet: tuple[str, str | None] | None
    ) -> Iterator[GeneratedPage]:
        size = self.settings.page_size
        for here, chunk, pager in self.chunks(f"{base}.md", base, pilots):
            n = pager["page"]
            body = self.render(
                "list.md.j2",
                here,
                title=title,
                pilots=chunk,
                total=len(pilots),
                first=(n - 1) * size + 1,
                facet=facet,
                year=_year,
                page_size=size,
                facet_options=self.facet_options() if facet is None else None,
                **pager,
            )
            page_title = title if n == 1 else f"{title}（第 {n} 页）"
            yield GeneratedPage(here, page_title, body, "list", f"{title}，共 {len(pilots)} 项试点")

    # -- collection index pages ----------------------------------------------------
    def index_pages(self) -> Iterator[GeneratedPage]:
        cat = self.cat
        for coll, title, intro in (
            ("experiences", "可复制可推广经验", "来源报告所列的基层改革经验及其被上级采纳、推广的情况。"),
            ("coverage", "媒体报道", "来源报告提及的媒体报道、专栏和新媒体推送。"),
            ("events", "活动", "现场会、推介会、典型发言、培训班、考察学习等活动。"),
            ("areas", "实施地区", "全市及各区县（含功能区）承担的试点。"),
            ("sources", "来源", "本库全部记录所依据的来源文件。"),
        ):
            records = list(getattr(cat, coll).values())
            for here, chunk, pager in self.chunks(f"{coll}/index.md", f"{coll}/all", records):
                n = pager["page"]
                body = self.render(
                    "collection.md.j2",
                    here,
                    coll=coll,
                    title=title,
                    intro=intro,
                    records=chunk,
                    total=len(records),
                    rel=lambda c, rid: self.relations(c, rid),
                    **pager,
                )
                page_title = title if n == 1 else f"{title}（第 {n} 页）"
                yield GeneratedPage(here, page_title, body, "index", intro)
        yield GeneratedPage(
            "evaluations/index.md",
            "评估",
            self.render(
                "evaluations.md.j2",
                "evaluations/index.md",
                records=list(cat.evaluations.values()),
                cite=self.citations,
                rel=lambda rid: self.relations("evaluations", rid),
            ),
            "index",
            "第三方评估与满意度调查",
        )
        from .export import dictionary_rows

        yield GeneratedPage(
            "about/dictionary.md",
            "数据字典",
            self.render("dictionary.md.j2", "about/dictionary.md", tables=dictionary_rows()),
            "index",
            "数据文件各集合、各字段的类型与说明",
        )
        groups: dict[str, list[Any]] = {}
        for fig in cat.figures.values():
            groups.setdefault(fig.group or "其他", []).append(fig)
        yield GeneratedPage(
            "stats/index.md",
            "统计",
            self.render(
                "stats.md.j2",
                "stats/index.md",
                groups=groups,
                counts=self.counts(),
                facets=self.facet_values(),
                cite=self.citations,
            ),
            "stats",
            "来源报告给出的试点总量与各领域指标，以及本库收录情况",
        )

    def facet_options(self) -> dict[str, list[dict[str, Any]]]:
        """Every value of every facet with its pilot count (the list page's filter menus)."""
        if self._facet_options is None:
            self._facet_options = {
                facet: [
                    {"slug": slug, "label": label if label is not None else UNKNOWN, "n": len(members)}
                    for label, slug, members in rows
                ]
                for facet, rows in self.facet_values().items()
            }
        return self._facet_options

    def list_index(self) -> bytes:
        """Compact rows of every pilot for the list page's filters (loaded on demand).

        Facet values are indexes into the option lists, so 10,000 pilots stay small.
        """
        options = self.facet_options()
        position = {facet: {o["slug"]: i for i, o in enumerate(opts)} for facet, opts in options.items()}

        def idx(facet: str, labels: list[str | None]) -> list[int]:
            slugs = [facet_slug(facet, lab) if facet != "area" else (lab or UNKNOWN_SLUG) for lab in labels]
            return [position[facet][s] for s in slugs] if labels else [position[facet][UNKNOWN_SLUG]]

        rows = []
        for p in self.cat.pilots.values():
            rows.append(
                [
                    p.id,
                    p.name,
                    idx("level", [p.level.value] if p.level else [])[0],
                    idx("domain", [d.value for d in p.domains]),
                    idx("area", list(p.areas)),
                    idx("status", [p.status.value] if p.status else [])[0],
                    idx("year", [_year(p)] if _year(p) else [])[0],
                    p.deadline or "",
                ]
            )
        url = relative("index.md", record_uri("pilots", "ID"), self.directory_urls)
        doc = {"url": url, "rows": rows}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def macro_values(self) -> dict[str, Any]:
        """What hand-written pages may show through mkdocs-macros: numbers, and data text
        already made inert (every ASCII symbol an entity, so neither HTML nor Markdown)."""
        facets = self.facet_values()
        return {
            "counts": self.counts(),
            "facets": {
                facet: {(label if label is not None else UNKNOWN): len(members) for label, _, members in rows}
                for facet, rows in facets.items()
            },
            "figure": self.figure_value,
            "block": lambda name, here="index.md": self.block(name, here),
        }

    def figure_value(self, fid: str) -> str:
        fig = self.cat.figures.get(fid)
        return inline_text(fig.value) if fig else UNKNOWN

    def block(self, name: str, here: str) -> str:
        """An HTML block for a hand-written page (rendered and escaped here)."""
        if name == "domains":
            return self.render("block_domains.md.j2", here, rows=self.facet_values()["domain"])
        if name == "recent":
            items = sorted(
                ((u.date, p, u) for p in self.cat.pilots.values() for u in p.updates if u.date),
                key=lambda t: t[0],
                reverse=True,
            )[: self.settings.recent_updates]
            return self.render("block_recent.md.j2", here, items=items)
        if name == "reported_vs_catalogue":
            return self.render("block_reported.md.j2", here, rows=self.reported_vs_catalogue())
        raise KeyError(f"unknown block {name!r}")

    def reported_vs_catalogue(self) -> list[dict[str, Any]]:
        """Each reported total beside the number of named pilots the catalogue holds."""
        rows = []
        facet_of = {"层级": "level", "领域": "domain", "状态": "status"}
        for fig in self.cat.figures.values():
            if not fig.catalogue:
                continue
            if fig.catalogue == "全部试点":
                held, to = len(self.cat.pilots), "browse/all.md"
            else:
                name, _, label = fig.catalogue.partition(":")
                facet = facet_of[name]
                held = next(len(m) for lab, _, m in self.facet_values()[facet] if lab == label)
                to = facet_uri(facet, facet_slug(facet, label))
            rows.append({"figure": fig, "held": held, "to": to})
        return rows

    def counts(self) -> dict[str, int]:
        return {coll: len(getattr(self.cat, coll)) for coll in self.cat.collection_names()}


def inline_text(value: str) -> str:
    """Text safe in both HTML and Markdown inline context: ASCII symbols become entities."""
    return "".join(f"&#{ord(ch)};" if ch.isascii() and not ch.isalnum() and ch != " " else ch for ch in value)


def _facet(p: Pilot, facet: str) -> list[Any]:
    if facet == "level":
        return [p.level] if p.level else []
    if facet == "domain":
        return list(p.domains)
    if facet == "status":
        return [p.status] if p.status else []
    raise KeyError(facet)


def _year(p: Pilot) -> str | None:
    return p.approved[:4] if p.approved else None


def generate(catalog: Catalog, settings: Settings, directory_urls: bool = True) -> list[GeneratedPage]:
    return list(Site(catalog, settings, directory_urls).pages())


LIST_INDEX_URI = "browse/pilots.json"


def generated_files(catalog: Catalog, settings: Settings, directory_urls: bool = True) -> dict[str, bytes]:
    """Non-page files of the site: the list index, and the open-data downloads."""
    files = {LIST_INDEX_URI: Site(catalog, settings, directory_urls).list_index()}
    if settings.exports:
        from .export import export_files

        files.update(export_files(catalog))
    return files


def write_markdown(pages: Iterable[GeneratedPage], out_dir: Any) -> int:
    """Write the generated pages as plain Markdown files (for another engine, or to inspect)."""
    from pathlib import Path

    count = 0
    for page in pages:
        target = Path(out_dir) / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown(), encoding="utf-8")
        count += 1
    return count
