"""推广采纳: every replicable experience with its adoption chain, by the adopting body's level
and by instrument; and the promotion events by kind and date, with their scale.

The overview (``promotion/index.md``) keeps the charts, the count tables and the experiences
adopted nationally (the first NATIONAL_SHOWN), and the first PREVIEW rows of each list; every
list is whole on its own paged sub-pages (``promotion/levels/<level>.md``,
``promotion/instruments/<instrument>.md``, ``promotion/without.md``,
``promotion/events/<kind>.md``), so that no page grows with the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from pilotkb.data.model import AdopterLevel, EventKind, InstrumentKind
from pilotkb.site.charts import Chart, chart_csv_path, chart_files, render_figure
from pilotkb.site.views.context import Context
from pilotkb.site.views.memo import per_context
from pilotkb.site.views.page import GeneratedPage
from pilotkb.site.views.paging import paged_title

if TYPE_CHECKING:
    import pandas as pd

URI = "promotion/index.md"
WITHOUT_URI = "promotion/without.md"
UNSTATED = "原文未写明"
# Rows of each list the overview shows (the rest are on the list's own pages), and how many
# experiences adopted nationally it and the home page show.
PREVIEW = 3
NATIONAL_SHOWN = 10


def adoption_rows(ctx: Context) -> list[dict[str, Any]]:
    """Every adoption of every experience, with the experience it belongs to, in data order."""
    return [
        {"experience": e, "adoption": a, "level": a.body_level.value if a.body_level else None}
        for e in ctx.cat.experiences.values()
        for a in e.adoptions
    ]


def by_level(ctx: Context) -> list[dict[str, Any]]:
    """Adoptions grouped by the adopting body's level, highest first; unstated last."""
    rows = adoption_rows(ctx)
    groups = []
    for label in [m.value for m in AdopterLevel] + [None]:
        members = [r for r in rows if r["level"] == label]
        experiences = list({id(r["experience"]): r["experience"] for r in members}.values())
        groups.append(
            {
                "label": label or UNSTATED,
                "slug": _slug(label),
                "uri": f"promotion/levels/{_slug(label).removeprefix('level-')}.md",
                "adoptions": members,
                "experiences": experiences,
            }
        )
    return groups


def by_instrument(ctx: Context) -> list[dict[str, Any]]:
    rows = adoption_rows(ctx)
    groups = []
    for m in InstrumentKind:
        members = [r for r in rows if r["adoption"].instrument == m]
        experiences = {id(r["experience"]) for r in members}
        uri = f"promotion/instruments/{m.name.replace('_', '-')}.md"
        groups.append({"label": m.value, "uri": uri, "adoptions": members, "experiences": len(experiences)})
    return groups


def national(ctx: Context) -> list[Any]:
    """Experiences adopted or promoted by central bodies or national ministries."""
    top = {AdopterLevel.central, AdopterLevel.ministry}
    return [e for e in ctx.cat.experiences.values() if any(a.body_level in top for a in e.adoptions)]


def events_by_kind(ctx: Context) -> list[dict[str, Any]]:
    events = list(ctx.cat.events.values())
    out = []
    for m in EventKind:
        members = sorted((ev for ev in events if ev.kind == m), key=lambda ev: ev.date or "", reverse=True)
        if members:
            out.append(
                {"label": m.value, "slug": m.name, "uri": f"promotion/events/{m.name}.md", "events": members}
            )
    return out


def adoption_frame(ctx: Context) -> pd.DataFrame:
    """One row per adoption: the experience, the adopting body's level and the instrument."""
    import pandas as pd  # loaded where statistics are made (views/memo.py)

    return pd.DataFrame(
        [
            {
                "experience": r["experience"].id,
                "level": r["level"] or UNSTATED,
                "instrument": r["adoption"].instrument.value,
            }
            for r in adoption_rows(ctx)
        ],
        columns=["experience", "level", "instrument"],
    )


def _counted(series: pd.Series, order: list[str]) -> list[tuple[str, int]]:
    """Counts of the values in ``order`` (ties keep that order), largest first, zeros left out."""
    counts = series.value_counts()
    rows = [(label, int(counts.get(label, 0))) for label in order]
    return sorted((r for r in rows if r[1]), key=lambda r: -r[1])


def level_chart(ctx: Context) -> Chart:
    df = adoption_frame(ctx)
    order = [m.value for m in AdopterLevel] + [UNSTATED]
    per = df.groupby("level").agg(adoptions=("experience", "size"), experiences=("experience", "nunique"))
    per = per.reindex(order, fill_value=0)
    rows = [(label, int(r.adoptions), int(r.experiences)) for label, r in per.iterrows()]
    rows = [r for r in rows if r[0] != UNSTATED or r[1]]
    top = [f"{label} {n} 次" for label, n, _ in rows if n]
    return Chart(
        id="adoptions-by-level",
        title="经验被采纳、推广的次数，按采纳机关层级",
        description=f"来源写明 {len(df)} 次上级采纳或推广：{'、'.join(top) or '暂无'}。",
        x_label="次数",
        y_label="采纳机关层级",
        rows=rows,
        kind="grouped",
        series=("采纳次数", "涉及经验"),
    )


