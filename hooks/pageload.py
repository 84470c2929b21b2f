"""MkDocs hooks for phone load (pilotkb.site.pageload): tables wrapped when built, .gz copies."""

from pathlib import Path

from pilotkb.settings import Settings
from pilotkb.site import pageload


def on_page_content(html, **kwargs):
    return pageload.wrap_tables(html)


def on_post_build(config, **kwargs):
    # Runs after hooks/kb.py (listed first in mkdocs.yml), when the search index is written.
    if Settings.from_mapping((config.get("extra") or {}).get("kb")).precompress:
        pageload.precompress(Path(config["site_dir"]))
