"""Build-time SVG charts (pilotkb/site/charts.py, drawn by pilotkb/site/vega.py): what a reader and a screen reader get, and the CSV."""

from __future__ import annotations

import collections
import csv
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from pilotkb.site.charts import Chart, chart_csv, chart_files, chart_table, render_figure, render_svg

from ..conftest import ROOT, serious_axe_violations

NS = "{http://www.w3.org/2000/svg}"
RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))
PILOTS = RAW["pilots"]
FIGURES = {f["id"]: f for f in RAW["figures"]}
HOSTILE = "</title><script>alert(1)</script>"

# Counted here, independently of the package.
BY_DOMAIN = collections.Counter(d for p in PILOTS for d in p.get("domains") or []).most_common()
BY_LEVEL = collections.Counter(p.get("level") or "未公开" for p in PILOTS)


def domain_chart() -> Chart:
    return Chart(
        id="pilots-by-domain",
        title="试点按领域",
        description="本库收录的试点按改革领域计数；一项试点可属多个领域。",
        x_label="试点数",
        y_label="领域",
        rows=BY_DOMAIN,
        unit="项",
    )


def reported_chart() -> Chart:
    return Chart(
        id="reported-vs-catalogued",
        title="报告数与本库收录",
        description="报告所列试点数与本库已收录的试点数，按层级对照。",
        x_label="试点数（项）",
        y_label="层级",
        kind="grouped",
        series=("报告数", "本库收录"),
        rows=[
            ("省级以上合计", FIGURES["pilots-total"]["number"], len(PILOTS)),
            ("国家级", FIGURES["national-pilots-total"]["number"], BY_LEVEL["国家级"]),
            ("省级", FIGURES["provincial-pilots-total"]["number"], BY_LEVEL["省级"]),
        ],
    )


def pollutant_chart() -> Chart:
    ids = ("pm10-concentration-change", "pm25-concentration-change", "so2-concentration-change")
    return Chart(
        id="pollutants",
        title="主要污染物浓度比2014年下降",
        description="截至2016年，各项指标比2014年的下降幅度。",
        x_label="下降幅度（%）",
        y_label="指标",
        unit="%",
        rows=[(FIGURES[i]["label"], FIGURES[i]["number"]) for i in ids],
    )


def hostile_chart() -> Chart:
    return Chart(
        id="hostile",
        title=HOSTILE,
        description=f'描述 {HOSTILE} & "引号"',
        x_label=HOSTILE,
        y_label="<b>y</b>",
        rows=[(HOSTILE, 3), ('=HYPERLINK("http://x")', 1), ("@SUM(A1)", 0), ("<&'\">", None)],
    )


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(render_svg(chart)))


def texts(root: ET.Element) -> list[str]:
    """Each <text> element's visible string (tspans of a wrapped label joined)."""
    return ["".join(t.itertext()) for t in root.iter(NS + "text")]


def bar_widths(root: ET.Element) -> list[float]:
    group = next(g for g in root.iter(NS + "g") if "kbbars_marks" in g.get("class", ""))
    widths = []
    for path in group.iter(NS + "path"):
        m = re.fullmatch(r"M(-?[\d.]+),(-?[\d.]+)h(-?[\d.]+)v(-?[\d.]+)h(-?[\d.]+)Z", path.get("d", ""))
        assert m, path.get("d")
        widths.append(float(m.group(3)))
    return widths


def test_svg_is_an_accessible_image_with_title_and_description():
    chart = domain_chart()
    root = parse(chart)
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    title = root.find(NS + "title")
    desc = root.find(NS + "desc")
    assert title is not None and title.text == chart.title
    assert desc is not None and desc.text == chart.description
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert list(root)[:2] == [title, desc]  # first children, as screen readers expect


