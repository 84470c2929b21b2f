"""A chart drawn as inline, accessible SVG by Vega-Lite (vl-convert), themed by CSS.

Layout is fixed in CSS-pixel units for a 360 px wide phone (the SVG scales with its container)
and never depends on font measurement, so the bytes are the same on every machine: labels are
wrapped and truncated here by character width, and Vega is told the exact padding. The spec
is built layer by layer (bars, values, labels, legend), each by name.
Colours come from ``docs/assets/kb-charts.css`` (light and Material's dark ``slate``); the
colours written into the SVG are only the light fallbacks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from markupsafe import escape

from pilotkb.site.wrap import text_width, wrap_label

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


class Drawable(Protocol):
    """What drawing reads of a chart (``pilotkb.site.charts.Chart``)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def x_label(self) -> str: ...
    @property
    def y_label(self) -> str: ...
    @property
    def rows(self) -> Sequence[tuple[Any, ...]]: ...
    @property
    def kind(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def value_names(self) -> tuple[str, ...]: ...


def format_value(v: float | None, unit: str = "") -> str:
    """12 → "12", 1.50 → "1.5", None → 未公开; no exponent notation."""
    if v is None:
        return UNKNOWN_TEXT
    text = format(Decimal(repr(float(v))).normalize(), "f") if not isinstance(v, int) else str(v)
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}{unit}" if unit else text


# --- rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A chart's geometry in CSS px: one band of ``step`` per row, a bar of ``bar_h`` per series."""

    grouped: bool  # one bar per series in each band, and a legend above the plot
    lines: list[list[str]]  # each row's label, wrapped
    bar_h: int
    step: int
    right: int  # room right of the plot for the longest value text
    top: int  # room above the plot: the y-axis title, and the legend

    @property
    def plot_w(self) -> int:
        return WIDTH - LABEL_W - LABEL_GAP - self.right

    @property
    def plot_h(self) -> int:
        return self.step * len(self.lines)


def _layout(chart: Drawable) -> Layout:
    n_series = len(chart.value_names)
    wrapped = [wrap_label(str(r[0]), LABEL_W, FONT, MAX_LINES) for r in chart.rows]
    bar_h = 18 if n_series == 1 else 14
    step = max(n_series * bar_h + 12, max(len(w) for w in wrapped) * LINE_H + 10)
    texts = [format_value(v, chart.unit) for r in chart.rows for v in r[1:]]
    grouped = chart.kind == "grouped"
    return Layout(
        grouped=grouped,
        lines=wrapped,
        bar_h=bar_h,
        step=step,
        right=int(max(text_width(t, FONT) for t in texts)) + 10,
        top=TOP + (LEGEND_ROW * n_series if grouped else 0),
    )


def _data(chart: Drawable, layout: Layout) -> list[dict[str, Any]]:
    """One datum per bar: row ``k``, series ``s``, colour class ``c`` (-1: the baseline of a
    "compare" chart), value ``v`` (0 when unknown) and its text ``t``."""
    data = []
    for i, (r, lines) in enumerate(zip(chart.rows, layout.lines, strict=True)):
        for s, v in enumerate(r[1:]):
            colour = s if chart.kind != "compare" else (-1 if i == 0 else 0)
            data.append(
                {
                    "k": i,
                    "lines": lines,
                    "s": chart.value_names[s],
                    "c": colour,
                    "v": 0 if v is None else v,
                    "t": format_value(v, chart.unit),
                    "neg": v is not None and v < 0,
                }
            )
    return data


