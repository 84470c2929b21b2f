"""About pages generated from the model: the data dictionary."""

from __future__ import annotations

from collections.abc import Iterator

from pilotkb.data.schema import dictionary_rows
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage


def pages(ctx: Context) -> Iterator[GeneratedPage]:
    yield GeneratedPage(
        "about/dictionary.md",
        "数据字典",
        ctx.render("about_dictionary.md.j2", "about/dictionary.md", tables=dictionary_rows()),
        "index",
        "数据文件各集合、各字段的类型与说明",
    )
