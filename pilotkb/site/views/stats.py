"""统计: look first (charts of what the catalogue holds and of the report's outcome indicators),
read second (the report's own figures, grouped, each with its value, as-of date and quote).

Every number on the page is counted from the data at build time; what a figure of the report
means is read by ``pilotkb.analysis.figures``, the charts are drawn by ``pilotkb.site.charts``
and their CSV files are this family's ``files``. The charts are made once per build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from pilotkb.analysis.figures import (
    REPORT_TIME,
    Change,
    ChangeKey,
    IndustryShift,
    as_of,
    change_groups,
    grand_total,
    industry_shift,
    levels_with_changes,
    new_since_totals,
    primary_quote,
    record_counts,
    reported_totals,
    year_text,
)
from pilotkb.data.facets import FACETS, UNKNOWN
from pilotkb.data.model import Figure
from pilotkb.site.charts import Chart, chart_csv_path, chart_files, render_figure
from pilotkb.site.vega import format_value
from pilotkb.site.views import coverage, promotion, sourcetext
from pilotkb.site.views.context import Context
from pilotkb.site.views.memo import per_context
from pilotkb.site.views.page import GeneratedPage

URI = "stats/index.md"


def figure_href(ctx: Context, chart: Chart, here: str) -> Markup:
    """The chart as a figure for the page at ``here``, its CSV link relative to that page."""
    return render_figure(chart, ctx.href(here, "index.md") + chart_csv_path(chart), ctx.drawings.get(chart))


def amount(value: float | None, unit: str) -> str:
    """ "16 项" as the site writes counts; "18.3%" without a space."""
    sep = " " if unit and unit[0] not in "%‰" else ""
    return f"{format_value(value)}{sep}{unit}" if value is not None else UNKNOWN


def describe(rows: Sequence[tuple[Any, ...]], unit: str, lead: str, top: int = 4) -> str:
    """A one-sentence text equivalent: the lead, then the largest rows with their values."""
    shown = sorted((r for r in rows if r[1]), key=lambda r: -r[1])[:top]
    if not shown:
        return f"{lead}：暂无数据。"
    more = "等" if len([r for r in rows if r[1]]) > top else ""
    parts = "、".join(f"{r[0]} {amount(r[1], unit)}" for r in shown)
    return f"{lead}：{parts}{more}。"


# --- charts of the catalogue ------------------------------------------------------------------


def reported_chart(ctx: Context) -> Chart:
    """The report's totals beside the named pilots the catalogue holds for the same scope."""
    rows: list[tuple[str, float | None, int]] = [
        (r.scope, r.figure.number, r.held) for r in reported_totals(ctx.cat, ctx.facet_values)
    ]
    notes = []
    for s in new_since_totals(ctx.cat):
        rows.append((f"{s.year}年以来新增{s.level}", s.figure.number, s.held))
        notes.append(
            f"“{s.year}年以来新增{s.level}”的本库数按批准年份统计，"
            f"本库{s.level}试点中 {s.undated} 项批准年份未公开"
        )
    total = next((r for r in rows if r[0] == "全部试点"), None)
    total_fig = grand_total(ctx.cat)
    lead = (
        f"报告写明{total_fig.label}{total_fig.value}，本库已收录有名称的 {total[2]} 项"
        if total and total_fig
        else "报告所载试点数与本库收录数"
    )
    return Chart(
        id="reported-vs-catalogue",
        title="报告所载试点数与本库收录数",
        description=lead + "；下面按层级、领域和新增年份对照。",
        x_label="试点数（项）",
        y_label="范围",
        rows=rows,
        kind="grouped",
        series=("报告所载", "本库收录（有名称）"),
        unit="",
        note="；".join(["报告数取自原文，本库数由数据自动统计", *notes]),
    )


def collections_chart(ctx: Context) -> Chart:
    labels = ctx.renderer.globals["kind_label"]
    rows = [(labels[coll], n) for coll, n in record_counts(ctx.cat).items()]
    return Chart(
        id="records-by-collection",
        title="本库各类记录数",
        description=describe(rows, "条", "本库收录"),
        x_label="记录数（条）",
        y_label="类别",
        rows=rows,
    )


FACET_CHARTS = {
    # facet: (sorted by count, subject of the description)
    "level": (False, "层级"),
    "domain": (True, "领域（一项试点可属多个领域）"),
    "area": (True, "实施地区（一项试点可在多个地区实施）"),
    "status": (False, "状态"),
}


def facet_links(ctx: Context, name: str, here: str) -> list[tuple[str, str, int]]:
    """(label, browse page href, pilots) of each value a chart of ``name`` shows."""
    f = FACETS[name]
    return [
        (v.shown, ctx.href(here, f.uri(v.slug)), len(v.pilots))
        for v in ctx.facet_values[name]
        if v.pilots or v.label is not None
    ]


