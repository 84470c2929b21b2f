"""Site search: the static index the browser reads (``docs/assets/search/kb-search.js``).

The public surface is the names below; they are imported on first use, so that importing
``pilotkb.search.segment`` (the editor commands, the open-data tables) does not load the
indexer.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> the module that defines it
_PUBLIC = {
    "BackgroundIndexer": "pilotkb.search.index",
    "Indexer": "pilotkb.search.index",
    "build_index": "pilotkb.search.index",
    "INDEX_DIR": "pilotkb.search.index",
    "Segmenter": "pilotkb.search.index",
    "data_words": "pilotkb.search.index",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'pilotkb.search' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
