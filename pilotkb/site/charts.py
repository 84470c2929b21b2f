"""Build-time charts: what a chart shows (``Chart``), as inline SVG in a figure with its
numbers as a table, and as a CSV file. Drawing is ``pilotkb.site.vega``'s.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from pilotkb.publish.export import csv_safe_cell
from pilotkb.site.render import environment
from pilotkb.site.vega import EMPTY_TEXT, SERIES_FILL, draw_svg, format_value

KINDS = ("bar", "grouped", "compare")


@dataclass(frozen=True)
class Chart:
    """One chart. ``rows`` are (category label, value) in display order; a grouped chart has one
    value per series: (label, value_1, value_2, ...). A value of ``None`` shows as 未公开."""

    id: str  # stable ASCII anchor, unique on the page
    title: str
    description: str
    x_label: str
    y_label: str
    rows: Sequence[tuple[Any, ...]] = ()
    kind: str = "bar"  # "bar" | "grouped" | "compare" (first row is the baseline)
    series: tuple[str, ...] = ()  # series names for "grouped"
    unit: str = ""  # printed after each value, e.g. "项"
    note: str = field(default="")  # extra text for the table caption, e.g. as-of dates

    def __post_init__(self) -> None:
        problems = []
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", self.id):
            problems.append(f"id {self.id!r}: ASCII letters, digits, '-' or '_', starting with a letter")
        if self.kind not in KINDS:
            problems.append(f"kind {self.kind!r}: one of {', '.join(KINDS)}")
        width = len(self.series) if self.kind == "grouped" else 1
        if self.kind == "grouped" and len(self.series) < 2:
            problems.append("grouped chart needs at least two series names")
        if len(self.series) > len(SERIES_FILL):
            problems.append(f"at most {len(SERIES_FILL)} series")
        rows = tuple(tuple(r) for r in self.rows)
        for r in rows:
            if len(r) != 1 + width or not all(v is None or _is_number(v) for v in r[1:]):
                problems.append(f"row {r!r}: (label, {width} number(s) or None)")
        if problems:
            raise ValueError(f"chart {self.id}: " + "; ".join(problems))
        object.__setattr__(self, "rows", rows)

    @property
    def value_names(self) -> tuple[str, ...]:
        return self.series if self.kind == "grouped" else (self.x_label,)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v == v and abs(v) != float("inf")


def render_svg(chart: Chart, drawn: str | None = None) -> Markup:
    """The chart as one line of inline SVG (role="img", <title>, <desc>); same input, same bytes.
    ``drawn``: the chart as a second process drew it (``draw_all``): the process that renders
    the pages then never starts Vega's engine."""
    return Markup(drawn if drawn is not None else _svg(chart))


def draw_all(charts: Sequence[Chart]) -> dict[Chart, str]:
    """Each chart drawn as ``render_svg`` draws it."""
    return {c: _svg(c) for c in charts}


@functools.lru_cache(maxsize=256)
def _svg(chart: Chart) -> str:
    # Cached: a chart costs 0.2-0.4 s in Vega's engine and ``mkdocs serve`` rebuilds often.
    return draw_svg(chart)


# --- the same numbers as a table and as CSV --------------------------------------------------


def chart_table(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """Header and rows as shown beside the chart (full labels, formatted values)."""
    header = [chart.y_label, *chart.value_names]
    rows = [[str(r[0]), *(format_value(v, chart.unit) for v in r[1:])] for r in chart.rows]
    return header, rows


def chart_csv(chart: Chart) -> bytes:
    """UTF-8 with BOM (Excel opens Chinese correctly); raw numbers, empty cell for 未公开,
    and text that a spreadsheet would run as a formula made inert."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    unit = f"（{chart.unit}）" if chart.unit else ""
    writer.writerow([csv_safe_cell(chart.y_label), *(csv_safe_cell(n + unit) for n in chart.value_names)])
    for r in chart.rows:
        writer.writerow([csv_safe_cell(str(r[0])), *("" if v is None else format_value(v) for v in r[1:])])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def chart_csv_path(chart: Chart) -> str:
    """Where the chart's CSV lives in the site (relative to the site root)."""
    return f"downloads/charts/{chart.id}.csv"


def chart_files(charts: Sequence[Chart]) -> dict[str, bytes]:
    """Every chart's CSV, keyed by site path (as ``export`` returns its files)."""
    return {chart_csv_path(c): chart_csv(c) for c in charts}


def render_figure(chart: Chart, csv_href: str | None = None, drawn: str | None = None) -> Markup:
    """<figure> with the visible title and description, the SVG, the table in a disclosure and
    the CSV link; one block without blank lines, safe inside Markdown's raw HTML."""
    header, rows = chart_table(chart)
    html = (
        environment()
        .get_template("chart_figure.html.j2")
        .render(
            chart=chart,
            svg=render_svg(chart, drawn),
            header=header,
            rows=rows,
            csv_href=csv_href,
            empty=EMPTY_TEXT,
        )
    )
    return Markup("\n".join(line for line in html.splitlines() if line.strip()))
