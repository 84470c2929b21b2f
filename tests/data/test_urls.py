"""Where each page lives and the relative links between pages, in both URL styles."""

from __future__ import annotations

import itertools
import posixpath
from pathlib import Path
from urllib.parse import unquote

import pytest

from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import dest_url, index_uri, record_anchor, record_uri, relative
from pilotkb.settings import Settings
from pilotkb.site.pages import generate

from ..conftest import ROOT
from ..html_util import page_file


@pytest.fixture(scope="module")
def page_uris(real_catalog) -> list[str]:
    """Every page of the site: the generated pages and the hand-written ones in docs/."""
    generated = [p.src_uri for p in generate(real_catalog, Settings())]
    written = [p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")]
    return sorted(set(generated) | set(written))


@pytest.mark.parametrize(
    "src,dst,directory_urls,anchor,expected",
    [
        ("index.md", "pilots/a.md", True, "", "pilots/a/"),
        ("pilots/a.md", "pilots/b.md", True, "", "../b/"),
        ("pilots/a.md", "areas/x.md", True, "", "../../areas/x/"),
        ("pilots/a.md", "index.md", True, "", "../../"),
        ("browse/level/national/2.md", "browse/all.md", True, "", "../../../all/"),
        ("pilots/a.md", "stats/index.md", True, "figure-f1", "../../stats/#figure-f1"),
        ("stats/index.md", "stats/index.md", True, "figure-f1", "./#figure-f1"),
        ("index.md", "pilots/a.md", False, "", "pilots/a.html"),
        ("pilots/a.md", "areas/x.md", False, "", "../areas/x.html"),
        ("pilots/a.md", "index.md", False, "", "../index.html"),
        ("experiences/index.md", "experiences/all/2.md", False, "", "all/2.html"),
    ],
)
def test_relative_links_between_pages(src, dst, directory_urls, anchor, expected):
    assert relative(src, dst, directory_urls, anchor) == expected


def test_relative_links_agree_with_posixpath_relpath(page_uris):
    """Every link between a sample of the site's pages, in both URL styles, is the one
    posixpath.relpath gives, and resolves back to its target."""
    sample = page_uris[::7] + ["index.md", "stats/index.md", "browse/all/2.md", "a/b/c/d.md"]
    for directory_urls, (src, dst) in itertools.product((True, False), itertools.product(sample, repeat=2)):
        s, d = dest_url(src, directory_urls), dest_url(dst, directory_urls)
        folder = s if s.endswith("/") or s == "" else (posixpath.dirname(s) + "/").lstrip("/")
        expected = posixpath.relpath(d or ".", folder.rstrip("/") or ".")
        if d.endswith("/") or d == "":
            expected = expected.rstrip("/") + "/"
        got = relative(src, dst, directory_urls)
        assert got == expected, (src, dst, directory_urls)
        assert posixpath.normpath(posixpath.join(folder, got)) == posixpath.normpath(d or "."), (src, dst)


@pytest.mark.parametrize("directory_urls", [True, False])
def test_dest_url_is_where_mkdocs_puts_each_page(page_uris, directory_urls):
    """For every page of the real site, the URL and the file are MkDocs' own."""
    from mkdocs.structure.files import File

    assert len(page_uris) > 100 and "index.md" in page_uris
    assert [u for u in page_uris if u.endswith("/index.md")] and [u for u in page_uris if u.count("/") >= 2]
    site = Path("/site")
    # and pages a larger catalogue has: later pages of a list, deeper folders
    for uri in [*page_uris, "browse/level/national/2.md", "browse/all/12.md", "a/b/c/index.md"]:
        mkdocs_file = File(uri, "/docs", str(site), directory_urls)
        url = dest_url(uri, directory_urls)
        # MkDocs writes the site root as "./" and percent-encodes; ours is a bare path
        assert url == ("" if mkdocs_file.url == "./" else unquote(mkdocs_file.url)), (uri, directory_urls)
        assert page_file(site, url).relative_to(site).as_posix() == mkdocs_file.dest_uri, uri


@pytest.mark.parametrize("coll", list(REGISTRY))
def test_record_and_index_uris_come_from_the_registry(coll):
    c = REGISTRY[coll]
    assert record_uri(coll, "x-1") == c.record_uri.replace("{id}", "x-1")
    assert index_uri(coll) == c.index_uri
    if c.has_pages:
        assert record_uri(coll, "x-1") == f"{coll}/x-1.md" and record_anchor(coll, "x-1") == ""
    else:
        assert record_uri(coll, "x-1") == c.index_uri and record_anchor(coll, "x-1").endswith("-x-1")
