"""What a figure of the report means, read from its label, value and quotes.

The report writes its numbers in words (2017年以来新增国家级试点 23项, PM10平均浓度比2014年
下降 38.5%, 三产比例 3.4:52.5:44.1); these pure functions say what such a figure states
(a period, a change against a baseline, a ratio, a total the catalogue can be held against)
so that the pages only lay it out. Nothing here makes HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import FACETS, Value
from pilotkb.data.model import Figure, Level

# The source's words for "now" and what they mean for the as-of date (see ``as_of``).
REPORT_TIME = "截至报告时"
REPORT_YEAR = "报告当年"
NOW_WORDS = (("截至目前", REPORT_TIME), ("目前", REPORT_TIME), ("今年", REPORT_YEAR))
SINCE = re.compile(r"\d{4}年以来")
NEW_SINCE = re.compile(r"(\d{4})年以来新增(.+?)试点")

# The verbs after a baseline ("比2014年下降") that make a figure a stated change.
DIRECTIONS = ("增长", "下降", "增加", "减少", "提高", "提升", "改善")

RATIO = re.compile(r"^\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)+$")
EARLIER_RATIO = re.compile(r"(.+?)（(.+)）")  # compare "上年（3.5:54.0:42.5）"
INDUSTRIES = ("第一产业", "第二产业", "第三产业")

ALL_PILOTS = "全部试点"  # Figure.catalogue for the report's grand total


def record_counts(cat: Catalog) -> dict[str, int]:
    """Records held per collection, in the collections' order."""
    return {coll: len(records) for coll, records in cat.records.items()}


def year_text(date: str | None) -> str:
    """ "2016" -> "2016年"; a fuller date as written; none -> ""."""
    return f"{date}年" if date and re.fullmatch(r"\d{4}", date) else (date or "")


# --- the as-of date -----------------------------------------------------------------------


def report_date(cat: Catalog, fig: Figure) -> str | None:
    """The report's date: the figure's own, else its source's."""
    source = cat.sources.get(fig.source)
    return fig.reported or (source.date if source else None)


def primary_quote(fig: Figure) -> str:
    """The quoted sentence that holds the figure's value (else its first quote)."""
    return next((q for q in fig.quote if fig.value in q), fig.quote[0])


def as_of(cat: Catalog, fig: Figure) -> tuple[str | None, str | None]:
    """(as-of text, the source's own word when the date is the report's).

    Without ``as_of``, a sentence that dates its number by the time of writing ("截至目前",
    "目前", "今年", "2017年以来") is dated by the report: 截至报告时（2017年）. Only the
    sentence that holds the value counts, and the quotes are verbatim (checked against the
    source text), so this reads the source rather than guessing; anything else stays unknown.
    """
    if fig.as_of:
        return year_text(fig.as_of), None
    sentence = primary_quote(fig) if any(fig.value in q for q in fig.quote) else ""
    reported = year_text(report_date(cat, fig)) or "报告日期未公开"
    for word, reading in NOW_WORDS:
        if word in sentence:
            return f"{reading}（{reported}）", word
    m = SINCE.search(sentence)
    if m:
        return f"{REPORT_TIME}（{reported}）", m.group()
    return None, None


# --- the report's totals beside the catalogue -----------------------------------------------


@dataclass(frozen=True)
class ReportedTotal:
    """A total the report states for a scope, and the named pilots the catalogue holds in it."""

    figure: Figure
    held: int
    facet: str | None  # None: all pilots
    value: str | None  # the facet value's label (层级:国家级 -> 国家级)

    @property
    def scope(self) -> str:
        """How the scope is named: the facet value, or 全部试点."""
        return self.value or ALL_PILOTS


def catalogue_scope(fig: Figure) -> tuple[str, str] | None:
    """ "层级:国家级" -> ("level", "国家级"); None for 全部试点 (Figure.catalogue names a facet
    by its label)."""
    name, _, label = (fig.catalogue or "").partition(":")
    by_label = {f.label: f.name for f in FACETS.values()}
    return (by_label[name], label) if name in by_label else None


def reported_totals(cat: Catalog, facet_values: Mapping[str, Sequence[Value]]) -> list[ReportedTotal]:
    """Each reported total beside the number of named pilots the catalogue holds, in data order."""
    rows = []
    for fig in cat.figures.values():
        if not fig.catalogue:
            continue
        scope = catalogue_scope(fig)
        if scope is None:
            rows.append(ReportedTotal(fig, len(cat.pilots), None, None))
            continue
        name, label = scope
        held = next(len(v.pilots) for v in facet_values[name] if v.label == label)
        rows.append(ReportedTotal(fig, held, name, label))
    return rows


