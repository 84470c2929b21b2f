"""统计: look first (charts of what the catalogue holds and of the report's outcome indicators),
read second (the report's own figures, grouped, each with its value, as-of date and quote).

Every number on the page is counted here from the data at build time; the charts are drawn by
``pilotkb.site.charts`` and their CSV files are this family's ``files``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from pilotkb.data.facets import FACETS, UNKNOWN
from pilotkb.data.model import Figure, Level
from pilotkb.site.charts import Chart, chart_csv_path, chart_files, format_value, render_figure
from pilotkb.site.views import coverage, promotion
from pilotkb.site.views.base import Context, GeneratedPage

URI = "stats/index.md"

# The source's words for "now" and what they mean for the as-of date (see ``as_of``).
REPORT_TIME = "截至报告时"
REPORT_YEAR = "报告当年"
NOW_WORDS = (("截至目前", REPORT_TIME), ("目前", REPORT_TIME), ("今年", REPORT_YEAR))
SINCE = re.compile(r"\d{4}年以来")


def counts(ctx: Context) -> dict[str, int]:
    return {coll: len(records) for coll, records in ctx.cat.records.items()}


def figure_href(ctx: Context, chart: Chart, here: str) -> Markup:
    """The chart as a figure for the page at ``here``, its CSV link relative to that page."""
    return render_figure(chart, ctx.href(here, "index.md") + chart_csv_path(chart))


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


def _since(fig: Figure) -> tuple[str, int] | None:
    """ "2017年以来新增国家级试点" -> (国家级, 2017): a level's new pilots since a year."""
    m = re.fullmatch(r"(\d{4})年以来新增(.+?)试点", fig.label)
    if m and m.group(2) in {lv.value for lv in Level} and fig.number is not None:
        return m.group(2), int(m.group(1))
    return None


def reported_chart(ctx: Context) -> Chart:
    """The report's totals beside the named pilots the catalogue holds for the same scope."""
    from pilotkb.site.views.blocks import reported_vs_catalogue  # blocks imports this module

    rows: list[tuple[str, float | None, int]] = []
    notes = []
    for r in reported_vs_catalogue(ctx):
        fig = r["figure"]
        scope = fig.catalogue.partition(":")[2] or fig.catalogue
        rows.append((scope, fig.number, r["held"]))
    for fig in ctx.cat.figures.values():
        since = _since(fig)
        if since is None:
            continue
        level, year = since
        same = [p for p in ctx.cat.pilots.values() if p.level and p.level.value == level]
        held = sum(1 for p in same if p.approved and int(p.approved[:4]) >= year)
        undated = sum(1 for p in same if not p.approved)
        rows.append((f"{year}年以来新增{level}", fig.number, held))
        notes.append(
            f"“{year}年以来新增{level}”的本库数按批准年份统计，本库{level}试点中 {undated} 项批准年份未公开"
        )
    total = next((r for r in rows if r[0] == "全部试点"), None)
    total_fig = next((f for f in ctx.cat.figures.values() if f.catalogue == "全部试点"), None)
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
    labels = {name: label for name, label in ctx.renderer.globals["kind_label"].items()}
    rows = [(labels[coll], n) for coll, n in counts(ctx).items()]
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

DIRECTIONS = ("增长", "下降", "增加", "减少", "提高", "提升", "改善")


def _change(fig: Figure) -> tuple[str, str] | None:
    """ "PM10平均浓度比2014年下降" with compare "比2014年" -> ("PM10平均浓度", "下降")."""
    if not fig.compare or fig.number is None:
        return None
    head, sep, tail = fig.label.partition(fig.compare)
    if sep and head and tail in DIRECTIONS:
        return head, tail
    return None


def _year(date: str | None) -> str:
    return f"{date}年" if date and re.fullmatch(r"\d{4}", date) else (date or "")