def facet_chart(ctx: Context, name: str) -> Chart:
    """Pilots per value of a facet (its browse pages list the same pilots)."""
    by_count, subject = FACET_CHARTS[name]
    values = ctx.facet_values[name]
    known = [(v.shown, len(v.pilots)) for v in values if v.label is not None]
    if by_count:
        known.sort(key=lambda r: -r[1])  # stable: equal counts keep the facet's order
    unknown = [(UNKNOWN, len(v.pilots)) for v in values if v.label is None and v.pilots]
    rows = known + unknown
    label = FACETS[name].label
    return Chart(
        id=f"pilots-by-{name}",
        title=f"试点按{label}",
        description=describe(rows, "项", f"本库 {len(ctx.cat.pilots)} 项试点按{subject}"),
        x_label="试点数（项）",
        y_label=label,
        rows=rows,
    )


# --- the report's outcome indicators against their baseline ---------------------------------


def levels_chart(key: ChangeKey, pairs: list[tuple[Change, Figure]]) -> Chart:
    """Levels beside their stated change: "空气优良天数 183天, 比2014年增加 63天"."""
    group, compare, when_date, unit, direction = key
    when = year_text(when_date)
    return Chart(
        id=f"outcome-{pairs[0][0].figure.id}",
        title=f"{group or '报告数字'}：{when}数值与{compare}{direction}",
        description="；".join(
            f"{c.head}{when}{level.value}，{compare}{direction}{c.figure.value}" for c, level in pairs
        )
        + "（原文数字）。",
        x_label=unit or "",
        y_label="指标",
        rows=[(c.head, level.number, c.figure.number) for c, level in pairs],
        kind="grouped",
        series=(f"{when}数值", f"{compare}{direction}"),
        unit=unit or "",
        note=f"时点：{when or UNKNOWN}；比较基准：{compare}；{compare}的数值原文未给出，图中只列原文写明的增量",
    )


def changes_chart(key: ChangeKey, changes: list[Change]) -> Chart:
    """Changes against one baseline, in one direction: "PM10平均浓度比2014年下降 38.5%" …"""
    group, compare, when_date, unit, direction = key
    when = year_text(when_date)
    rows = [(c.head, c.figure.number) for c in changes]
    return Chart(
        id=f"outcome-{changes[0].figure.id}",
        title=f"{group or '报告数字'}：{when}{compare}{direction}",
        description=describe(rows, unit or "", f"{when}{compare}{direction}的幅度（原文数字）", top=6),
        x_label=f"{direction}幅度（{unit}）" if unit else f"{direction}幅度",
        y_label="指标",
        rows=rows,
        unit=unit or "",
        note=f"时点：{when or UNKNOWN}；比较基准：{compare}",
    )


def industry_chart(shift: IndustryShift) -> Chart:
    """The three industries' shares at the baseline and now."""
    fig = shift.figure
    when = year_text(fig.as_of)
    return Chart(
        id=f"outcome-{fig.id}",
        title=f"{fig.label}：{shift.baseline}与{when}",
        description=f"{fig.label}由{shift.baseline}的{shift.baseline_value}调整为{when}的{fig.value}（原文数字）。",
        x_label="比例",
        y_label="产业",
        rows=shift.rows,
        kind="grouped",
        series=(shift.baseline, when or "报告时"),
        note=f"时点：{when or UNKNOWN}；比较基准：{shift.baseline}",
    )


def outcome_charts(ctx: Context) -> list[Chart]:
    """Levels beside their stated change; then the other changes, one chart per group of at
    least two (a single number is read better in the list below); then the industry structure."""
    figures = list(ctx.cat.figures.values())
    groups = change_groups(figures)
    pairs = levels_with_changes(groups, figures)
    paired = {c.figure.id for members in pairs.values() for c, _ in members}
    charts = [levels_chart(key, members) for key, members in pairs.items()]
    for key, changes in groups.items():
        alone = [c for c in changes if c.figure.id not in paired]
        if len(alone) >= 2:
            charts.append(changes_chart(key, alone))
    charts += [industry_chart(s) for s in map(industry_shift, figures) if s is not None]
    return charts


@dataclass(frozen=True)
class StatsCharts:
    """The page's charts by section, in order."""

    reported: list[Chart]
    catalogue: list[tuple[Chart, str | None]]  # each with the facet whose browse pages list its pilots
    promotion: list[Chart]  # drawn by promotion and coverage, which write their CSV files
    outcomes: list[Chart]

    def own(self) -> list[Chart]:
        """The charts this family writes CSV files for."""
        return [*self.reported, *(c for c, _ in self.catalogue), *self.outcomes]


