"""Build-time charts: inline, accessible SVG drawn by Vega-Lite (vl-convert), themed by CSS.

Layout is fixed in CSS-pixel units for a 360 px wide phone (the SVG scales with its container)
and never depends on font measurement, so the bytes are the same on every machine: labels are
wrapped and truncated here by character width, and Vega is told the exact padding.
Colours come from ``docs/assets/kb-charts.css`` (light and Material's dark ``slate``); the
colours written into the SVG are only the light fallbacks.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import vl_convert
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from pilotkb.publish.export import csv_safe_cell

KINDS = ("bar", "grouped", "compare")
EMPTY_TEXT = "暂无数据"
UNKNOWN_TEXT = "未公开"

# Geometry, in CSS px of a 360 px wide chart (a 390 px phone shows it about 1:1).
WIDTH = 360
FONT = 14  # at 328 px (360 px phone minus page margins) this is still 12.75 px
LABEL_W = 116  # label column: 8 Chinese characters
LABEL_GAP = 8
LINE_H = 17
MAX_LINES = 2
TOP = 30  # room for the y-axis header
BOTTOM = 46  # tick labels and the x-axis title
LEGEND_ROW = 22

# Light fallback colours written into the SVG; kb-charts.css overrides them by class, per scheme.
# Each series colour maps back to a class after rendering (Vega gives one class per mark only).
SERIES_FILL = ("#a31515", "#4a6785", "#2e7d32", "#6a4c93")
BASE_FILL = "#6b7280"  # the baseline bar of a "compare" chart


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


def format_value(v: float | None, unit: str = "") -> str:
    """12 → "12", 1.50 → "1.5", None → 未公开; no exponent notation."""
    if v is None:
        return UNKNOWN_TEXT
    text = format(Decimal(repr(float(v))).normalize(), "f") if not isinstance(v, int) else str(v)
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}{unit}" if unit else text


# --- label wrapping by character width (no font measurement) -------------------------------


def _char_w(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6


def text_width(text: str, size: float = FONT) -> float:
    """Generous estimate of rendered width: wide (CJK) characters 1 em, others 0.6 em."""
    return sum(_char_w(c) for c in text) * size


_TOKEN = re.compile(r"[A-Za-z0-9.%+_/-]+[）)，。、；：”’]*|\S[）)，。、；：”’]*|\s+")


def wrap_label(
    label: str, width: float = LABEL_W, size: float = FONT, max_lines: int = MAX_LINES
) -> list[str]:
    """Greedy wrap into at most ``max_lines`` lines, keeping Latin words and numbers whole and
    closing punctuation with what it closes; the last line is cut with "…" if needed."""
    limit = width / size
    lines: list[str] = [""]
    for token in _TOKEN.findall(" ".join(label.split())):
        w = sum(_char_w(c) for c in token)
        cur_w = sum(_char_w(c) for c in lines[-1])
        if token.isspace():
            if lines[-1] and cur_w + w <= limit:
                lines[-1] += " "
            continue
        if cur_w + w > limit and lines[-1]:
            if w <= limit:
                lines.append("")
            else:  # a word longer than the line: fill this line, then go on
                while token and sum(_char_w(c) for c in lines[-1] + token[0]) <= limit:
                    lines[-1], token = lines[-1] + token[0], token[1:]
                lines.append("")
        while sum(_char_w(c) for c in token) > limit:  # still too long for a line of its own
            cut = len(token)
            while sum(_char_w(c) for c in token[:cut]) > limit:
                cut -= 1
            lines[-1], token = token[:cut], token[cut:]
            lines.append("")
        lines[-1] += token
    lines = [line.rstrip() for line in lines if line.strip()] or [""]
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and sum(_char_w(c) for c in last) + 1.0 > limit:
            last = last[:-1]
        if re.search(r"[A-Za-z0-9]$", last) and lines[max_lines - 1][len(last) :][:1].isalnum():
            last = re.sub(r"[A-Za-z0-9.]+$", "", last) or last  # no half numbers: "比…", not "比201…"
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return lines


# --- rendering ------------------------------------------------------------------------------


def _spec(chart: Chart) -> tuple[dict[str, Any], int, int]:
    """The Vega-Lite spec, and the SVG's width and height."""
    n_series = len(chart.value_names)
    wrapped = [wrap_label(str(r[0])) for r in chart.rows]
    lines = max(len(w) for w in wrapped)
    bar_h = 18 if n_series == 1 else 14
    step = max(n_series * bar_h + 12, lines * LINE_H + 10)
    values = [v for r in chart.rows for v in r[1:] if v is not None]
    texts = [format_value(v, chart.unit) for r in chart.rows for v in r[1:]]
    right = int(max(text_width(t) for t in texts)) + 10
    legend_h = LEGEND_ROW * n_series if chart.kind == "grouped" else 0
    top = TOP + legend_h
    plot_w = WIDTH - LABEL_W - LABEL_GAP - right
    plot_h = step * len(chart.rows)
    data = []
    for i, (r, w) in enumerate(zip(chart.rows, wrapped, strict=True)):
        for s, v in enumerate(r[1:]):
            kind_class = s
            if chart.kind == "compare":
                kind_class = -1 if i == 0 else 0
            data.append(
                {
                    "k": i,
                    "lines": w,
                    "s": chart.value_names[s],
                    "c": kind_class,
                    "v": 0 if v is None else v,
                    "t": format_value(v, chart.unit),
                    "neg": v is not None and v < 0,
                }
            )
    lo, hi = min([0, *values]), max([0, *values])
    if lo == hi:  # all zero or unknown: an empty axis from 0 to 1
        hi = 1
    all_int = all(isinstance(v, int) for v in values)
    y = {
        "field": "k",
        "type": "ordinal",
        "sort": None,
        "scale": {"paddingInner": 0, "paddingOuter": 0},
        "axis": {
            "title": chart.y_label,
            "labels": False,
            "ticks": False,
            "domain": False,
            "titleAngle": 0,
            "titleAlign": "right",
            "titleBaseline": "bottom",
            "titleX": -LABEL_GAP,
            "titleY": -10,
        },
    }
    x_axis = {
        "title": chart.x_label,
        "tickCount": 4,
        "grid": True,
        "labelFlush": True,
        "labelOverlap": True,
        "titlePadding": 6,
    }
    if all_int:
        # Explicit whole-number ticks: with a small maximum, Vega's own ticks fall on halves
        # and "d" printed them twice ("0 1 1 2 2").
        x_axis |= {"format": "d", "values": _int_ticks(int(lo), int(hi))}
    x = {"field": "v", "type": "quantitative", "scale": {"domain": [lo, hi], "nice": False}, "axis": x_axis}
    bar_enc: dict[str, Any] = {
        "x": x,
        "color": {
            "field": "c",
            "type": "nominal",
            "scale": {"domain": [-1, 0, 1, 2, 3], "range": [BASE_FILL, *SERIES_FILL]},
            "legend": None,
        },
    }
    text_enc: dict[str, Any] = {"x": {"field": "v", "type": "quantitative"}, "text": {"field": "t"}}
    if n_series > 1:
        offset = {"field": "s", "type": "nominal", "sort": list(chart.value_names)}
        offset_scale = {"paddingInner": 0, "paddingOuter": (step - n_series * bar_h) / 2 / bar_h}
        bar_enc["yOffset"] = offset | {"scale": offset_scale}
        text_enc["yOffset"] = offset | {"scale": offset_scale}
        bar_enc["color"]["field"] = "c"
    else:
        bar_enc["y"] = y | {"bandPosition": 0}
    layers: list[dict[str, Any]] = [
        {
            "name": "kbbars",
            "mark": {"type": "bar", "height": bar_h} if n_series == 1 else {"type": "bar"},
            "encoding": bar_enc,
        },
        {
            "name": "kbvalues",
            "mark": {
                "type": "text",
                "baseline": "middle",
                "fontSize": FONT,
                "dx": {"expr": "datum.neg ? -4 : 4"},
                "align": {"expr": "datum.neg ? 'right' : 'left'"},
            },
            "encoding": text_enc,
        },
        {
            "name": "kblabels",
            "mark": {
                "type": "text",
                "align": "right",
                "baseline": "middle",
                "fontSize": FONT,
                "lineHeight": LINE_H,
                "x": -LABEL_GAP,
                # Vega puts the first line on the middle; lift wrapped labels to centre them.
                "dy": {"expr": f"-(length(datum.lines) - 1) * {LINE_H / 2}"},
            },
            "encoding": {"text": {"field": "lines"}},
        },
    ]
    if n_series > 1:  # labels once per category, centred on the group
        layers[2]["transform"] = [{"filter": {"field": "s", "equal": chart.value_names[0]}}]
        layers[2]["encoding"]["y"] = y | {"bandPosition": 0.5}
        layers[0]["encoding"]["y"] = y
        layers[1]["encoding"]["y"] = y
    else:
        layers[1]["encoding"]["y"] = y | {"bandPosition": 0.5}
        layers[2]["encoding"]["y"] = y | {"bandPosition": 0.5}
    if chart.kind == "grouped":  # legend: one swatch and name per series, in the top padding
        legend = [{"s": name, "c": i, "i": i} for i, name in enumerate(chart.value_names)]
        layers.append(
            {
                "name": "kblegend",
                "data": {"values": legend},
                "layer": [
                    {
                        "mark": {"type": "square", "size": 144, "x": 6, "opacity": 1},
                        "encoding": {
                            "y": {"value": {"expr": f"{-top + LEGEND_ROW / 2 + 2} + {LEGEND_ROW} * datum.i"}},
                            "color": bar_enc["color"],
                        },
                    },
                    {
                        "mark": {
                            "type": "text",
                            "x": 18,
                            "align": "left",
                            "baseline": "middle",
                            "fontSize": FONT,
                        },
                        "encoding": {
                            "y": {"value": {"expr": f"{-top + LEGEND_ROW / 2 + 2} + {LEGEND_ROW} * datum.i"}},
                            "text": {"field": "s"},
                        },
                    },
                ],
            }
        )
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": plot_w,
        "height": plot_h,
        "autosize": {"type": "none"},
        "padding": {"left": LABEL_W + LABEL_GAP, "top": top, "right": right, "bottom": BOTTOM},
        "background": None,
        "data": {"values": data},
        "layer": layers,
        "config": {
            "aria": False,
            "view": {"stroke": None},
            "font": "sans-serif",
            "axis": {"labelFontSize": FONT, "titleFontSize": FONT, "titleFontWeight": "normal"},
        },
    }
    return spec, WIDTH, top + plot_h + BOTTOM


