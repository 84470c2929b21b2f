"""jieba, loaded in one place: Chinese word segmentation for the index, the open-data full-text
tables and the editor's proposed ids."""

from __future__ import annotations

import logging
import warnings
from functools import cache
from typing import Any


@cache
def load_jieba() -> Any:
    """The jieba module, imported on first use (its dictionary costs memory and time)."""
    # jieba imports pkg_resources when present (deprecated by setuptools) and has old
    # escape sequences; neither matters here, so its import warnings are silenced.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba
