"""The 统计 page and the charts of 推广采纳 and 媒体报道, checked on the real build against counts
made here from the raw YAML (never from the package's own numbers)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from ...conftest import ROOT
from ...html_util import Page, _Parser, parse

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))
PILOTS = RAW["pilots"]
FIGURES = RAW["figures"]
UNKNOWN = "未公开"
LEVELS = ["国家级", "省级", "市级"]
STATUSES = ["争取中", "推进中", "已完成销号", "已清理"]
COLLECTION_LABELS = {
    "sources": "来源",
    "areas": "地区",
    "pilots": "试点",
    "experiences": "经验",
    "coverage": "报道",
    "events": "活动",
    "evaluations": "评估",
    "figures": "数字",
    "terms": "名词",
}


def quotes(rec: dict) -> list[str]:
    return rec["quote"] if isinstance(rec["quote"], list) else [rec["quote"]]


def parse_text(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def number(cell: str) -> float | None:
    """ "192" -> 192, "18.3%" -> 18.3, "3次" -> 3, 未公开 -> None."""
    if cell == UNKNOWN:
        return None
    m = re.match(r"-?\d+(?:\.\d+)?", cell)
    assert m, cell
    return float(m.group())


def charts_of(site: Path, page: str) -> dict[str, dict]:
    """Every chart figure of a built page: title, description, SVG, table and CSV."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r'<figure class="kb-chart-figure" id="([^"]+)">(.*?)</figure>', html, re.S):
        cid, block = m.groups()
        doc = parse_text(block)
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", block, re.S):
            cells = [parse_text(c).elements[0].text for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", tr, re.S)]
            rows.append(cells)
        links = [a.attrs["href"] for a in doc.find("a") if (a.attrs.get("href") or "").endswith(".csv")]
        out[cid] = {
            "title": doc.find("strong", class_="kb-chart-figure__title"),
            "desc": doc.find("span", class_="kb-chart-figure__desc"),
            "svg": doc.find("svg"),
            "svg_title": doc.find("title"),
            "header": rows[0] if rows else [],
            "rows": rows[1:],
            "csv": links,
            "page": page,
        }
    return out


def table(chart: dict) -> dict[str, list[float | None]]:
    return {r[0]: [number(c) for c in r[1:]] for r in chart["rows"]}


def read_csv(site: Path, page: str, href: str) -> list[list[str]]:
    path = (site / page / href).resolve()
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()), href  # Excel reads the BOM as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def stats_html(real_site) -> str:
    return (real_site / "stats" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def all_charts(real_site) -> dict[str, dict]:
    out = {}
    for page in ("stats", "promotion", "coverage"):
        for cid, chart in charts_of(real_site, page).items():
            out[f"{page}:{cid}"] = chart
    return out


def test_every_chart_has_title_description_table_and_its_csv(real_site, all_charts):
    assert len([k for k in all_charts if k.startswith("stats:")]) >= 12
    for key, chart in all_charts.items():
        assert chart["title"] and chart["title"][0].text.strip(), key
        assert chart["desc"] and chart["desc"][0].text.strip(), key
        svg = chart["svg"][0]
        assert svg.attrs.get("role") == "img" and svg.attrs.get("aria-describedby"), key
        assert chart["svg_title"][0].text == chart["title"][0].text, key
        assert chart["rows"], key
        assert len(chart["csv"]) == 1, key
        rows = read_csv(real_site, chart["page"], chart["csv"][0])
        header = chart["header"]
        assert len(rows[0]) == len(header), key  # a unit may follow the name in the CSV: 次数（次）
        assert all(c == h or c.startswith(h + "（") for c, h in zip(rows[0], header, strict=True)), key
        as_csv = {r[0]: [float(v) if v else None for v in r[1:]] for r in rows[1:]}
        assert as_csv == table(chart), key


def test_catalogue_charts_count_the_data(all_charts):
    level = Counter(p.get("level") or UNKNOWN for p in PILOTS)
    rows = all_charts["stats:pilots-by-level"]["rows"]
    want = [lv for lv in LEVELS] + ([UNKNOWN] if level[UNKNOWN] else [])
    assert [r[0] for r in rows] == want  # in the order of the levels
    assert table(all_charts["stats:pilots-by-level"]) == {k: [level[k]] for k in want}

    status = Counter(p.get("status") or UNKNOWN for p in PILOTS)
    want = STATUSES + ([UNKNOWN] if status[UNKNOWN] else [])
    assert table(all_charts["stats:pilots-by-status"]) == {k: [status[k]] for k in want}

    domain = Counter(d for p in PILOTS for d in p.get("domains") or [])
    if any(not p.get("domains") for p in PILOTS):
        domain[UNKNOWN] = sum(1 for p in PILOTS if not p.get("domains"))
    got = table(all_charts["stats:pilots-by-domain"])
    assert {k: v for k, v in got.items() if v != [0]} == {k: [n] for k, n in domain.items()}
    values = [v[0] for k, v in got.items() if k != UNKNOWN]
    assert values == sorted(values, reverse=True)  # largest first

    names = {a["id"]: a["name"] for a in RAW["areas"]}
    area = Counter({names[a]: 0 for a in names})
    area.update(names[a] for p in PILOTS for a in p.get("areas") or [])
    if any(not p.get("areas") for p in PILOTS):
        area[UNKNOWN] = sum(1 for p in PILOTS if not p.get("areas"))
    assert table(all_charts["stats:pilots-by-area"]) == {k: [n] for k, n in area.items()}

    records = {COLLECTION_LABELS[k]: [len(v or [])] for k, v in RAW.items()}
    assert table(all_charts["stats:records-by-collection"]) == records


def test_reported_against_catalogued(all_charts):
    got = table(all_charts["stats:reported-vs-catalogue"])
    want = {}
    for f in FIGURES:
        scope = f.get("catalogue")
        if not scope:
            continue
        facet, _, label = scope.partition(":")
        if scope == "全部试点":
            held = len(PILOTS)
        elif facet == "层级":
            held = sum(1 for p in PILOTS if p.get("level") == label)
        elif facet == "领域":
            held = sum(1 for p in PILOTS if label in (p.get("domains") or []))
        else:
            held = sum(1 for p in PILOTS if p.get("status") == label)
        want[label or scope] = [f["number"], held]
    for f in FIGURES:  # 2017年以来新增国家级试点 23项: pilots of that level approved since
        m = re.fullmatch(r"(\d{4})年以来新增(.+?)试点", f["label"])
        if m and m.group(2) in LEVELS:
            year, level = int(m.group(1)), m.group(2)
            held = sum(
                1
                for p in PILOTS
                if p.get("level") == level and p.get("approved") and int(str(p["approved"])[:4]) >= year
            )
            want[f"{year}年以来新增{level}"] = [f["number"], held]
    assert {"全部试点", "国家级", "省级"} <= set(want)
    assert got == want
    total = next(f for f in FIGURES if f.get("catalogue") == "全部试点")
    assert total["value"] in all_charts["stats:reported-vs-catalogue"]["desc"][0].text


def test_promotion_and_coverage_charts_count_the_data(all_charts):
    adoptions = [a for e in RAW["experiences"] for a in e.get("adoptions") or []]
    levels = Counter(a.get("body_level") or "原文未写明" for a in adoptions)
    experiences = {
        lv: len(
            {
                e["id"]
                for e in RAW["experiences"]
                for a in e.get("adoptions") or []
                if (a.get("body_level") or "原文未写明") == lv
            }
        )
        for lv in levels
    }
    instruments = Counter(a["instrument"] for a in adoptions)
    kinds = Counter(ev["kind"] for ev in RAW["events"])
    outlets = Counter(c["outlet"] for c in RAW["coverage"])
    years = Counter(str(c["date"])[:4] if c.get("date") else "年份未公开" for c in RAW["coverage"])
    for page in ("stats", "promotion"):
        got = table(all_charts[f"{page}:adoptions-by-level"])
        assert {k: v for k, v in got.items() if v != [0, 0]} == {
            lv: [n, experiences[lv]] for lv, n in levels.items()
        }
        assert table(all_charts[f"{page}:adoptions-by-instrument"]) == {
            k: [n] for k, n in instruments.items()
        }
        assert table(all_charts[f"{page}:events-by-kind"]) == {k: [n] for k, n in kinds.items()}
    for page in ("stats", "coverage"):
        assert table(all_charts[f"{page}:coverage-by-outlet"]) == {k: [n] for k, n in outlets.items()}
        assert table(all_charts[f"{page}:coverage-by-year"]) == {k: [n] for k, n in years.items()}


def test_outcome_charts_show_stated_numbers_with_their_as_of_dates(all_charts, stats_html):
    outcome = {k: c for k, c in all_charts.items() if k.startswith("stats:outcome-")}
    assert outcome
    stated = {}
    for f in FIGURES:
        text = f"{f['value']} {f.get('compare') or ''}"
        stated[f["id"]] = {float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)}
    for key, chart in outcome.items():
        title = chart["title"][0].text
        dated = [f for f in FIGURES if f.get("as_of") and f"{f['as_of']}年" in title]
        assert dated, key  # the as-of date is in the title
        for label, values in table(chart).items():
            # each number is written in a figure whose label names the row (or, for the parts
            # of a ratio such as 三产比例, the chart)
            sources = [f for f in dated if label in f["label"]] or [f for f in dated if f["label"] in title]
            assert sources, (key, label)
            for v in values:
                assert any(v in stated[f["id"]] for f in sources), (key, label, v)
    # the baselines the issue names: changes against 2014, and growth 同比
    charted = " ".join(r[0] for c in outcome.values() for r in c["rows"])
    against_2014 = [f for f in FIGURES if f.get("compare") == "比2014年" and f.get("unit") == "%"]
    assert against_2014
    for f in against_2014:
        assert f["label"].split("比2014年")[0] in charted, f["id"]
    # a baseline value the report does not state is never shown (183 - 63 = 120)
    days = next(f for f in FIGURES if f["id"] == "good-air-days-2016")
    change = next(f for f in FIGURES if f["id"] == "good-air-days-increase")
    derived = days["number"] - change["number"]
    for chart in outcome.values():
        assert all(derived not in vals for vals in table(chart).values())


def test_every_figure_keeps_its_anchor_value_and_quotes(real_site, stats_html):
    page = parse(real_site / "stats" / "index.html")
    article = page.find("article")[0].text
    for f in FIGURES:
        row = page.by_id(f"figure-{f['id']}")
        assert f["value"] in row.text and f["label"] in row.text, f["id"]
        for q in quotes(f):
            assert q in article, (f["id"], q[:20])
    uses = Counter(q for f in FIGURES for q in set(quotes(f)))
    shared = [q for q, n in uses.items() if n > 1]
    assert len(shared) > 5
    for q in shared:
        assert article.count(q) == 1, q[:30]
    assert "未公开；比较基准" not in stats_html and "比较基准：未公开" not in stats_html
    assert "领域：未公开" not in stats_html


def test_now_in_the_source_reads_as_the_report_date(real_site):
    page = parse(real_site / "stats" / "index.html")
    year = {s["id"]: str(s.get("date"))[:4] for s in RAW["sources"]}
    marked = 0
    for f in FIGURES:
        row = page.by_id(f"figure-{f['id']}").text
        sentence = next((q for q in quotes(f) if f["value"] in q), "")
        if f.get("as_of"):
            assert str(f["as_of"]) in row
        elif "截至目前" in sentence:
            assert f"截至报告时（{year[f['source']]}年），原文“截至目前”" in row, f["id"]
            marked += 1
        elif not re.search(r"目前|今年|\d{4}年以来", sentence):
            assert "时点未公开" in row and "截至报告时" not in row, f["id"]
    assert marked >= 3


def test_each_chart_is_drawn_once_and_kept_across_rebuilds(real_catalog, monkeypatch):
    """The stats page also shows the charts of 推广采纳 and 媒体报道, and each family writes its
    charts' CSV files: every chart is still drawn once (0.2-0.4 s each in Vega's engine), and a
    rebuild of the same data (``mkdocs serve``) draws none again."""
    from pilotkb.settings import Settings
    from pilotkb.site import charts
    from pilotkb.site.views import Views

    drawn: Counter[str] = Counter()
    draw = charts.draw_svg

    def counted(chart: charts.Chart) -> str:
        drawn[chart.id] += 1
        return draw(chart)

    monkeypatch.setattr(charts, "draw_svg", counted)
    charts._svg.cache_clear()  # drawings kept by earlier tests in this process

    def build() -> tuple[dict[str, str], dict[str, bytes]]:
        views = Views(real_catalog, Settings(history_commits=0, exports=False))
        return {p.src_uri: p.text() for p in views.pages()}, views.files(downloads=False)

    bodies, files = build()
    assert drawn and {k for k, n in drawn.items() if n > 1} == set()
    assert {f"downloads/charts/{cid}.csv" for cid in drawn} <= set(files)
    assert all(f'id="{cid}"' in bodies["stats/index.md"] for cid in drawn)
    first = dict(drawn)
    again, _ = build()
    assert drawn == first  # nothing drawn again
    assert again["stats/index.md"] == bodies["stats/index.md"]


def test_page_is_light_and_tables_have_downloads(real_site, stats_html):
    assert len(stats_html.encode("utf-8")) < 300_000
    for page, label in (("promotion", "下载本表 CSV"), ("coverage", "下载本表 CSV")):
        html = (real_site / page / "index.html").read_text(encoding="utf-8")
        assert label in html
    # the outlet-by-year table and its CSV hold the same numbers
    cov = (real_site / "coverage" / "index.html").read_text(encoding="utf-8")
    href = re.search(r'<a href="([^"]+\.csv)" download>下载本表 CSV', cov).group(1)
    rows = read_csv(real_site, "coverage", href)
    outlets = Counter(c["outlet"] for c in RAW["coverage"])
    assert {r[0]: int(r[-1]) for r in rows[1:]} == dict(outlets)


@pytest.mark.browser
@pytest.mark.parametrize("page", ["stats", "promotion", "coverage"])
def test_phone_first_screen_shows_a_chart_and_dark_text_is_light(real_site, serve, browser, page):
    base = serve(real_site)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    tab = context.new_page()
    tab.goto(f"{base}/{page}/")
    if page == "stats":
        tops = tab.eval_on_selector_all(
            "svg[role=img]",
            "els => els.map(e => e.getBoundingClientRect()).filter(r => r.height > 0).map(r => r.top)",
        )
        assert tops and min(tops) < 844 - 100, tops  # a chart starts well inside the first screen
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing runs off a phone's width
    text = "article h1, article p a, article .kb-chart-figure__data > summary"
    tab.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    # Material fades link colours: read them once no transition is running on them any more
    # (on what is shown: a link inside a closed <details>, such as a quote's, is not drawn)
    tab.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility())"
        ".every(e => e.getAnimations().length === 0)",
        arg=text,
    )
    luminance = tab.evaluate(
        """sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility()).map(e => {
             const [r, g, b] = getComputedStyle(e).color.match(/[\\d.]+/g).map(Number);
             return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; })""",
        text,
    )
    assert luminance and min(luminance) > 0.5, luminance  # light text on the dark scheme
    context.close()
