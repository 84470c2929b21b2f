"""Where each record's page lives, and relative links between generated pages.

Generated pages carry their data in raw HTML blocks, which MkDocs does not rewrite, so
links are computed here, for both ``use_directory_urls`` settings.
"""

from __future__ import annotations

import posixpath

from pilotkb.data.registry import REGISTRY


def record_uri(coll: str, rid: str) -> str:
    return REGISTRY[coll].uri(rid)


def record_anchor(coll: str, rid: str) -> str:
    return REGISTRY[coll].anchor(rid)


def text_page_uri(source_id: str, page: int) -> str:
    """The page (0-based) of a source's text: its record page first, then ``sources/ID/2.md`` …"""
    first = record_uri("sources", source_id)
    return first if page == 0 else f"{first.removesuffix('.md')}/{page + 1}.md"


def index_uri(coll: str) -> str:
    return REGISTRY[coll].index_uri


def dest_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL path (relative to the site root) that MkDocs gives ``src_uri``."""
    stem, _ = posixpath.splitext(src_uri)
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_uri: str, to_uri: str, directory_urls: bool = True, anchor: str = "") -> str:
    """A relative link from the page of ``from_uri`` to the page of ``to_uri``."""
    # Path parts by hand rather than posixpath.relpath (which makes both paths absolute and
    # normalises them): a list page links to every page of its list, so a 10,000-pilot site
    # asks for ~140,000 links before any page is written. tests/data/test_urls.py
    # compares this with posixpath.relpath.
    src = dest_url(from_uri, directory_urls)
    dst = dest_url(to_uri, directory_urls)
    here = src.split("/")[:-1]  # the folder the page is served from
    there = [part for part in dst.split("/") if part]
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    if dst.endswith("/") or dst == "":
        rel += "/"
    return rel + (f"#{anchor}" if anchor else "")
