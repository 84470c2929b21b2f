"""推广采纳: every replicable experience with its adoption chain, by the adopting body's level
and by instrument; and the promotion events by kind and date, with their scale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import AdopterLevel, EventKind, InstrumentKind
from .base import Context, GeneratedPage

URI = "promotion/index.md"
UNSTATED = "原文未写明"


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
                "adoptions": members,
                "experiences": experiences,
            }
        )
    return groups


def by_instrument(ctx: Context) -> list[dict[str, Any]]:
    rows = adoption_rows(ctx)
    return [
        {"label": m.value, "adoptions": [r for r in rows if r["adoption"].instrument == m]}
        for m in InstrumentKind
    ]


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
            out.append({"label": m.value, "events": members})
    return out


def _slug(label: str | None) -> str:
    names = {m.value: m.name for m in AdopterLevel}
    return f"level-{names[label]}" if label else "level-unstated"


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    levels = by_level(ctx)
    body = ctx.render(
        "promotion_index.md.j2",
        URI,
        levels=levels,
        instruments=by_instrument(ctx),
        national=national(ctx),
        without=[e for e in ctx.cat.experiences.values() if not e.adoptions],
        events=events_by_kind(ctx),
        total=len(ctx.cat.experiences),
        adoptions=sum(len(g["adoptions"]) for g in levels),
    )
    yield GeneratedPage(
        URI,
        "推广采纳",
        body,
        "promotion",
        "可复制可推广经验被中央、国家部委、省、市采纳推广的情况，按采纳机关层级和载体分类",
    )
