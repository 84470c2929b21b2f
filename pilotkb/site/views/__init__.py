"""Page families, one module each (after Material's ``blog/structure`` and Datasette's views).

``Views`` is built once per MkDocs build, from the catalogue, the settings and what the build
publishes beside the pages (``Publication``: history, release, downloads); each family module
has ``pages(ctx)`` (and ``files(ctx)`` for non-page files). Adding a family is a module and a
line in ``FAMILIES``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pilotkb.data.catalog import Catalog
from pilotkb.publish.publication import Publication
from pilotkb.settings import Settings
from pilotkb.site.views import (
    about,
    blocks,
    browse,
    bulletins,
    changes,
    collections,
    coverage,
    downloads,
    feeds,
    glossary,
    listdata,
    promotion,
    records,
    sourcetext,
    stats,
)
from pilotkb.site.views.context import Context
from pilotkb.site.views.page import GeneratedPage

FAMILIES = (
    records,
    sourcetext,
    browse,
    collections,
    coverage,
    promotion,
    about,
    downloads,
    glossary,
    stats,
    changes,
    bulletins,
)
FILE_FAMILIES = (listdata, stats, promotion, coverage, feeds)

__all__ = ["FAMILIES", "GeneratedPage", "Publication", "Views"]


class Views:
    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        directory_urls: bool = True,
        site_url: str | None = None,
        publication: Publication | None = None,
    ):
        self.ctx = Context(catalog, settings, directory_urls, site_url, publication)

    def pages(self) -> Iterator[GeneratedPage]:
        for family in FAMILIES:
            yield from family.pages(self.ctx)

    def files(self, downloads: bool = True) -> dict[str, bytes]:
        """Non-page files of the site: the list data, and the open-data downloads."""
        out: dict[str, bytes] = {}
        for family in FILE_FAMILIES:
            out.update(family.files(self.ctx))
        if downloads:
            out.update(self.ctx.downloads)
        return out

    def macro_values(self) -> dict[str, Any]:
        return blocks.macro_values(self.ctx)