@per_context
def page_charts(ctx: Context) -> StatsCharts:
    return StatsCharts(
        reported=[reported_chart(ctx)],
        catalogue=[(collections_chart(ctx), None), *((facet_chart(ctx, n), n) for n in FACET_CHARTS)],
        promotion=[*promotion.charts(ctx), *coverage.charts(ctx)],
        outcomes=outcome_charts(ctx),
    )


def files(ctx: Context) -> dict[str, bytes]:
    return chart_files(page_charts(ctx).own())


# --- the report's figures ---------------------------------------------------------------------


@dataclass
class Passage:
    """Figures resting on the same sentence, and the sentences shown once for all of them."""

    anchor: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    quote_sources: dict[str, str] = field(default_factory=dict)  # quote -> its source id
    sources: list[Any] = field(default_factory=list)
    ref: str | None = None  # the passage already showing this sentence (another group)


def quote_anchor(sentence: str) -> str:
    return "quote-" + hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:8]


class QuoteShower:
    """Which sentence shows a figure's quotes, so that every sentence is shown once."""

    def __init__(self, figures: list[Figure]):
        self.every = [(f.source, q) for f in figures for q in f.quote]
        self.primaries = {f.id: self.widest(f.source, primary_quote(f)) for f in figures}
        self.shown_primary = set(self.primaries.values())
        self.shown: list[str] = []

    def widest(self, source: str, q: str) -> str:
        """The longest quote of the same source that contains ``q`` (a sentence, not a part)."""
        return max((o for s, o in self.every if s == source and q in o), key=len)

    def new(self, q: str) -> bool:
        # a sentence that is (or is inside) some figure's own sentence is shown with that figure
        return not any(q in s for s in self.shown) and not any(q in p for p in self.shown_primary)

    def passage(self, passages: dict[str, Passage], fig: Figure) -> Passage:
        """The passage of the figure's own sentence (a reference if another group shows it)."""
        key = self.primaries[fig.id]
        passage = passages.get(key)
        if passage is None:
            passage = passages[key] = Passage(quote_anchor(key))
            if key in self.shown:
                passage.ref = quote_anchor(key)
            else:
                self.show(passage, key, fig.source)
        return passage

    def add_quotes(self, passage: Passage, fig: Figure) -> None:
        """The figure's other sentences, where no passage shows them yet."""
        for q in fig.quote:
            q = self.widest(fig.source, q)
            if self.new(q):
                self.show(passage, q, fig.source)

    def show(self, passage: Passage, q: str, source: str) -> None:
        passage.quotes.append(q)
        passage.quote_sources[q] = source
        self.shown.append(q)


def figure_groups(ctx: Context) -> list[dict[str, Any]]:
    """The report's figures by group, each group a list of passages; every quote once."""
    figures = list(ctx.cat.figures.values())
    quotes = QuoteShower(figures)
    groups: dict[str, dict[str, Passage]] = {}
    for fig in figures:
        passage = quotes.passage(groups.setdefault(fig.group or "其他", {}), fig)
        when, word = as_of(ctx.cat, fig)
        passage.figures.append({"fig": fig, "when": when, "word": word})
        quotes.add_quotes(passage, fig)
        source = ctx.cat.sources[fig.source]
        if source not in passage.sources:
            passage.sources.append(source)
    return [
        {
            "label": label,
            "anchor": "figures-" + hashlib.sha1(label.encode("utf-8")).hexdigest()[:8],
            "passages": list(passages.values()),
            "n": sum(len(p.figures) for p in passages.values()),
        }
        for label, passages in groups.items()
    ]


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    charts = page_charts(ctx)
    sources = list({f.source: ctx.cat.sources[f.source] for f in ctx.cat.figures.values()}.values())
    yield GeneratedPage(
        URI,
        "统计",
        ctx.render(
            URI.replace("/index.md", "_index.md.j2"),
            URI,
            figures={
                name: [figure_href(ctx, c, URI) for c in getattr(charts, name)]
                for name in ("reported", "promotion", "outcomes")
            },
            catalogue=[
                (figure_href(ctx, c, URI), facet_links(ctx, name, URI) if name else [])
                for c, name in charts.catalogue
            ],
            groups=figure_groups(ctx),
            sources=sources,
            source_coverage=[(s, sourcetext.coverage(ctx, s.id)) for s in ctx.cat.sources.values()],
            n_figures=len(ctx.cat.figures),
            n_pilots=len(ctx.cat.pilots),
            report_time=REPORT_TIME,
        ),
        "stats",
        "来源报告给出的试点总量与各领域指标，以及本库收录情况",
    )