def grand_total(cat: Catalog) -> Figure | None:
    """The figure the report gives for all its pilots."""
    return next((f for f in cat.figures.values() if f.catalogue == ALL_PILOTS), None)


@dataclass(frozen=True)
class NewSince:
    """ "2017年以来新增国家级试点": the pilots of a level approved since a year."""

    figure: Figure
    level: str
    year: int
    held: int  # pilots of the level the catalogue holds approved in or after the year
    undated: int  # pilots of the level whose approval year the sources do not give


def new_since(fig: Figure) -> tuple[str, int] | None:
    """ "2017年以来新增国家级试点" -> (国家级, 2017); None for any other figure."""
    m = NEW_SINCE.fullmatch(fig.label)
    if m and m.group(2) in {lv.value for lv in Level} and fig.number is not None:
        return m.group(2), int(m.group(1))
    return None


def new_since_totals(cat: Catalog) -> list[NewSince]:
    """Every "new since a year" figure with the catalogue's count for it."""
    out = []
    for fig in cat.figures.values():
        since = new_since(fig)
        if since is None:
            continue
        level, year = since
        same = [p for p in cat.pilots.values() if p.level and p.level.value == level]
        held = sum(1 for p in same if p.approved and int(p.approved[:4]) >= year)
        undated = sum(1 for p in same if not p.approved)
        out.append(NewSince(fig, level, year, held, undated))
    return out


# --- changes against a baseline -------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A figure that states a change: "PM10平均浓度" "比2014年" "下降" 38.5."""

    head: str  # what changed
    baseline: str  # the figure's compare: "比2014年", "同比"
    direction: str
    figure: Figure


# Changes read together: same group, baseline, as-of date, unit and direction.
ChangeKey = tuple[str | None, str, str | None, str | None, str]


def stated_change(fig: Figure) -> Change | None:
    """ "PM10平均浓度比2014年下降" with compare "比2014年" -> PM10平均浓度, 下降."""
    if not fig.compare or fig.number is None:
        return None
    head, sep, tail = fig.label.partition(fig.compare)
    if sep and head and tail in DIRECTIONS:
        return Change(head, fig.compare, tail, fig)
    return None


def change_groups(figures: Iterable[Figure]) -> dict[ChangeKey, list[Change]]:
    """The stated changes, grouped by what makes them comparable, in data order."""
    groups: dict[ChangeKey, list[Change]] = {}
    for fig in figures:
        change = stated_change(fig)
        if change:
            key = (fig.group, change.baseline, fig.as_of, fig.unit, change.direction)
            groups.setdefault(key, []).append(change)
    return groups


def level_of(change: Change, figures: Iterable[Figure]) -> Figure | None:
    """The level a change belongs to, in the same unit and at the same date: the change
    "空气优良天数比2014年增加 63天" belongs to "空气优良天数 183天"."""
    fig = change.figure
    return next(
        (
            f
            for f in figures
            if f.label == change.head and f.unit == fig.unit and f.as_of == fig.as_of and f.number is not None
        ),
        None,
    )


def levels_with_changes(
    groups: Mapping[ChangeKey, list[Change]], figures: Sequence[Figure]
) -> dict[ChangeKey, list[tuple[Change, Figure]]]:
    """Per group, each change whose level the report also states, with that level."""
    pairs: dict[ChangeKey, list[tuple[Change, Figure]]] = {}
    for key, changes in groups.items():
        for change in changes:
            level = level_of(change, figures)
            if level is not None:
                pairs.setdefault(key, []).append((change, level))
    return pairs


# --- a ratio stated with its earlier value ----------------------------------------------------


@dataclass(frozen=True)
class IndustryShift:
    """The industry structure (三产比例) now and at the baseline, part by part."""

    figure: Figure
    baseline: str  # "上年"
    baseline_value: str  # "3.5:54.0:42.5", as written
    rows: tuple[tuple[str, float, float], ...]  # (industry, at the baseline, now)


def industry_shift(fig: Figure) -> IndustryShift | None:
    """ "三产比例" 3.4:52.5:44.1 with compare "上年（3.5:54.0:42.5）" -> the three industries'
    shares then and now. Only the three industries have part names a reader knows, so any
    other ratio is left to the list of figures."""
    m = EARLIER_RATIO.fullmatch(fig.compare or "")
    if not (m and RATIO.match(fig.value) and RATIO.match(m.group(2))):
        return None
    now = [float(x) for x in fig.value.split(":")]
    before = [float(x) for x in m.group(2).split(":")]
    if len(now) != len(before) or "三产" not in fig.label or len(now) != len(INDUSTRIES):
        return None
    rows = tuple((n, b, v) for n, b, v in zip(INDUSTRIES, before, now, strict=True))
    return IndustryShift(fig, m.group(1), m.group(2), rows)