def _int_ticks(lo: int, hi: int, most: int = 5) -> list[int]:
    """At most ``most`` whole-number ticks at a 1-2-5 step, covering 0 and the domain."""
    step = 1
    while (hi - lo) / step > most - 1:
        step = _next_step(step)
    first = -(-lo // step) * step
    return list(range(first, hi + 1, step))


def _next_step(step: int) -> int:
    """1, 2, 5, 10, 20, 50, ..."""
    scale = 10 ** (len(str(step)) - 1)
    return {1: 2, 2: 5, 5: 10}[step // scale] * scale


_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", _NS)
_DROP_ATTRS = (
    "aria-hidden",
    "aria-roledescription",
    "role",
    "pointer-events",
    "font-family",
    "stroke-miterlimit",
)
_NUM = re.compile(r"-?\d+\.\d{3,}")


def _round(text: str) -> str:
    """Two decimals are plenty for CSS px; this halves the SVG."""
    return _NUM.sub(lambda m: f"{float(m.group()):.2f}".rstrip("0").rstrip("."), text)


def _tidy(svg: str, chart: Chart, width: int, height: int) -> str:
    """Vega's SVG made small, themable and accessible."""
    root = ET.fromstring(svg)
    fill_class = {f.lower(): f"kb-s{i}" for i, f in enumerate(SERIES_FILL)} | {BASE_FILL: "kb-base"}
    for parent in list(root.iter()):
        for child in list(parent):
            cls = child.get("class", "")
            # Vega's empty background/foreground paths and hidden groups carry nothing visible.
            if cls in ("background", "foreground") or child.get("display") == "none":
                parent.remove(child)
    for el in root.iter():
        for a in _DROP_ATTRS:
            el.attrib.pop(a, None)
        if el.get("opacity") == "1":
            del el.attrib["opacity"]
        if el.get("transform") == "translate(0,0)":
            del el.attrib["transform"]
        for a in ("d", "transform", "x", "y", "dy", "x2", "y2", "width", "height"):
            if a in el.attrib:
                el.set(a, _round(el.get(a, "")))
        fill = el.get("fill", "").lower()
        if fill in fill_class:
            el.set("class", fill_class[fill])
    root.attrib.clear()
    root.set("class", f"kb-chart kb-chart--{chart.kind}")
    root.set("viewBox", f"0 0 {width} {height}")
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart.id}-title")
    root.set("aria-describedby", f"{chart.id}-desc")
    title = ET.Element(f"{{{_NS}}}title", {"id": f"{chart.id}-title"})
    title.text = chart.title
    desc = ET.Element(f"{{{_NS}}}desc", {"id": f"{chart.id}-desc"})
    desc.text = chart.description
    root.insert(0, desc)
    root.insert(0, title)
    _unwrap_groups(root)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _unwrap_groups(el: ET.Element) -> None:
    """Flatten Vega's attribute-less <g> wrappers (one per scene level)."""
    changed = True
    while changed:
        changed = False
        for parent in list(el.iter()):
            kids = list(parent)
            for i, child in enumerate(kids):
                if child.tag == f"{{{_NS}}}g" and not child.attrib:
                    parent.remove(child)
                    for j, grand in enumerate(list(child)):
                        parent.insert(i + j, grand)
                    changed = True
                    break


def _empty_svg(chart: Chart) -> str:
    h = 60
    return (
        f'<svg xmlns="{_NS}" class="kb-chart kb-chart--empty" viewBox="0 0 {WIDTH} {h}" width="100%" '
        f'role="img" aria-labelledby="{chart.id}-title" aria-describedby="{chart.id}-desc">'
        f'<title id="{chart.id}-title">{escape(chart.title)}</title>'
        f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>'
        f'<text x="{WIDTH // 2}" y="{h // 2}" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="{FONT}">{EMPTY_TEXT}</text></svg>'
    )


def render_svg(chart: Chart) -> Markup:
    """The chart as one line of inline SVG (role="img", <title>, <desc>); same input, same bytes."""
    return Markup(_render(chart))


@functools.lru_cache(maxsize=256)
def _render(chart: Chart) -> str:
    # Cached: a chart costs 0.2-0.4 s in Vega's engine and ``mkdocs serve`` rebuilds often.
    if not chart.rows:
        return _empty_svg(chart)
    spec, width, height = _spec(chart)
    return _tidy(vl_convert.vegalite_to_svg(spec), chart, width, height)


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


_ENV = Environment(
    loader=PackageLoader("pilotkb.site", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True, enabled_extensions=("j2",)),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)


def render_figure(chart: Chart, csv_href: str | None = None) -> Markup:
    """<figure> with the visible title and description, the SVG, the table in a disclosure and
    the CSV link; one block without blank lines, safe inside Markdown's raw HTML."""
    header, rows = chart_table(chart)
    html = _ENV.get_template("chart_figure.html.j2").render(
        chart=chart, svg=render_svg(chart), header=header, rows=rows, csv_href=csv_href, empty=EMPTY_TEXT
    )
    return Markup("\n".join(line for line in html.splitlines() if line.strip()))
