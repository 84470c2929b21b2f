"""The pages outside MkDocs: built by properdocs, or written as plain Markdown."""

from __future__ import annotations

import subprocess
import sys

from pilotkb.settings import Settings

from ..conftest import ENV, FIXTURES, make_project


def test_site_builds_under_properdocs(tmp_path):
    project = make_project(
        tmp_path,
        (FIXTURES / "bad" / "valid.yaml").read_text(encoding="utf-8"),
        {"source.txt": (FIXTURES / "bad" / "source.txt").read_text(encoding="utf-8")},
    )
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-d", str(project / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    page = (project / "site" / "pilots" / "river-chief" / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="kb-title">河长制</h1>' in page


def test_generated_pages_can_be_written_as_plain_markdown(tmp_path):
    from pilotkb import load_catalog
    from pilotkb.site.pages import generate, write_markdown

    cat = load_catalog(FIXTURES / "bad" / "valid.yaml")
    count = write_markdown(generate(cat, Settings()), tmp_path)
    text = (tmp_path / "pilots" / "river-chief.md").read_text(encoding="utf-8")
    assert count > 10
    assert text.startswith('---\ntitle: "河长制"\n')
    assert "render_macros: false" in text