def _y(chart: Drawable) -> dict[str, Any]:
    """The category axis: one band per row, its title above the labels, no ticks of its own."""
    return {
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


def _x(chart: Drawable) -> dict[str, Any]:
    """The value axis, from the smallest value (or 0) to the largest (or 0)."""
    values = [v for r in chart.rows for v in r[1:] if v is not None]
    lo, hi = min([0, *values]), max([0, *values])
    if lo == hi:  # all zero or unknown: an empty axis from 0 to 1
        hi = 1
    axis = {
        "title": chart.x_label,
        "tickCount": 4,
        "grid": True,
        "labelFlush": True,
        "labelOverlap": True,
        "titlePadding": 6,
    }
    if all(isinstance(v, int) for v in values):
        # Explicit whole-number ticks: with a small maximum, Vega's own ticks fall on halves
        # and "d" printed them twice ("0 1 1 2 2").
        axis |= {"format": "d", "values": _int_ticks(int(lo), int(hi))}
    return {"field": "v", "type": "quantitative", "scale": {"domain": [lo, hi], "nice": False}, "axis": axis}


# The colour class of each bar: kb-base for -1, kb-s0.. for the series (see _tidy).
COLOUR = {
    "field": "c",
    "type": "nominal",
    "scale": {"domain": [-1, 0, 1, 2, 3], "range": [BASE_FILL, *SERIES_FILL]},
    "legend": None,
}


def _series_offset(chart: Drawable, layout: Layout) -> dict[str, Any]:
    """The bars of one row side by side, the group centred in the row's band."""
    padding = (layout.step - len(chart.value_names) * layout.bar_h) / 2 / layout.bar_h
    return {
        "field": "s",
        "type": "nominal",
        "sort": list(chart.value_names),
        "scale": {"paddingInner": 0, "paddingOuter": padding},
    }


def _bars(chart: Drawable, layout: Layout) -> dict[str, Any]:
    encoding: dict[str, Any] = {"x": _x(chart), "color": COLOUR}
    if layout.grouped:
        encoding |= {"yOffset": _series_offset(chart, layout), "y": _y(chart)}
        mark: dict[str, Any] = {"type": "bar"}
    else:
        encoding |= {"y": _y(chart) | {"bandPosition": 0}}
        mark = {"type": "bar", "height": layout.bar_h}
    return {"name": "kbbars", "mark": mark, "encoding": encoding}


def _values(chart: Drawable, layout: Layout) -> dict[str, Any]:
    """Each bar's value as text at its end (left of the bar when negative)."""
    encoding: dict[str, Any] = {"x": {"field": "v", "type": "quantitative"}, "text": {"field": "t"}}
    if layout.grouped:
        encoding |= {"yOffset": _series_offset(chart, layout), "y": _y(chart)}
    else:
        encoding |= {"y": _y(chart) | {"bandPosition": 0.5}}
    mark = {
        "type": "text",
        "baseline": "middle",
        "fontSize": FONT,
        "dx": {"expr": "datum.neg ? -4 : 4"},
        "align": {"expr": "datum.neg ? 'right' : 'left'"},
    }
    return {"name": "kbvalues", "mark": mark, "encoding": encoding}


def _labels(chart: Drawable, layout: Layout) -> dict[str, Any]:
    """The row labels, wrapped, right-aligned in the label column and centred on their band."""
    mark = {
        "type": "text",
        "align": "right",
        "baseline": "middle",
        "fontSize": FONT,
        "lineHeight": LINE_H,
        "x": -LABEL_GAP,
        # Vega puts the first line on the middle; lift wrapped labels to centre them.
        "dy": {"expr": f"-(length(datum.lines) - 1) * {LINE_H / 2}"},
    }
    layer = {
        "name": "kblabels",
        "mark": mark,
        "encoding": {"text": {"field": "lines"}, "y": _y(chart) | {"bandPosition": 0.5}},
    }
    if layout.grouped:  # one label per row, not one per bar
        layer["transform"] = [{"filter": {"field": "s", "equal": chart.value_names[0]}}]
    return layer


def _legend(chart: Drawable, layout: Layout) -> dict[str, Any]:
    """One swatch and name per series, in the top padding."""
    y = {"value": {"expr": f"{-layout.top + LEGEND_ROW / 2 + 2} + {LEGEND_ROW} * datum.i"}}
    swatch = {
        "mark": {"type": "square", "size": 144, "x": 6, "opacity": 1},
        "encoding": {"y": y, "color": COLOUR},
    }
    name = {
        "mark": {"type": "text", "x": 18, "align": "left", "baseline": "middle", "fontSize": FONT},
        "encoding": {"y": y, "text": {"field": "s"}},
    }
    legend = [{"s": series, "c": i, "i": i} for i, series in enumerate(chart.value_names)]
    return {"name": "kblegend", "data": {"values": legend}, "layer": [swatch, name]}


def _spec(chart: Drawable) -> tuple[dict[str, Any], int, int]:
    """The Vega-Lite spec, and the SVG's width and height."""
    layout = _layout(chart)
    layers = [_bars(chart, layout), _values(chart, layout), _labels(chart, layout)]
    if layout.grouped:
        layers.append(_legend(chart, layout))
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": layout.plot_w,
        "height": layout.plot_h,
        "autosize": {"type": "none"},
        "padding": {"left": LABEL_W + LABEL_GAP, "top": layout.top, "right": layout.right, "bottom": BOTTOM},
        "background": None,
        "data": {"values": _data(chart, layout)},
        "layer": layers,
        "config": {
            "aria": False,
            "view": {"stroke": None},
            "font": "sans-serif",
            "axis": {"labelFontSize": FONT, "titleFontSize": FONT, "titleFontWeight": "normal"},
        },
    }
    return spec, WIDTH, layout.top + layout.plot_h + BOTTOM


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


def _tidy(svg: str, chart: Drawable, width: int, height: int) -> str:
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


def _empty_svg(chart: Drawable) -> str:
    h = 60
    return (
        f'<svg xmlns="{_NS}" class="kb-chart kb-chart--empty" viewBox="0 0 {WIDTH} {h}" width="100%" '
        f'role="img" aria-labelledby="{chart.id}-title" aria-describedby="{chart.id}-desc">'
        f'<title id="{chart.id}-title">{escape(chart.title)}</title>'
        f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>'
        f'<text x="{WIDTH // 2}" y="{h // 2}" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="{FONT}">{EMPTY_TEXT}</text></svg>'
    )


def draw_svg(chart: Drawable) -> str:
    """The chart as one line of SVG (role="img", <title>, <desc>); same input, same bytes."""
    if not chart.rows:
        return _empty_svg(chart)
    import vl_convert  # Vega's engine (~70 MB): loaded only where charts are drawn (views/memo.py)

    spec, width, height = _spec(chart)
    return _tidy(vl_convert.vegalite_to_svg(spec), chart, width, height)
