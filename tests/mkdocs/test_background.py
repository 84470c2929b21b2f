"""The search index and open data made by a second process (pilotkb.background) are the
same files a one-process build makes, and its errors stop the build with their message."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from pilotkb import background
from pilotkb.errors import DataError, Problem

from ..conftest import build, make_project

pytestmark = pytest.mark.skipif(not background.available(), reason="no fork on this system")


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_site_is_the_same_with_and_without_the_second_process(real_site, tmp_path):
    project = make_project(tmp_path / "one")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  kb:\n", "  kb:\n    workers: false\n", 1),
        encoding="utf-8",
    )
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    one = project / "site"
    names = _files(real_site)
    assert names == _files(one)
    assert {"downloads/pilots.xlsx", "downloads/pilots.db", "downloads/datapackage.json"} <= names
    assert any(n.startswith("assets/search/index/t/") for n in names)
    _, mismatch, errors = filecmp.cmpfiles(real_site, one, sorted(names), shallow=False)
    assert mismatch == [] and errors == []


def _fails() -> None:
    raise DataError([Problem("data/pilots.yaml", 3, "pilots[0]", "name", "不能为空")])


def _breaks() -> None:
    raise ValueError("boom")


def _total(start: int, messages) -> int:
    return start + sum(len(m) for m in messages)


def test_job_returns_results_and_raises_errors_with_their_message():
    assert background.Job(sorted, [3, 1, 2]).result() == [1, 2, 3]
    fed = background.Job(_total, 1, feed=True)
    for _ in range(2000):  # far more than a pipe holds while the job starts
        fed.send(b"x" * 100)
    assert fed.result() == 1 + 200_000
    with pytest.raises(DataError) as err:
        background.Job(_fails).result()
    assert "data/pilots.yaml:3" in err.value.report() and "不能为空" in err.value.report()
    with pytest.raises(RuntimeError, match="boom"):
        background.Job(_breaks).result()
