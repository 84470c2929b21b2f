"""督导通报: one bulletin page per month and their index (``pilotkb.publish.bulletin``).

The reference date is the setting ``bulletin_date`` or the date of the data file's last
commit, never the wall clock, so two builds of the same commit are identical.
"""

from __future__ import annotations

from collections.abc import Iterator

from pilotkb.publish import bulletin
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage

URI = "bulletins/index.md"
TITLE = "督导通报"


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    setting = ctx.settings.bulletin_date
    ref, how = bulletin.reference_date(None if setting in ("", "git") else setting, ctx.history)
    items: list[bulletin.Bulletin] = []
    reason = ""
    if ref is None:
        reason = f"无法确定通报的统计截止日：{how}。" + (ctx.history.message or "")
    else:
        items = bulletin.bulletins(
            ctx.cat,
            ctx.history,
            ref,
            months=ctx.settings.bulletin_months,
            list_limit=ctx.settings.page_size * 4,
            reference_how=how,
        )
    for b in items:
        yield GeneratedPage(
            b.src_uri,
            b.title,
            ctx.render("bulletin.md.j2", b.src_uri, bulletin=b),
            "bulletin",
            f"{b.title}：逾期未销号 {len(b.overdue)} 项，即将到期 {len(b.due_soon)} 项",
        )
    yield GeneratedPage(
        URI,
        TITLE,
        ctx.render("bulletins.md.j2", URI, bulletins=list(reversed(items)), reason=reason),
        "bulletins",
        "按月由数据生成的试点台账督导通报：逾期、即将到期、当月批准、进展和销号",
    )
