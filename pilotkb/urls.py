"""Where each record's page lives, and relative links between generated pages.

Generated pages carry their data in raw HTML blocks, which MkDocs does not rewrite, so
links are computed here, for both ``use_directory_urls`` settings.
"""

from __future__ import annotations

import posixpath

from .registry import REGISTRY


def record_uri(coll: str, rid: str) -> str:
    return REGISTRY[coll].uri(rid)


def record_anchor(coll: str, rid: str) -> str:
    return REGISTRY[coll].anchor(rid)


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
    src = dest_url(from_uri, directory_urls)
    dst = dest_url(to_uri, directory_urls)
    src_dir = src if src.endswith("/") or src == "" else posixpath.dirname(src) + "/"
    if src_dir == "":
        src_dir = "."
    rel = posixpath.relpath(dst or ".", src_dir.rstrip("/") or ".")
    if dst.endswith("/") or dst == "":
        rel = rel.rstrip("/") + "/"
        if rel == "./":
            rel = "./"
    frag = f"#{anchor}" if anchor else ""
    return rel + frag