def outcome_charts(ctx: Context) -> list[Chart]:
    """Changes the report states against a baseline (同比, 比2014年), one chart per group,
    baseline, as-of date, unit and direction; and levels beside their stated change."""
    figures = list(ctx.cat.figures.values())
    clusters: dict[tuple[Any, ...], list[tuple[str, Figure]]] = {}
    for fig in figures:
        change = _change(fig)
        if change:
            key = (fig.group, fig.compare, fig.as_of, fig.unit, change[1])
            clusters.setdefault(key, []).append((change[0], fig))
    charts: list[Chart] = []
    paired: set[str] = set()
    # a level and its stated change in the same unit: "空气优良天数 183天, 比2014年增加 63天"
    pairs: dict[tuple[Any, ...], list[tuple[str, Figure, Figure]]] = {}
    for key, members in clusters.items():
        for head, fig in members:
            level = next(
                (
                    f
                    for f in figures
                    if f.label == head
                    and f.unit == fig.unit
                    and f.as_of == fig.as_of
                    and f.number is not None
                ),
                None,
            )
            if level is not None:
                pairs.setdefault(key, []).append((head, level, fig))
                paired.add(fig.id)
    for (group, compare, as_of, unit, direction), members in pairs.items():
        when = _year(as_of)
        rows = [(head, level.number, fig.number) for head, level, fig in members]
        charts.append(
            Chart(
                id=f"outcome-{members[0][2].id}",
                title=f"{group or '报告数字'}：{when}数值与{compare}{direction}",
                description="；".join(
                    f"{head}{when}{level.value}，{compare}{direction}{fig.value}"
                    for head, level, fig in members
                )
                + "（原文数字）。",
                x_label=unit or "",
                y_label="指标",
                rows=rows,
                kind="grouped",
                series=(f"{when}数值", f"{compare}{direction}"),
                unit=unit or "",
                note=f"时点：{when or UNKNOWN}；比较基准：{compare}；{compare}的数值原文未给出，图中只列原文写明的增量",
            )
        )
    for (group, compare, as_of, unit, direction), members in clusters.items():
        members = [(h, f) for h, f in members if f.id not in paired]
        if len(members) < 2:  # a single number is read better in the list below
            continue
        when = _year(as_of)
        rows = [(head, fig.number) for head, fig in members]
        charts.append(
            Chart(
                id=f"outcome-{members[0][1].id}",
                title=f"{group or '报告数字'}：{when}{compare}{direction}",
                description=describe(
                    rows, unit or "", f"{when}{compare}{direction}的幅度（原文数字）", top=6
                ),
                x_label=f"{direction}幅度（{unit}）" if unit else f"{direction}幅度",
                y_label="指标",
                rows=rows,
                unit=unit or "",
                note=f"时点：{when or UNKNOWN}；比较基准：{compare}",
            )
        )
    charts.extend(_ratio_charts(figures))
    return charts


_RATIO = re.compile(r"^\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)+$")


def _ratio_charts(figures: list[Figure]) -> list[Chart]:
    """A ratio stated with its earlier value ("3.4:52.5:44.1", compare "上年（3.5:54.0:42.5）")."""
    out = []
    for fig in figures:
        m = re.fullmatch(r"(.+?)（(.+)）", fig.compare or "")
        if not (m and _RATIO.match(fig.value) and _RATIO.match(m.group(2))):
            continue
        now = [float(x) for x in fig.value.split(":")]
        before = [float(x) for x in m.group(2).split(":")]
        if len(now) != len(before) or "三产" not in fig.label or len(now) != 3:
            continue  # only the three industries have names a reader knows
        when = _year(fig.as_of)
        names = ("第一产业", "第二产业", "第三产业")
        rows = [(n, b, v) for n, b, v in zip(names, before, now, strict=True)]
        out.append(
            Chart(
                id=f"outcome-{fig.id}",
                title=f"{fig.label}：{m.group(1)}与{when}",
                description=f"{fig.label}由{m.group(1)}的{m.group(2)}调整为{when}的{fig.value}（原文数字）。",
                x_label="比例",
                y_label="产业",
                rows=rows,
                kind="grouped",
                series=(m.group(1), when or "报告时"),
                note=f"时点：{when or UNKNOWN}；比较基准：{m.group(1)}",
            )
        )
    return out


def catalogue_charts(ctx: Context) -> list[tuple[Chart, str | None]]:
    """The catalogue's charts, each with the facet whose browse pages list its pilots."""
    return [(collections_chart(ctx), None), *((facet_chart(ctx, n), n) for n in FACET_CHARTS)]


def page_charts(ctx: Context) -> dict[str, list[Chart]]:
    """The page's charts by section, in order."""
    return {
        "reported": [reported_chart(ctx)],
        "catalogue": [c for c, _ in catalogue_charts(ctx)],
        "promotion": [*promotion.charts(ctx), *coverage.charts(ctx)],
        "outcomes": outcome_charts(ctx),
    }


