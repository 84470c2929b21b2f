"""更新记录: the data file's recent changes from git, site-wide and on each record page.

The history is read once per build (``Context.history``, the last ``history_commits``
commits); the site-wide list is paged like the other long lists, newest first. A record
page shows its last few changes and links to the place in the site-wide list where its
older changes continue.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from pilotkb.analysis.changes import Change
from pilotkb.publish import feeds
from pilotkb.site.render import title
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage
from pilotkb.site.views.paging import paged_title

URI = "changes/index.md"
BASE = "changes"
TITLE = "更新记录"
RECORD_LIMIT = 5  # changes shown on a record page


@dataclass(frozen=True)
class Row:
    change: Change
    anchor: str
    exists: bool
    name: str


def anchor(c: Change) -> str:
    return f"c-{c.commit}-{c.collection}-{c.id}"


class Places:
    """Where each change sits in the paged site-wide list: (src_uri, anchor)."""

    def __init__(self, ctx: Context):
        size = ctx.settings.page_size
        self.where: dict[tuple[str, str, str], str] = {}
        for i, c in enumerate(ctx.history.changes):
            n = i // size + 1
            self.where[(c.sha, c.collection, c.id)] = URI if n == 1 else f"{BASE}/{n}.md"

    def of(self, c: Change) -> tuple[str, str]:
        return self.where[(c.sha, c.collection, c.id)], anchor(c)


def record_context(ctx: Context, coll: str, rid: str, here: str) -> dict[str, Any]:
    """What ``record_changed.md.j2`` and ``record_history.md.j2`` need for one record."""
    hist = ctx.history
    all_changes = hist.record(coll, rid)
    shown = all_changes[:RECORD_LIMIT]
    more_href = ""
    if len(all_changes) > RECORD_LIMIT:
        places = ctx.once(Places)  # made once per build, for every record page
        uri, frag = places.of(all_changes[RECORD_LIMIT])
        more_href = ctx.href(here, uri, frag)
    return {
        "changed": shown[0] if shown else None,
        "changes": shown,
        "more": len(all_changes) - len(shown),
        "more_href": more_href,
        "history_message": hist.message if not hist.changes else "",
        "commits": hist.commits,
    }


def history_block(ctx: Context, coll: str, rid: str, here: str) -> str:
    return ctx.render("record_history.md.j2", here, **record_context(ctx, coll, rid, here))


def _row(ctx: Context, c: Change) -> Row:
    rec = ctx.cat.records.get(c.collection, {}).get(c.id)
    if rec is not None:
        return Row(c, anchor(c), True, title(c.collection, rec))
    # a deleted record: its name as another change of it knew it (an addition is not parsed)
    named = (x.name for x in ctx.history.record(c.collection, c.id) if x.name)
    return Row(c, anchor(c), False, c.name or next(named, None) or c.id)


@dataclass(frozen=True)
class Group:
    """Consecutive changes of one commit on one page of the list."""

    commit: str
    day: str
    description: str  # for readers: its note, or what it changed (never another subject)
    rows: list[Row]


def _groups(ctx: Context, chunk: list[Change]) -> list[Group]:
    out: list[Group] = []
    for c in chunk:
        if not out or out[-1].commit != c.commit:
            out.append(Group(c.commit, c.day, ctx.history.described(c.sha), []))
        out[-1].rows.append(_row(ctx, c))
    return out


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    hist = ctx.history
    # What the preview compares instead of the bodies (pilotkb.mkdocs.preview.Preview): the
    # history read (a new commit remakes every page of the list) and the records shown.
    version = ("history", f"{hist.commits}:{hist.changes[0].sha if hist.changes else ''}:{len(hist.changes)}")
    for here, chunk, pager in ctx.chunks(URI, BASE, hist.changes):
        page = GeneratedPage(
            here,
            paged_title(TITLE, pager["page"]),
            partial(_body, ctx, here, chunk, pager),
            "changes",
            "数据的修改记录：哪条记录、哪个字段、从什么改成什么、何时修改",
        )
        page.inputs = (version, *dict.fromkeys((c.collection, c.id) for c in chunk))
        yield page


def _body(ctx: Context, here: str, chunk: list[Change], pager: dict[str, Any]) -> str:
    hist = ctx.history
    return ctx.render(
        "changes_index.md.j2",
        here,
        changes=chunk,
        groups=_groups(ctx, chunk),
        history_message=hist.message if not hist.changes else "",
        commits=hist.commits,
        feed_links=feeds.feed_links(here, ctx.cat, ctx.site_url, ctx.directory_urls),
        **pager,
    )
