"""The benchmark's synthetic data: the shaped profile is written as editors write the real
file, and holds the same records as the flat one."""

from __future__ import annotations

from pathlib import Path

import yaml

from pilotkb.data import synth
from pilotkb.data.validate import validate_file

from .test_fastload import assert_read_alike


def without_summaries(x: object) -> object:
    if isinstance(x, dict):
        return {k: without_summaries(v) for k, v in x.items() if k != "summary"}
    if isinstance(x, list):
        return [without_summaries(v) for v in x]
    return x


def test_the_shaped_profile_holds_the_flat_records_written_like_the_real_file(tmp_path: Path) -> None:
    flat = synth.write(120, tmp_path / "flat")
    shaped = synth.write(120, tmp_path / "shaped", profile="shaped")
    text = shaped.read_text(encoding="utf-8")
    # what the real file has and a dumper never writes
    assert "\n  # --- " in text and "summary: >-\n" in text and "    quote:\n      - " in text
    assert "\n\n  - id: pilot-" in text and "areas: [" in text
    a, b = (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (flat, shaped))
    assert without_summaries(a) == without_summaries(b)
    assert len(validate_file(shaped).pilots) == 120
    assert_read_alike(text)  # the quick reader and the full loader agree on it
