"""Material's page-independent parts are rendered once per folder of pages outside the nav
(pilotkb.site.themecache).

Whether the reused nav is right on every page is checked where a reader would notice it:
tests/site/test_site.py follows every link of every built page, the nav's included.
"""

from __future__ import annotations

import pytest

from pilotkb.site.themecache import folder_key
from tests.conftest import build, make_project

NAV = frozenset({"", "pilots/", "stats/", "about/downloads/"})
PREFIXES = frozenset({"pilots/", "stats/", "about/", "about/downloads/"})


@pytest.mark.parametrize(
    "url, key",
    [
        ("pilots/pilot-1/", "pilots/"),  # siblings share one rendering
        ("pilots/pilot-2/", "pilots/"),
        ("browse/area/x/", "browse/area/"),
        ("pilots/pilot-1.html", "pilots|file"),  # use_directory_urls: false
        ("pilots/", None),  # in the nav: its item is active
        ("", None),
        ("about/", None),  # holds a nav page: links into it differ
        ("404.html", "|file"),
    ],
)
def test_folder_key(url, key):
    assert folder_key(url, NAV, PREFIXES) == key


def test_pages_in_different_folders_never_share(real_site):
    """Two record pages of one folder carry the same nav; pages one level up do not."""

    def nav(path: str) -> str:
        text = (real_site / path / "index.html").read_text(encoding="utf-8")
        start = text.index('<nav class="md-nav md-nav--primary')
        return text[start : text.index("md-sidebar--secondary", start)]

    pilots = sorted(p.parent.name for p in (real_site / "pilots").glob("*/index.html"))
    assert nav(f"pilots/{pilots[0]}") == nav(f"pilots/{pilots[1]}")
    assert 'href="../../stats/"' in nav(f"pilots/{pilots[0]}")
    levels = sorted(p.parent.name for p in (real_site / "browse" / "level").glob("*/index.html"))
    assert 'href="../../../stats/"' in nav(f"browse/level/{levels[0]}")  # deeper, also outside the nav
    assert 'href="../stats/"' in nav("glossary")


def test_cached_theme_gives_the_same_pages_byte_for_byte(tmp_path):
    """Every page of the real site built with the caches is the page Material renders
    without them (a cached part that depended on the page would differ on some page)."""
    project = make_project(tmp_path / "project")
    cached = build(project, tmp_path / "cached")
    assert cached.returncode == 0, cached.stderr[-3000:]
    plain = build(project, tmp_path / "plain", command=("-c", WITHOUT_CACHES))
    assert plain.returncode == 0, plain.stderr[-3000:]
    pages = sorted(p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*.html"))
    assert len(pages) > 100
    assert pages == sorted(p.relative_to(tmp_path / "cached") for p in (tmp_path / "cached").rglob("*.html"))
    differ = [
        str(p)
        for p in pages
        if (tmp_path / "plain" / p).read_bytes() != (tmp_path / "cached" / p).read_bytes()
    ]
    assert differ == []


# mkdocs with pilotkb.site.themecache.install doing nothing: Material as it always renders.
WITHOUT_CACHES = (
    "import sys; import pilotkb.site.themecache as t; t.install = lambda env, nav: None; "
    "from mkdocs.__main__ import cli; sys.argv[0] = 'mkdocs'; cli()"
)
