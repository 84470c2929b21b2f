"""Material's page-independent parts, rendered once per folder of pages outside the nav.

Material renders its whole navigation (``partials/nav.html``, and the tabs in
``partials/tabs.html``) for every page: at 10,000 pilots that was a third of the theme's
time. For a page the nav does not list (every generated record and list page), the output
depends only on where the page lives, because nothing in it is active and its links are
relative: from ``pilots/pilot-00001/`` and ``pilots/pilot-00002/`` the nav is the same bytes.
So those partials, and the blocks of ``base.html`` that only link to the site's assets
(``styles``, ``config``, ``scripts``), are rendered once per parent folder of such pages and
reused; a page in the nav, or a page whose folder holds a nav page, is rendered as Material
always does.

Material's ``lang.t(key)`` (a macro that builds its whole table of ~100 strings on each of
the ~20 calls a page makes) gives the same string for a key all build long, so each key is
looked up once.

The caches wrap the compiled templates' render functions (what ``{% include %}`` and
``{% block %}`` call), so Material's templates, and any override of them, are used
unchanged; tests/site/test_themecache.py builds the site with and without them and compares
every page byte for byte.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from typing import Any

import jinja2

PARTIALS = ("partials/nav.html", "partials/tabs.html", "partials/kb-search.html")
# Blocks of base.html whose output depends only on the page's folder (asset links, the
# bundle's configuration). An override of one in main.html that calls super() still gets
# the cached base part; one that does not is left as it is.
BASE_BLOCKS = ("styles", "config", "scripts")
LANGUAGE = "partials/language.html"

Render = Callable[[Any], Iterator[str]]


def folder_key(url: str, nav_urls: frozenset[str], nav_prefixes: frozenset[str]) -> str | None:
    """The folder whose relative links a page at ``url`` shares with its siblings, or None
    when the page must be rendered on its own (it is in the nav, or holds a nav page)."""
    if url in nav_urls or url == "" or url.rstrip("/") + "/" in nav_prefixes:
        return None
    # 'a/b/' (directory URLs) and 'a/b.html' both sit in 'a/'; links from them differ from
    # links from 'a/' only by one more '../', the same for every sibling.
    return posixpath.dirname(url.rstrip("/")) + ("/" if url.endswith("/") else "|file")


def install(env: jinja2.Environment, nav: Any) -> None:
    """Cache the page-independent parts of ``env``'s theme for this build's ``nav`` (MkDocs
    makes a new env each build, so nothing is kept from one build to the next)."""
    urls = frozenset(p.url for p in nav.pages)
    prefixes = frozenset(
        "/".join(parts[: i + 1]) + "/"
        for u in urls
        for parts in [u.strip("/").split("/")]
        for i in range(len(parts))
    )
    for name in PARTIALS:
        template = _template(env, name)
        if template is not None:
            template.root_render_func = _per_folder(template.root_render_func, urls, prefixes)
    base = _template(env, "base.html")
    if base is not None:
        for block in BASE_BLOCKS:
            if block in base.blocks:
                base.blocks[block] = _per_folder(base.blocks[block], urls, prefixes)
    language = _template(env, LANGUAGE)
    if language is not None:
        language.root_render_func = _translations_once(language.root_render_func)


def _template(env: jinja2.Environment, name: str) -> jinja2.Template | None:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        return None


def _per_folder(render: Render, urls: frozenset[str], prefixes: frozenset[str]) -> Render:
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


def _translations_once(render: Render) -> Render:
    """``partials/language.html`` is imported with the page's context, which makes its macro
    ``t`` anew for every page; the module it exports gets a ``t`` that asks the macro once per
    key (the answer depends only on the theme's language, fixed for the build)."""
    answers: dict[tuple[Any, ...], Any] = {}

    def root(context: Any) -> Iterator[str]:
        yield from render(context)
        macro = context.vars.get("t")
        if macro is None:  # an override without the macro: nothing to cache
            return

        def t(*key: Any) -> Any:
            if key not in answers:
                answers[key] = macro(*key)
            return answers[key]

        context.vars["t"] = t

    return root
