"""媒体报道索引: the coverage records grouped by outlet and by year, with their counts.

Text that several records share (the same 报道内容 in four outlets) is shown once, at the top,
and each record refers to it, so the page does not repeat a paragraph once per outlet.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pilotkb.publish.export import csv_safe_cell
from pilotkb.site.charts import Chart, chart_csv_path, chart_files, render_figure
from pilotkb.site.views.context import Context
from pilotkb.site.views.memo import per_context
from pilotkb.site.views.page import GeneratedPage

if TYPE_CHECKING:
    import pandas as pd

URI = "coverage/index.md"
NO_YEAR = "年份未公开"


def year_of(rec: Any) -> str | None:
    return rec.date[:4] if rec.date else None


def outlet_anchor(outlet: str) -> str:
    """A stable ASCII anchor for an outlet's section (outlets are Chinese names)."""
    return "outlet-" + hashlib.sha1(outlet.encode("utf-8")).hexdigest()[:8]


def entry_anchor(rid: str) -> str:
    return f"coverage-{rid}"


def groups(ctx: Context) -> list[dict[str, Any]]:
    """One group per outlet, in order of first appearance; records newest first within it."""
    by_outlet: dict[str, list[Any]] = {}
    for rec in ctx.cat.coverage.values():
        by_outlet.setdefault(rec.outlet, []).append(rec)
    return [
        {
            "outlet": outlet,
            "anchor": outlet_anchor(outlet),
            "records": sorted(records, key=lambda r: r.date or "", reverse=True),
            "years": Counter(year_of(r) or NO_YEAR for r in records),
        }
        for outlet, records in by_outlet.items()
    ]


def shared_texts(ctx: Context) -> dict[str, str]:
    """Coverage text shared by two or more records -> its label (报道内容 A, B …)."""
    counts = Counter(r.covers for r in ctx.cat.coverage.values())
    shared = [text for text, n in counts.items() if n > 1]
    return {text: chr(ord("A") + i) if i < 26 else str(i + 1) for i, text in enumerate(shared)}


TABLE_CSV = "downloads/charts/coverage-by-outlet-and-year.csv"


def coverage_frame(ctx: Context) -> pd.DataFrame:
    import pandas as pd  # loaded where statistics are made (views/memo.py)

    return pd.DataFrame(
        [{"outlet": r.outlet, "year": year_of(r) or NO_YEAR} for r in ctx.cat.coverage.values()],
        columns=["outlet", "year"],
    )


def _years(df: pd.DataFrame) -> list[str]:
    """Years newest first, then 年份未公开."""
    years = sorted({y for y in df["year"] if y != NO_YEAR}, reverse=True)
    return years + ([NO_YEAR] if (df["year"] == NO_YEAR).any() else [])


def outlet_chart(ctx: Context) -> Chart:
    df = coverage_frame(ctx)
    counts = df.groupby("outlet", sort=False).size()  # outlets in order of first appearance
    rows = sorted(((o, int(n)) for o, n in counts.items()), key=lambda r: -r[1])
    return Chart(
        id="coverage-by-outlet",
        title="媒体报道，按媒体",
        description=f"来源提及的 {len(df)} 条报道来自 {len(rows)} 家媒体："
        + "、".join(f"{o} {n} 条" for o, n in rows)
        + "。",
        x_label="报道数（条）",
        y_label="媒体",
        rows=rows,
        unit="条",
    )


def year_chart(ctx: Context) -> Chart:
    df = coverage_frame(ctx)
    counts = df["year"].value_counts()
    rows = [(y, int(counts[y])) for y in _years(df)]
    unknown = int(counts.get(NO_YEAR, 0))
    dated = len(df) - unknown
    return Chart(
        id="coverage-by-year",
        title="媒体报道，按年份",
        description=f"{len(df)} 条报道中，{dated} 条写明了年份，{unknown} 条来源未写明年份。",
        x_label="报道数（条）",
        y_label="年份",
        rows=rows,
        unit="条",
    )


@per_context
def charts(ctx: Context) -> list[Chart]:
    """The page's charts (made once: the stats page and the CSV files show them too)."""
    return [outlet_chart(ctx), year_chart(ctx)]


@per_context
def table_csv(ctx: Context) -> bytes:
    """The outlet-by-year table as CSV (UTF-8 with BOM, formula-like text made inert)."""
    import pandas as pd  # loaded where statistics are made (views/memo.py)

    df = coverage_frame(ctx)
    years = _years(df)
    table = pd.crosstab(df["outlet"], df["year"]).reindex(columns=years, fill_value=0)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["媒体", *years, "合计"])
    for g in groups(ctx):
        row = [int(table.at[g["outlet"], y]) for y in years]
        writer.writerow([csv_safe_cell(g["outlet"]), *row, sum(row)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def files(ctx: Context) -> dict[str, bytes]:
    return {**chart_files(charts(ctx)), TABLE_CSV: table_csv(ctx)}


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    gs = groups(ctx)
    years = sorted({y for g in gs for y in g["years"] if y != NO_YEAR}, reverse=True)
    if any(NO_YEAR in g["years"] for g in gs):
        years.append(NO_YEAR)
    shared = shared_texts(ctx)
    quotes = {
        text: next(ctx.cat.citations("coverage", r) for r in ctx.cat.coverage.values() if r.covers == text)
        for text in shared
    }
    # what the records sharing a text cover, when they all cover the same records
    shared_rel: dict[str, Any] = {}
    for text in shared:
        rels = [ctx.cat.relations("coverage", r.id) for r in ctx.cat.coverage.values() if r.covers == text]
        same = all(
            [x.id for x in rel["pilots"] + rel["experiences"]]
            == [x.id for x in rels[0]["pilots"] + rels[0]["experiences"]]
            for rel in rels
        )
        shared_rel[text] = rels[0] if same else None
    body = ctx.render(
        "coverage_index.md.j2",
        URI,
        groups=gs,
        years=years,
        shared=shared,
        shared_quotes=quotes,
        shared_rel=shared_rel,
        sharing={t: [r for r in ctx.cat.coverage.values() if r.covers == t] for t in shared},
        total=len(ctx.cat.coverage),
        entry_anchor=entry_anchor,
        no_year=NO_YEAR,
        charts=[
            render_figure(c, ctx.href(URI, "index.md") + chart_csv_path(c), ctx.drawings.get(c))
            for c in charts(ctx)
        ],
        table_csv=ctx.href(URI, "index.md") + TABLE_CSV,
    )
    yield GeneratedPage(URI, "媒体报道", body, "index", "来源报告提及的媒体报道，按媒体和年份分组")