def instrument_chart(ctx: Context) -> Chart:
    rows = _counted(adoption_frame(ctx)["instrument"], [m.value for m in InstrumentKind])
    return Chart(
        id="adoptions-by-instrument",
        title="采纳、推广所用的载体",
        description="按载体类别计的采纳、推广次数："
        + "、".join(f"{label} {n} 次" for label, n in rows)
        + "（仅列出用到的载体）。",
        x_label="次数",
        y_label="载体",
        rows=rows,
        unit="次",
    )


def events_chart(ctx: Context) -> Chart:
    import pandas as pd  # loaded where statistics are made (views/memo.py)

    kinds = pd.Series([ev.kind.value for ev in ctx.cat.events.values()], dtype="object")
    rows = _counted(kinds, [m.value for m in EventKind])
    return Chart(
        id="events-by-kind",
        title="推广活动，按类别",
        description=f"本库收录推广活动 {len(kinds)} 场："
        + "、".join(f"{label} {n} 场" for label, n in rows)
        + "。",
        x_label="活动数（场）",
        y_label="类别",
        rows=rows,
        unit="场",
    )


@per_context
def charts(ctx: Context) -> list[Chart]:
    """The page's charts (made once: the stats page and the CSV files show them too)."""
    return [level_chart(ctx), instrument_chart(ctx), events_chart(ctx)]


def files(ctx: Context) -> dict[str, bytes]:
    return chart_files(charts(ctx))


def _slug(label: str | None) -> str:
    names = {m.value: m.name for m in AdopterLevel}
    return f"level-{names[label]}" if label else "level-unstated"


def without(ctx: Context) -> list[Any]:
    """Experiences whose sources state no adoption."""
    return [e for e in ctx.cat.experiences.values() if not e.adoptions]


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    levels, instruments = by_level(ctx), by_instrument(ctx)
    events, unadopted = events_by_kind(ctx), without(ctx)
    made = charts(ctx)
    csv = {c.id: ctx.href(URI, "index.md") + chart_csv_path(c) for c in made}
    body = ctx.render(
        "promotion_index.md.j2",
        URI,
        levels=levels,
        instruments=instruments,
        national=national(ctx),
        national_shown=NATIONAL_SHOWN,
        without=unadopted,
        without_uri=WITHOUT_URI,
        events=events,
        preview=PREVIEW,
        total=len(ctx.cat.experiences),
        adoptions=sum(len(g["adoptions"]) for g in levels),
        charts={c.id: render_figure(c, csv[c.id], ctx.drawings.get(c)) for c in made},
        csv=csv,
    )
    yield GeneratedPage(
        URI,
        "推广采纳",
        body,
        "promotion",
        "可复制可推广经验被中央、国家部委、省、市采纳推广的情况，按采纳机关层级和载体分类",
    )
    for g in levels:
        yield from _listed(
            ctx, g["uri"], f"采纳机关层级：{g['label']}", "adoptions", g["adoptions"], g["slug"]
        )
    for g in instruments:
        yield from _listed(
            ctx, g["uri"], f"采纳载体：{g['label']}", "adoptions", g["adoptions"], "instruments"
        )
    yield from _listed(ctx, WITHOUT_URI, "来源未说明采纳情况的经验", "experiences", unadopted, "without")
    for g in events:
        yield from _listed(
            ctx, g["uri"], f"推广活动：{g['label']}", "events", g["events"], f"events-{g['slug']}"
        )


# The unit each kind of list counts in.
UNITS = {"adoptions": "次", "experiences": "条", "events": "场"}


def _listed(
    ctx: Context, first_uri: str, title: str, kind: str, rows: list[Any], anchor: str
) -> Iterator[GeneratedPage]:
    """The pages of one list of the overview, page_size rows each (none for an empty list)."""
    if not rows:
        return
    total = f"共 {len(rows)} {UNITS[kind]}"
    for here, chunk, pager in ctx.chunks(first_uri, first_uri.removesuffix(".md"), rows):
        first = (pager["page"] - 1) * ctx.settings.page_size + 1
        make = partial(
            ctx.render,
            "promotion_list.md.j2",
            here,
            title=title,
            kind=kind,
            rows=chunk,
            total=len(rows),
            unit=UNITS[kind],
            first=first,
            back=ctx.href(here, URI, anchor),
            **pager,
        )
        page = GeneratedPage(
            here, paged_title(title, pager["page"]), make, "promotion", f"推广采纳，{title}，{total}"
        )
        page.inputs = tuple(dict.fromkeys(_record(kind, row) for row in chunk))
        yield page


def _record(kind: str, row: Any) -> tuple[str, str]:
    if kind == "adoptions":
        return ("experiences", row["experience"].id)
    return (kind, row.id)
