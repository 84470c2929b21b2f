"""Chinese full-text search index for the built site."""

from __future__ import annotations

from pathlib import Path


def build_index(site_dir: Path) -> None:
    raise NotImplementedError("search index not built yet")
