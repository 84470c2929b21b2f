"""The wall time of each stage of a build: logged at the end, and written as JSON to the file
named by ``KB_STAGE_TIMES`` (``scripts/bench`` reads it: keep the stage names and the format).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Counted, not timed: generated pages Python-Markdown had to render (prerender could not).
THROUGH_MARKDOWN = "pages through Markdown"
# The heavy engines a build loads only where it needs them (views/memo.py, the second
# processes); the report names those the rendering process loaded all the same.
ENGINES = ("pandas", "vl_convert", "pypinyin", "jieba", "xlsxwriter")


class StageTimes:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def report(self) -> dict[str, Any]:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        engines = [name for name in ENGINES if name in sys.modules]
        return {"seconds": self.seconds, "counts": self.counts, "peak_mb": peak, "engines": engines}

    def summary(self, report: dict[str, Any]) -> str:
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in report["seconds"].items())
        return f"pilotkb: stages: {stages}; peak {report['peak_mb']:.0f} MB"

    def write(self, report: dict[str, Any]) -> None:
        """The report as JSON, to the file KB_STAGE_TIMES names (nothing when it is unset)."""
        target = os.environ.get("KB_STAGE_TIMES")
        if target:
            Path(target).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
