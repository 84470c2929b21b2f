"""数据下载: every open-data file with its format, size, record count, licence and version."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from pilotkb.publish.opendata import downloads_context
from pilotkb.site.views.base import Context, GeneratedPage

URI = "about/downloads.md"


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    if not ctx.settings.exports:
        return
    page = GeneratedPage(
        URI,
        "数据下载",
        partial(body, ctx),
        "index",
        "全部记录的 CSV、Excel、JSON、SQLite 下载，附许可协议、数据日期与版本",
    )
    page.inputs = ()  # the preview does not remake the downloads, nor this page
    page.last = True  # shows the sizes of the files a second process may still be making
    yield page


def body(ctx: Context) -> str:
    r = ctx.release
    context = downloads_context(
        ctx.cat, ctx.downloads, licence=r.licence, data_date=r.data_date, data_version=r.data_version
    )
    return ctx.render("about_downloads.md.j2", URI, **context)
