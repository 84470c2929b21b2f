"""MkDocs hooks for phone load (pilotkb.pageload): tables wrapped when built, .gz copies."""

from pathlib import Path

from pilotkb import pageload
from pilotkb.settings import Settings


def on_page_content(html, **kwargs):
    return pageload.wrap_tables(html)


def on_post_build(config, **kwargs):
    # Runs after hooks/kb.py (listed first in mkdocs.yml), when the search index is written.
    if Settings.from_mapping((config.get("extra") or {}).get("kb")).precompress:
        pageload.precompress(Path(config["site_dir"]))
