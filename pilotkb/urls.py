"""Where each record's page lives, and relative links between generated pages.

Generated pages carry their data in raw HTML blocks, which MkDocs does not rewrite, so
links are computed here, for both ``use_directory_urls`` settings.
"""

from __future__ import annotations

import posixpath

from .model import ENUM_SLUGS, Domain, Level, Status

UNKNOWN_SLUG = "unknown"

RECORD_URI = {
    "pilots": "pilots/{id}.md",
    "experiences": "experiences/{id}.md",
    "coverage": "coverage/{id}.md",
    "events": "events/{id}.md",
    "areas": "areas/{id}.md",
    "sources": "sources/{id}.md",
    "evaluations": "evaluations/index.md",
    "figures": "stats/index.md",
}
# The page that lists every record of a collection.
COLLECTION_INDEX = {
    "pilots": "browse/all.md",
    "experiences": "experiences/index.md",
    "coverage": "coverage/index.md",
    "events": "events/index.md",
    "areas": "areas/index.md",
    "sources": "sources/index.md",
    "evaluations": "evaluations/index.md",
    "figures": "stats/index.md",
}
# Records shown as rows of a shared page carry an anchor.
ROW_ANCHOR = {"evaluations": "evaluation-{id}", "figures": "figure-{id}"}

FACETS = {"level": Level, "domain": Domain, "status": Status}


def record_uri(coll: str, rid: str) -> str:
    return RECORD_URI[coll].format(id=rid)


def record_anchor(coll: str, rid: str) -> str:
    pattern = ROW_ANCHOR.get(coll)
    return pattern.format(id=rid) if pattern else ""


def facet_slug(facet: str, label: str | None) -> str:
    if label is None:
        return UNKNOWN_SLUG
    enum = FACETS.get(facet)
    if enum is not None:
        return ENUM_SLUGS[enum][label]
    return label


def facet_uri(facet: str, slug: str, page: int = 1) -> str:
    base = f"browse/{facet}/{slug}"
    return f"{base}.md" if page == 1 else f"{base}/{page}.md"


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
