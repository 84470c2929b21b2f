"""Material's navigation, rendered once per folder for the pages that are not in the nav.

Material renders its whole navigation (``partials/nav.html``, and the tabs in
``partials/tabs.html``) for every page: at 10,000 pilots that was a third of the theme's
time. For a page the nav does not list (every generated record and list page), the output
depends only on where the page lives, because nothing in it is active and its links are
relative: from ``pilots/pilot-00001/`` and ``pilots/pilot-00002/`` the nav is the same bytes.
So the two partials are rendered once per parent folder of such pages and reused; a page in
the nav, or a page whose folder holds a nav page, is rendered as Material always does.

The cache wraps the compiled templates' render functions (what ``{% include %}`` calls), so
Material's templates, and any override of them, are used unchanged.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from typing import Any

import jinja2

PARTIALS = ("partials/nav.html", "partials/tabs.html")


def folder_key(url: str, nav_urls: frozenset[str], nav_prefixes: frozenset[str]) -> str | None:
    """The folder whose relative links a page at ``url`` shares with its siblings, or None
    when the page must be rendered on its own (it is in the nav, or holds a nav page)."""
    if url in nav_urls or url == "" or url.rstrip("/") + "/" in nav_prefixes:
        return None
    # 'a/b/' (directory URLs) and 'a/b.html' both sit in 'a/'; links from them differ from
    # links from 'a/' only by one more '../', the same for every sibling.
    return posixpath.dirname(url.rstrip("/")) + ("/" if url.endswith("/") else "|file")


def install(env: jinja2.Environment, nav: Any) -> None:
    """Cache the nav partials of ``env`` for this build's ``nav`` (a new env each build)."""
    urls = frozenset(p.url for p in nav.pages)
    prefixes = frozenset(
        "/".join(parts[: i + 1]) + "/"
        for u in urls
        for parts in [u.strip("/").split("/")]
        for i in range(len(parts))
    )
    for name in PARTIALS:
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        template.root_render_func = _cached(template.root_render_func, urls, prefixes)


def _cached(
    render: Callable[[Any], Iterator[str]], urls: frozenset[str], prefixes: frozenset[str]
) -> Callable[[Any], Iterator[str]]:
    done: dict[str, str] = {}

    def root(context: Any) -> Iterator[str]:
        page = context.get("page")
        key = folder_key(page.url, urls, prefixes) if page is not None and page.file else None
        if key is None:
            yield from render(context)
            return
        if key not in done:
            done[key] = "".join(render(context))
        yield done[key]

    return root
