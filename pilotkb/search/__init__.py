"""Site search: the static index the browser reads (``docs/assets/search/kb-search.js``).

The public surface is the names below; they are imported on first use, so that importing
``pilotkb.search.segment`` (the editor commands, the open-data tables) does not load the
indexer. Modules, by concept: ``segment`` (jieba and the catalogue's words), ``expand``
(the vocabulary of ``terms``), ``extract`` (a built page's text), ``documents`` (what a
result is), ``score`` (impacts), ``format`` (the index format, declared once), ``write``
(the index files) and ``indexer`` (the build's side).
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> the module that defines it
_PUBLIC = {
    "BackgroundIndexer": "pilotkb.search.indexer",
    "Indexer": "pilotkb.search.indexer",
    "build_index": "pilotkb.search.indexer",
    "IndexStats": "pilotkb.search.write",
    "INDEX_DIR": "pilotkb.search.format",
    "Segmenter": "pilotkb.search.segment",
    "data_words": "pilotkb.search.segment",
    "text_chars": "pilotkb.search.segment",
    "SearchDocument": "pilotkb.search.documents",
    "search_documents": "pilotkb.search.documents",
    "page_path": "pilotkb.search.documents",
    "page_text": "pilotkb.search.extract",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'pilotkb.search' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