def own_charts(ctx: Context) -> list[Chart]:
    """The charts this family writes CSV files for (promotion and coverage write their own)."""
    sections = page_charts(ctx)
    return [c for name in ("reported", "catalogue", "outcomes") for c in sections[name]]


def files(ctx: Context) -> dict[str, bytes]:
    return chart_files(own_charts(ctx))


# --- the report's figures ---------------------------------------------------------------------


def report_date(ctx: Context, fig: Figure) -> str | None:
    source = ctx.cat.sources.get(fig.source)
    return fig.reported or (source.date if source else None)


def primary_quote(fig: Figure) -> str:
    """The quoted sentence that holds the figure's value (else its first quote)."""
    return next((q for q in fig.quote if fig.value in q), fig.quote[0])


def as_of(ctx: Context, fig: Figure) -> tuple[str | None, str | None]:
    """(as-of text, the source's own word when the date is the report's).

    Without ``as_of``, a sentence that dates its number by the time of writing ("截至目前",
    "目前", "今年", "2017年以来") is dated by the report: 截至报告时（2017）. Only the sentence
    that holds the value counts, and the quotes are verbatim (checked against the source
    text), so this reads the source rather than guessing; anything else stays 未公开.
    """
    if fig.as_of:
        return _year(fig.as_of), None
    sentence = primary_quote(fig) if any(fig.value in q for q in fig.quote) else ""
    reported = _year(report_date(ctx, fig)) or "报告日期未公开"
    for word, reading in NOW_WORDS:
        if word in sentence:
            return f"{reading}（{reported}）", word
    m = SINCE.search(sentence)
    if m:
        return f"{REPORT_TIME}（{reported}）", m.group()
    return None, None


@dataclass
class Passage:
    """Figures resting on the same sentence, and the sentences shown once for all of them."""

    anchor: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    sources: list[Any] = field(default_factory=list)
    ref: str | None = None  # the passage already showing this sentence (another group)


def _quote_anchor(sentence: str) -> str:
    return "quote-" + hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:8]


def figure_groups(ctx: Context) -> list[dict[str, Any]]:
    """The report's figures by group, each group a list of passages; every quote once."""
    figures = list(ctx.cat.figures.values())
    every = [(f.source, q) for f in figures for q in f.quote]

    def widest(source: str, q: str) -> str:
        """The longest quote of the same source that contains ``q`` (a sentence, not a part)."""
        return max((o for s, o in every if s == source and q in o), key=len)

    primaries = {f.id: widest(f.source, primary_quote(f)) for f in figures}
    shown_primary = set(primaries.values())
    shown: list[str] = []

    def new(q: str) -> bool:
        # a sentence that is (or is inside) some figure's own sentence is shown with that figure
        return not any(q in s for s in shown) and not any(q in p for p in shown_primary)

    groups: dict[str, dict[str, Passage]] = {}
    for fig in figures:
        passages = groups.setdefault(fig.group or "其他", {})
        key = primaries[fig.id]
        passage = passages.get(key)
        if passage is None:
            passage = passages[key] = Passage(_quote_anchor(key))
            if key in shown:
                passage.ref = _quote_anchor(key)
            else:
                passage.quotes.append(key)
                shown.append(key)
        when, word = as_of(ctx, fig)
        passage.figures.append({"fig": fig, "when": when, "word": word})
        for q in fig.quote:
            q = widest(fig.source, q)
            if new(q):
                passage.quotes.append(q)
                shown.append(q)
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
    sections = page_charts(ctx)
    catalogue = catalogue_charts(ctx)
    sources = list({f.source: ctx.cat.sources[f.source] for f in ctx.cat.figures.values()}.values())
    yield GeneratedPage(
        URI,
        "统计",
        ctx.render(
            URI.replace("/index.md", "_index.md.j2"),
            URI,
            figures={name: [figure_href(ctx, c, URI) for c in charts] for name, charts in sections.items()},
            catalogue=[
                (figure_href(ctx, c, URI), facet_links(ctx, name, URI) if name else [])
                for c, name in catalogue
            ],
            groups=figure_groups(ctx),
            sources=sources,
            n_figures=len(ctx.cat.figures),
            n_pilots=len(ctx.cat.pilots),
            report_time=REPORT_TIME,
        ),
        "stats",
        "来源报告给出的试点总量与各领域指标，以及本库收录情况",
    )
