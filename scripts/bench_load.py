#!/usr/bin/env python3
"""Benchmark: load + validate with line numbers beside a bare PyYAML CSafeLoader load.

  scripts/bench_load.py [--pilots 200 2000 10000] [--runs 3]

For each size it writes a synthetic catalogue (pilotkb.data.synth) and times, alternating within
each run so that both see the same machine load:
  * a bare ``yaml.load(text, Loader=yaml.CSafeLoader)`` of the file (the baseline);
  * ``validate_file``: load + validate with line numbers (quick path for a valid file);
  * the same file with one mistake, until its messages (quick path, then the detailed path);
and prints the median of the runs with their range, and the ratio to the baseline (files under
1 MB are timed five times a run, best kept, for both).
``scripts/bench`` calls ``load_rows`` for its table.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"
if __name__ == "__main__" and VENV_PY.exists() and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
    os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from pilotkb import DataError, synth  # noqa: E402
from pilotkb.data.validate import validate_file  # noqa: E402

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _seconds(fn: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` calls (small files are timed several times: tens of ms are noisy)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _fails(path: Path) -> None:
    try:
        validate_file(path)
    except DataError:
        return
    raise SystemExit(f"{path}: the mistake was not reported")


def _figure(values: list[float], base: list[float]) -> str:
    ratios = [v / b for v, b in zip(values, base, strict=True)]
    spread = f" ({min(values):.2f}–{max(values):.2f} s)" if len(values) > 1 else ""
    ratio_spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else ""
    return f"{statistics.median(values):.2f} s{spread}, {statistics.median(ratios):.2f}×{ratio_spread} the baseline"


def load_rows(data: Path, runs: int = 3) -> list[tuple[str, str]]:
    """Table rows for the catalogue ``data`` (a valid ``pilots.yaml``), each figure over ``runs``."""
    bad = data.with_name("pilots-with-a-mistake.yaml")
    text = data.read_text(encoding="utf-8")
    bad.write_text(text.replace("\n  level: 国家级\n", "\n  level: 国家\n", 1), encoding="utf-8")
    base: list[float] = []
    ours: list[float] = []
    wrong: list[float] = []
    repeat = 5 if len(text) < 1_000_000 else 1
    for _ in range(runs):
        base.append(_seconds(lambda: yaml.load(data.read_text(encoding="utf-8"), Loader=_Loader), repeat))  # noqa: S506
        ours.append(_seconds(lambda: validate_file(data), repeat))
        wrong.append(_seconds(lambda: _fails(bad), repeat))
    bad.unlink()
    spread = f" ({min(base):.2f}–{max(base):.2f} s)" if runs > 1 else ""
    return [
        ("load, PyYAML CSafeLoader (baseline)", f"{statistics.median(base):.2f} s{spread}"),
        ("load + validate with line numbers", _figure(ours, base)),
        ("  same file with one mistake, to its messages", _figure(wrong, base)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, nargs="+", default=[200, 2000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"# scripts/bench_load.py  ({os.cpu_count()} cores, median of {args.runs} runs, range in brackets)\n"
    )
    with tempfile.TemporaryDirectory(prefix="kb-bench-load-") as work:
        for n in args.pilots:
            data = synth.write(n, Path(work) / str(n))
            rows = [
                ("YAML file", f"{data.stat().st_size / 1e6:.1f} MB, {n} pilots"),
                *load_rows(data, args.runs),
            ]
            width = max(len(k) for k, _ in rows)
            print(f"## {n} pilots")
            for k, v in rows:
                print(f"{k.ljust(width)}  {v}")
            print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
