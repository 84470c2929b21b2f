"""Rendered Markdown of generated pages against reviewed golden files.

To accept a deliberate change of output: ``KB_UPDATE_GOLDEN=1 pytest tests/site/test_golden.py``,
then read the diff of ``tests/site/golden/`` before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pilotkb import load_catalog
from pilotkb.settings import Settings
from pilotkb.site.pages import generate

from ..conftest import FIXTURES

GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "pilots/river-chief.md",
    "pilots/unnamed-level.md",
    "experiences/river-chief-exp.md",
    "events/onsite.md",
    "browse/all.md",
    "browse/all/2.md",
    "browse/level/provincial.md",
    "stats/index.md",
]


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    cat = load_catalog(FIXTURES / "golden" / "pilots.yaml")
    return {p.src_uri: p.markdown() for p in generate(cat, Settings(page_size=1, history_commits=0))}


@pytest.mark.parametrize("uri", PAGES)
def test_generated_markdown_matches_golden(generated, uri):
    golden = GOLDEN / uri.replace("/", "__")
    if os.environ.get("KB_UPDATE_GOLDEN") and golden.read_text(encoding="utf-8") != generated[uri]:
        golden.write_text(generated[uri], encoding="utf-8")
        pytest.skip(f"{golden.name} rewritten: read its diff before committing it")
    assert generated[uri] == golden.read_text(encoding="utf-8")


def test_directory_urls_off_links_to_html_files():
    cat = load_catalog(FIXTURES / "golden" / "pilots.yaml")
    page = next(
        p for p in generate(cat, Settings(), directory_urls=False) if p.src_uri == "pilots/river-chief.md"
    )
    assert 'href="../experiences/river-chief-exp.html"' in page.text()
    assert 'href="../areas/linzi.html"' in page.text()