def test_labels_values_and_axis_titles_are_text_not_paths():
    chart = domain_chart()
    shown = texts(parse(chart))
    for label, n in BY_DOMAIN:
        assert label in shown
        assert f"{n}项" in shown
    assert "试点数" in shown and "领域" in shown


def test_bar_lengths_are_proportional_to_the_counts():
    widths = bar_widths(parse(domain_chart()))
    counts = [n for _, n in BY_DOMAIN]
    assert len(widths) == len(counts)
    for w, n in zip(widths, counts, strict=True):
        assert w / max(widths) == pytest.approx(n / max(counts), abs=0.01)


def test_grouped_bars_follow_both_series_and_are_told_apart_by_class():
    chart = reported_chart()
    root = parse(chart)
    widths = bar_widths(root)
    expected = [v for r in chart.rows for v in r[1:]]
    assert len(widths) == len(expected)
    for w, v in zip(widths, expected, strict=True):
        assert w / max(widths) == pytest.approx(v / max(expected), abs=0.01)
    group = next(g for g in root.iter(NS + "g") if "kbbars_marks" in g.get("class", ""))
    assert [p.get("class") for p in group.iter(NS + "path")] == ["kb-s0", "kb-s1"] * len(chart.rows)
    shown = texts(root)
    assert "报告数" in shown and "本库收录" in shown  # the legend
    assert str(FIGURES["pilots-total"]["number"]) in shown and str(len(PILOTS)) in shown


def test_compare_chart_marks_the_baseline():
    air = FIGURES["good-air-days-2016"]["number"]
    chart = Chart(
        id="air",
        title="空气优良天数",
        description="2016年与2014年对比。",
        x_label="天数",
        y_label="年份",
        kind="compare",
        rows=[("2014年", air - FIGURES["good-air-days-increase"]["number"]), ("2016年", air)],
    )
    root = parse(chart)
    group = next(g for g in root.iter(NS + "g") if "kbbars_marks" in g.get("class", ""))
    assert [p.get("class") for p in group.iter(NS + "path")] == ["kb-base", "kb-s0"]


def test_zero_and_unknown_values_are_shown():
    root = parse(hostile_chart())
    shown = texts(root)
    assert "0" in shown  # @SUM(A1) → 0: no bar, but its value printed
    assert "未公开" in shown
    assert len(bar_widths(root)) == 4


