"""Material's nav is rendered once per folder of pages outside the nav (pilotkb.site.themecache).

Whether the reused nav is right on every page is checked where a reader would notice it:
tests/site/test_site.py follows every link of every built page, the nav's included.
"""

from __future__ import annotations

import pytest

from pilotkb.site.themecache import folder_key

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
