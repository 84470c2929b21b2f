"""Where MkDocs offers no API: the workarounds, each relying on an internal behaviour of
MkDocs (and of ProperDocs, its fork) that ``tests/mkdocs/test_shim.py`` checks against the
installed version, so that a change underneath fails a test rather than the site.

- Generated pages are made in ``on_files`` (``structure.GeneratedDocPage``), before MkDocs
  builds the nav. MkDocs then uses such a page as it is, without the title the nav gives
  it, and warns of pages missing from the nav only among those it made itself: the nav's
  titles are given here (``nav_titles``), and the warning for generated pages made here
  (``warn_unlisted``).
- MkDocs warns on every ``--dirty`` build, which ``serve --strict`` would count as an error;
  the preview is incremental on purpose and says what it remade (``quiet_dirty_warning``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from mkdocs.commands import build as build_command
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

# The start of the warning mkdocs.commands.build.build logs on every --dirty build.
DIRTY_WARNING = "A 'dirty' build is being performed"
# What mkdocs.structure.nav.get_navigation logs for pages missing from the nav.
UNLISTED = 'The following pages exist in the docs directory, but are not included in the "nav" configuration:'


def nav_titles(config: MkDocsConfig) -> dict[str, str | None]:
    """The title the nav gives each page it names (None: the page's own), as
    ``mkdocs.structure.nav._data_to_navigation`` reads ``nav``; the first mention wins."""
    strip = getattr(config.validation.nav.absolute_links, "name", "") == "RELATIVE_TO_DOCS"
    titles: dict[str, str | None] = {}

    def walk(data: Any, title: str | None = None) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                walk(value, key if isinstance(value, str) else None)
        elif isinstance(data, list):
            for item in data:
                walk(item)
        elif isinstance(data, str):
            titles.setdefault(data.lstrip("/") if strip and data.startswith("/") else data, title)

    walk(config.nav)
    return titles


def warn_unlisted(nav: Navigation, pages: Iterable[Page], config: MkDocsConfig) -> None:
    """MkDocs' warning for pages that belong in the nav but are not in it, for these pages
    (made before the nav, so MkDocs does not check them)."""
    listed = {id(page) for page in nav.pages}
    missing = [p.file.src_path for p in pages if id(p) not in listed and p.file.inclusion.is_in_nav()]
    if missing:
        logging.getLogger("mkdocs.structure.nav").log(
            config.validation.nav.omitted_files, UNLISTED + "\n  - " + "\n  - ".join(missing)
        )


def quiet_dirty_warning() -> None:
    """Drop MkDocs' warning on --dirty builds (for the life of the process). The logger is
    named after the module (``properdocs.commands.build`` under ProperDocs)."""
    logging.getLogger(build_command.__name__).addFilter(_not_dirty_warning)


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(DIRTY_WARNING)
