"""What a figure of the report means (pilotkb/analysis/figures.py): periods, as-of dates,
changes against a baseline, the industry structure and the report's totals beside the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pilotkb import load_catalog
from pilotkb.analysis.figures import (
    ReportedTotal,
    as_of,
    change_groups,
    grand_total,
    industry_shift,
    levels_with_changes,
    new_since,
    new_since_totals,
    primary_quote,
    record_counts,
    reported_totals,
    stated_change,
    year_text,
)
from pilotkb.data.facets import FACETS
from pilotkb.data.model import Figure


def figure(fid: str, label: str, value: str, **fields) -> Figure:
    return Figure(id=fid, label=label, value=value, source="s", quote=fields.pop("quote", [value]), **fields)


def pilot(pid: str, **fields) -> dict:
    """A pilot whose quote states its approval date (the validator checks every number)."""
    year, _, month = str(fields.get("approved", "")).partition("-")
    said = f"{year}年{int(month)}月" if month else year
    return {"id": pid, "name": pid, "source": "s", "quote": f"试点{pid}{said}批准", **fields}


def catalogue(tmp_path: Path, figures: list[dict], pilots: list[dict], date: str = "2017"):
    """A catalogue of the given records; its source text holds every quote."""
    quotes = [
        q
        for rec in figures + pilots
        for q in ([rec["quote"]] if isinstance(rec["quote"], str) else rec["quote"])
    ]
    (tmp_path / "source.txt").write_text("\n".join(quotes), encoding="utf-8")
    source = {"id": "s", "title": "报告", "date": date, "kind": "报告", "file": "source.txt"}
    data = {"sources": [source], "pilots": pilots, "figures": figures}
    (tmp_path / "pilots.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_catalog(tmp_path / "pilots.yaml")


# --- periods and dates ---------------------------------------------------------------------


def test_new_since_reads_the_level_and_the_year():
    assert new_since(figure("a", "2017年以来新增国家级试点", "23项", number=23)) == ("国家级", 2017)
    assert new_since(figure("b", "2017年以来新增试点", "23项", number=23)) is None  # no level
    assert new_since(figure("c", "2017年以来新增区级试点", "2项", number=2)) is None  # not a level
    assert new_since(figure("d", "2017年以来新增国家级试点", "20余项")) is None  # no exact number


def test_new_since_counts_the_pilots_approved_since_and_says_how_many_are_undated(tmp_path):
    fig = {"id": "new", "label": "2016年以来新增国家级试点", "value": "9项", "number": 9}
    fig |= {"source": "s", "quote": "2016年以来新增国家级试点9项"}
    pilots = [
        pilot("a", level="国家级", approved="2015"),
        pilot("b", level="国家级", approved="2016-05"),
        pilot("c", level="国家级", approved="2018"),
        pilot("d", level="国家级"),
        pilot("e", level="省级", approved="2019"),
    ]
    (since,) = new_since_totals(catalogue(tmp_path, [fig], pilots))
    assert (since.level, since.year, since.held, since.undated) == ("国家级", 2016, 2, 1)


def test_year_text():
    assert [year_text("2016"), year_text("2016-05"), year_text(None)] == ["2016年", "2016-05", ""]


def test_the_sentence_holding_the_value_dates_it(tmp_path):
    figs = [
        {
            "id": "given",
            "label": "GDP",
            "value": "100亿元",
            "as_of": "2016",
            "quote": "2016年GDP 100亿元，目前仍在增长",
        },
        {"id": "now", "label": "企业", "value": "30家", "quote": ["其他句子", "截至目前共有企业30家"]},
        {"id": "year", "label": "投资", "value": "5亿元", "quote": "今年投资5亿元"},
        {"id": "since", "label": "项目", "value": "12个", "quote": "2014年以来实施项目12个"},
        {"id": "other", "label": "人数", "value": "8人", "quote": ["目前情况良好", "共8人"]},
    ]
    cat = catalogue(tmp_path, [f | {"source": "s"} for f in figs], [], date="2017-03")
    read = {fid: as_of(cat, cat.figures[fid]) for fid in cat.figures}
    assert read == {
        "given": ("2016年", None),  # a stated date wins over the sentence's words
        "now": ("截至报告时（2017-03）", "截至目前"),
        "year": ("报告当年（2017-03）", "今年"),
        "since": ("截至报告时（2017-03）", "2014年以来"),
        "other": (None, None),  # "目前" is in another sentence than the value
    }
    assert primary_quote(cat.figures["now"]) == "截至目前共有企业30家"


# --- changes against a baseline --------------------------------------------------------------


def test_a_change_is_the_label_split_at_its_baseline():
    change = stated_change(figure("pm", "PM10平均浓度比2014年下降", "38.5%", number=38.5, compare="比2014年"))
    assert change is not None and (change.head, change.baseline, change.direction) == (
        "PM10平均浓度",
        "比2014年",
        "下降",
    )
    assert stated_change(figure("x", "GDP比2014年", "3%", number=3, compare="比2014年")) is None  # no verb
    assert (
        stated_change(figure("y", "GDP增长", "3%", number=3, compare="同比")) is None
    )  # baseline not in label
    assert stated_change(figure("z", "GDP同比增长", "约3%", compare="同比")) is None  # no exact number


def test_changes_group_by_baseline_date_unit_and_direction_and_find_their_levels():
    figs = [
        figure("days", "空气优良天数", "183天", number=183, unit="天", as_of="2016"),
        figure(
            "days-up",
            "空气优良天数比2014年增加",
            "63天",
            number=63,
            unit="天",
            as_of="2016",
            compare="比2014年",
        ),
        figure("pm10", "PM10比2014年下降", "38.5%", number=38.5, unit="%", as_of="2016", compare="比2014年"),
        figure("pm25", "PM2.5比2014年下降", "30.1%", number=30.1, unit="%", as_of="2016", compare="比2014年"),
        figure("gdp", "GDP同比增长", "7%", number=7, unit="%", as_of="2016", compare="同比"),
    ]
    groups = change_groups(figs)
    assert {key: [c.figure.id for c in changes] for key, changes in groups.items()} == {
        (None, "比2014年", "2016", "天", "增加"): ["days-up"],
        (None, "比2014年", "2016", "%", "下降"): ["pm10", "pm25"],
        (None, "同比", "2016", "%", "增长"): ["gdp"],
    }
    pairs = levels_with_changes(groups, figs)
    assert {key: [(c.figure.id, level.id) for c, level in members] for key, members in pairs.items()} == {
        (None, "比2014年", "2016", "天", "增加"): [("days-up", "days")]
    }


# --- the industry structure ------------------------------------------------------------------


def test_the_industry_structure_names_the_three_industries():
    fig = figure("ratio", "三产比例", "3.4:52.5:44.1", compare="上年（3.5:54.0:42.5）", as_of="2016")
    shift = industry_shift(fig)
    assert shift is not None
    assert (shift.baseline, shift.baseline_value) == ("上年", "3.5:54.0:42.5")
    assert shift.rows == (("第一产业", 3.5, 3.4), ("第二产业", 54.0, 52.5), ("第三产业", 42.5, 44.1))


@pytest.mark.parametrize(
    "label, value, compare",
    [
        ("城乡收入比", "2.1:1", "上年（2.2:1）"),  # a ratio, but not of the three industries
        ("投资结构", "5:3:2", "上年（5:4:1）"),  # three parts, but no names a reader knows
        ("三产比例", "3.4:52.5:44.1", "上年"),  # no earlier value
        ("三产比例", "3.4:52.5", "上年（3.5:54.0）"),  # two parts are not three industries
        ("三产比例", "3.4:52.5:44.1", "上年（3.5:96.5）"),  # parts do not match
        ("三产比例", "约3:52:45", "上年（3.5:54.0:42.5）"),  # not a ratio as written
    ],
)
def test_other_ratios_are_left_to_the_list(label, value, compare):
    assert industry_shift(figure("r", label, value, compare=compare)) is None


# --- the report's totals beside the catalogue ---------------------------------------------


def test_reported_totals_hold_the_named_pilots_of_their_scope(tmp_path):
    base = {"source": "s"}
    figs = [
        base | {"id": "total", "label": "试点任务", "value": "192项", "number": 192, "catalogue": "全部试点"},
        base
        | {"id": "nat", "label": "国家级试点", "value": "40项", "number": 40, "catalogue": "层级:国家级"},
        base
        | {"id": "eco", "label": "生态试点", "value": "20项", "number": 20, "catalogue": "领域:生态文明"},
        base | {"id": "gdp", "label": "GDP", "value": "100亿元"},
    ]
    for f in figs:
        f["quote"] = f"{f['label']}{f['value']}"
    pilots = [
        pilot("a", level="国家级", domains=["生态文明"]),
        pilot("b", level="国家级"),
        pilot("c", level="省级", domains=["生态文明", "文化"]),
    ]
    cat = catalogue(tmp_path, figs, pilots)
    facet_values = {name: f.values(cat) for name, f in FACETS.items()}
    totals = reported_totals(cat, facet_values)
    assert totals == [
        ReportedTotal(cat.figures["total"], 3, None, None),
        ReportedTotal(cat.figures["nat"], 2, "level", "国家级"),
        ReportedTotal(cat.figures["eco"], 2, "domain", "生态文明"),
    ]
    assert [t.scope for t in totals] == ["全部试点", "国家级", "生态文明"]
    assert grand_total(cat) is cat.figures["total"]
    assert record_counts(cat)["pilots"] == 3 and record_counts(cat)["figures"] == 4