def test_data_text_is_escaped_everywhere():
    chart = hostile_chart()
    svg = str(render_svg(chart))
    root = ET.fromstring(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script") or el.tag.endswith("b")]
    assert "<script" not in svg
    assert root.find(NS + "title").text == HOSTILE
    assert any(HOSTILE.startswith(t.rstrip("…")) and t for t in texts(root))
    figure = str(render_figure(chart, csv_href="downloads/charts/hostile.csv"))
    assert "<script" not in figure and "<b>" not in figure
    assert figure.count("&lt;script&gt;") >= 4  # figcaption, svg title, label, table


def test_same_input_same_bytes_across_processes():
    first = str(render_svg(reported_chart())).encode()
    assert str(render_svg(reported_chart())).encode() == first
    code = (
        "import sys; from tests.site.test_charts import reported_chart;"
        "from pilotkb.site.charts import render_svg; sys.stdout.buffer.write(str(render_svg(reported_chart())).encode())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True).stdout
    assert out == first
    assert not re.search(rb"\bid=\"(?!reported-vs-catalogued-(title|desc)\")", first)  # no generated ids


def test_scales_to_its_container_and_text_stays_legible_on_a_phone():
    root = parse(pollutant_chart())
    assert root.get("width") == "100%" and root.get("height") is None
    vb_width = float(root.get("viewBox").split()[2])
    sizes = [float(t.get("font-size").removesuffix("px")) for t in root.iter(NS + "text")]
    # a 360 px phone leaves about 328 px for the page column
    assert min(sizes) * 328 / vb_width >= 12


def test_long_labels_wrap_and_the_table_keeps_them_whole():
    chart = pollutant_chart()
    root = parse(chart)
    labels = next(g for g in root.iter(NS + "g") if "kblabels_marks" in g.get("class", ""))
    for text, (label, _) in zip(labels.iter(NS + "text"), chart.rows, strict=True):
        lines = [t.text for t in text.iter(NS + "tspan")] or [text.text]
        assert 1 <= len(lines) <= 2
        assert "".join(lines).rstrip("…") == label[: len("".join(lines).rstrip("…"))]
    header, rows = chart_table(chart)
    assert [r[0] for r in rows] == [r[0] for r in chart.rows]


def test_small_enough():
    chart = Chart(
        id="ten",
        title="十项",
        description="十个类别。",
        x_label="数",
        y_label="类",
        rows=[(f"类别{i}", i) for i in range(10)],
    )
    svg = str(render_svg(chart)).encode()
    assert len(svg) < 8 * 1024
    assert b"<metadata" not in svg and b"clip" not in svg and b"\n\n" not in svg


def test_empty_chart_says_no_data():
    chart = Chart(id="none", title="空", description="没有数据。", x_label="x", y_label="y", rows=[])
    root = parse(chart)
    assert root.get("role") == "img" and root.find(NS + "title").text == "空"
    assert texts(root) == ["暂无数据"]
    assert chart_csv(chart).decode("utf-8-sig").splitlines() == ["y,x"]


def test_csv_round_trips_with_bom_and_inert_formulas():
    chart = hostile_chart()
    data = chart_csv(chart)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["<b>y</b>", "'" + HOSTILE if HOSTILE.startswith("=") else HOSTILE]
    assert rows[1:] == [
        [HOSTILE, "3"],
        ['\'=HYPERLINK("http://x")', "1"],
        ["'@SUM(A1)", "0"],
        ["<&'\">", ""],
    ]
    real = chart_csv(domain_chart())
    back = list(csv.reader(io.StringIO(real.decode("utf-8-sig"))))
    assert back == [["领域", "试点数（项）"], *[[k, str(n)] for k, n in BY_DOMAIN]]
    assert chart_files([domain_chart()]) == {"downloads/charts/pilots-by-domain.csv": real}


def test_figure_has_title_description_svg_table_and_csv_link():
    chart = domain_chart()
    html = str(render_figure(chart, csv_href="../downloads/charts/pilots-by-domain.csv"))
    root = ET.fromstring(html)  # the figure is well-formed markup
    assert root.tag == "figure" and root.get("id") == chart.id
    assert "\n\n" not in html  # stays one raw HTML block in Markdown
    caption = "".join(root.find("figcaption").itertext())
    assert chart.title in caption and chart.description in caption
    table_rows = [["".join(c.itertext()) for c in tr] for tr in root.iter("tr")]
    assert table_rows == [["领域", "试点数"], *[[k, f"{n}项"] for k, n in BY_DOMAIN]]
    link = next(a for a in root.iter("a") if a.get("download") is not None)
    assert link.get("href") == "../downloads/charts/pilots-by-domain.csv"


def test_bad_chart_definition_is_refused_with_every_problem():
    with pytest.raises(ValueError) as err:
        Chart(id="坏", title="t", description="d", x_label="x", y_label="y", kind="pie", rows=[("a", "1")])
    assert (
        "id '坏'" in str(err.value) and "kind 'pie'" in str(err.value) and "row ('a', '1')" in str(err.value)
    )


# --- the palettes: contrast from the stylesheet itself ---------------------------------------

CSS = re.sub(
    r"/\*.*?\*/", "", (ROOT / "docs" / "assets" / "kb-charts.css").read_text(encoding="utf-8"), flags=re.S
)


def palette(selector_start: str) -> dict[str, str]:
    block = next(
        b for b in re.findall(r"([^{}]+)\{([^}]*)\}", CSS) if b[0].strip().startswith(selector_start)
    )
    return dict(re.findall(r"--kb-chart-([\w-]+):\s*([^;]+);", block[1]))


def rgb(value: str) -> tuple[float, float, float]:
    import colorsys

    if value.startswith("#"):
        return tuple(int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]
    h, s, lum = (float(x.strip(" %")) for x in re.fullmatch(r"hsl\((.*)\)", value).group(1).split(","))
    return colorsys.hls_to_rgb(h / 360, lum / 100, s / 100)


def contrast(a: str, b: str) -> float:
    def lum(c: tuple[float, float, float]) -> float:
        r, g, bl = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted((lum(rgb(a)), lum(rgb(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("selector", [".kb-chart", '[data-md-color-scheme="slate"]'])
def test_palettes_have_enough_contrast(selector):
    colours = palette(selector)
    bg = colours["bg"]
    for name in ("text", "muted", "link"):
        assert contrast(colours[name], bg) >= 4.5, name
    for name in ("axis", "base", "s0", "s1", "s2", "s3"):
        assert contrast(colours[name], bg) >= 3, name


def test_every_class_the_svg_uses_for_colour_has_a_rule_in_both_palettes():
    classes = {
        c
        for el in parse(reported_chart()).iter()
        for c in el.get("class", "").split()
        if c.startswith("kb-s")
    }
    classes |= {"kb-base"}
    for c in classes:
        assert re.search(rf"\.kb-chart \.{c} {{ fill: var\(--kb-chart-{c[3:]}\); }}", CSS), c
        assert c[3:] in palette(".kb-chart") and c[3:] in palette('[data-md-color-scheme="slate"]')


# --- in Chromium, on a 360 px phone -----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_phone_rendering_is_legible_and_unclipped(browser, tmp_path: Path, scheme: str):
    material = next(
        (Path(sys.prefix) / "lib").glob("python3*/site-packages/material/templates/assets/stylesheets")
    )
    sheets = [
        *sorted(material.glob("*.min.css")),
        ROOT / "docs/assets/kb.css",
        ROOT / "docs/assets/kb-charts.css",
    ]
    charts = [reported_chart(), domain_chart(), pollutant_chart(), hostile_chart()]
    body = "\n".join(render_figure(c, csv_href=f"{c.id}.csv") for c in charts)
    links = "".join(f'<link rel="stylesheet" href="{s.as_uri()}">' for s in sheets)
    page_file = tmp_path / "charts.html"
    page_file.write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统计</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">{links}</head>'
        f'<body data-md-color-scheme="{scheme}"><main class="md-main"><div class="md-content">'
        f'<article class="md-content__inner md-typeset"><h1>统计</h1>{body}</article></div></main></body></html>',
        encoding="utf-8",
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(page_file.as_uri())
    report = page.eval_on_selector_all(
        "svg.kb-chart",
        """svgs => svgs.map(svg => {
          const box = svg.getBoundingClientRect();
          const scale = box.width / svg.viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                    inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.right <= innerWidth,
                    fill: getComputedStyle(t).fill};
          });
        })""",
    )
    texts_seen = [t for svg in report for t in svg]
    assert len(report) == len(charts) and texts_seen
    too_small = [t["text"] for t in texts_seen if t["px"] < 12]
    clipped = [t["text"] for t in texts_seen if not t["inside"]]
    assert not too_small, too_small
    assert not clipped, clipped
    expected_fill = {"default": "rgb(31, 35, 40)", "slate": "rgb(230, 232, 238)"}[scheme]
    assert {t["fill"] for t in texts_seen if t["text"] in dict(BY_DOMAIN)} == {expected_fill}
    assert page.eval_on_selector_all("script", "els => els.length") == 0
    # the figures only: kb.css's page-wide colours are not dark-ready yet (see the branch report)
    assert serious_axe_violations(page, "{include: [['.kb-chart-figure']]}") == []
    context.close()
