"""``mkdocs build`` as CI runs it: the stage times ``scripts/bench``
reads, every generated page made without Python-Markdown, no heavy engine loaded by the
process that renders the pages, the .gz copies made once the
second process's files and the search index are written, a hand-written page in the way of
a generated one refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ENV, FIXTURES, build, make_project

GOLDEN = FIXTURES / "golden"
# The stage names scripts/bench prints (a mkdocs build, workers on).
STAGES = {
    "load + validate",
    "history (git)",
    "exports (JSON, CSV, XLSX, SQLite …)",
    "search index",
    "page list",
    "list data, charts, feeds",
    "pages (HTML, theme, write)",
    "exports: waiting for the second process",
    "total (from config)",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(
        tmp_path / "p",
        (GOLDEN / "pilots.yaml").read_text(encoding="utf-8"),
        {"source.txt": (GOLDEN / "source.txt").read_text(encoding="utf-8")},
    )


def test_build_reports_its_stages_and_compresses_what_it_wrote_last(tmp_path: Path):
    project = make_project(tmp_path / "p")  # the real data: index files worth compressing
    times = project / "stages.json"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**ENV, "KB_STAGE_TIMES": str(times), "KB_PRECOMPRESS": "true"},
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(times.read_text(encoding="utf-8"))
    assert set(report) == {"seconds", "counts", "peak_mb", "engines"}
    # pandas, Vega's engine, pypinyin, jieba, xlsxwriter: loaded by the second processes only
    assert report["engines"] == []
    assert set(report["seconds"]) == STAGES
    assert all(isinstance(v, float) and v >= 0 for v in report["seconds"].values())
    assert report["counts"] == {}  # no generated page went through Python-Markdown
    site = project / "site"
    # written after the pages, then compressed: the second process's file, the search index
    assert (site / "downloads" / "datapackage.json.gz").is_file()
    assert list((site / "assets" / "search" / "index").rglob("*.json.gz"))
    assert (site / "browse" / "all" / "index.html.gz").is_file()


def test_a_hand_written_page_in_place_of_a_generated_one_stops_the_build(project: Path):
    (project / "docs" / "pilots").mkdir(exist_ok=True)
    (project / "docs" / "pilots" / "river-chief.md").write_text("# 河长制\n", encoding="utf-8")
    result = build(project)
    assert result.returncode != 0
    assert "docs/pilots/river-chief.md 与自动生成的页面同名" in result.stderr
    assert "Traceback" not in result.stderr
