"""Atom (and, with ``site_url``, RSS) feeds written into the site, and their links.

The feed files are made by ``pilotkb.publish.feeds``; this family writes them and renders the
visible 订阅 list of an area or facet page. ``head_links`` gives the ``<link>`` tags for
autodiscovery that ``overrides/main.html`` puts in every page's ``<head>``.
"""

from __future__ import annotations

from markupsafe import Markup

from pilotkb.publish import feeds
from pilotkb.settings import SITE_NAME
from pilotkb.site.views.context import Context


def files(ctx: Context) -> dict[str, bytes]:
    return feeds.feeds(
        ctx.cat,
        ctx.history,
        ctx.site_url,
        ctx.directory_urls,
        site_name=SITE_NAME,
        limit=ctx.settings.feed_entries,
    )


def own_links(ctx: Context, here: str) -> list[feeds.FeedLink]:
    """The feeds of this page's own area, domain or level (none on other pages)."""
    site = {f"feeds/{n}.{fmt}.xml" for n in ("updates", "changes") for fmt in ("atom", "rss")}
    links = feeds.feed_links(here, ctx.cat, ctx.site_url, ctx.directory_urls, site_name=SITE_NAME)
    return [x for x in links if not any(x.href.endswith(s) for s in site)]


def subscribe_block(ctx: Context, here: str, heading: str) -> str:
    """The visible 订阅 list of an area or facet page ("" when the page has no feed)."""
    links = own_links(ctx, here)
    if not links:
        return ""
    return ctx.render("feeds_subscribe.md.j2", here, feed_links=links, heading=heading)


def head_links(ctx: Context, page_uri: str) -> Markup:
    """``<link rel="alternate">`` tags for a page's ``<head>``, values escaped."""
    return feeds.feed_link_tags(
        feeds.feed_links(page_uri, ctx.cat, ctx.site_url, ctx.directory_urls, site_name=SITE_NAME)
    )
