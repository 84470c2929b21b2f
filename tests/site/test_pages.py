"""The engine-neutral page API (pilotkb/site/pages.py): every generated page written as plain
Markdown with front matter, for another engine to read."""

from __future__ import annotations

import markdown
import yaml

from pilotkb import load_catalog
from pilotkb.settings import Settings
from pilotkb.site.pages import generate, write_markdown

from ..conftest import FIXTURES


def front_and_body(text: str) -> tuple[dict, str]:
    """How a static-site engine reads a page: YAML front matter between --- lines, then Markdown."""
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def test_every_page_is_written_where_its_source_path_says_and_reads_back(tmp_path):
    pages = generate(load_catalog(FIXTURES / "golden" / "pilots.yaml"), Settings(history_commits=0))
    out = tmp_path / "docs"
    assert write_markdown(pages, out) == len(pages)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert written == sorted(p.src_uri for p in pages)
    for page in pages:
        front, body = front_and_body((out / page.src_uri).read_text(encoding="utf-8"))
        assert front == page.front() and front["render_macros"] is False, page.src_uri
        assert body.strip() == page.text().strip(), page.src_uri
    river = front_and_body((out / "pilots" / "river-chief.md").read_text(encoding="utf-8"))
    assert river[0]["title"] == "河长制"
    html = markdown.Markdown(extensions=["attr_list", "md_in_html"]).convert(river[1])
    assert '<h1 class="kb-title">河长制</h1>' in html


def test_writing_again_replaces_each_page_whole(tmp_path):
    pages = generate(load_catalog(FIXTURES / "golden" / "pilots.yaml"), Settings(history_commits=0))
    target = tmp_path / "pilots" / "river-chief.md"
    target.parent.mkdir(parents=True)
    target.write_text("x" * 100_000, encoding="utf-8")  # longer than the page: no tail may remain
    write_markdown(pages, tmp_path)
    page = next(p for p in pages if p.src_uri == "pilots/river-chief.md")
    assert target.read_text(encoding="utf-8") == page.markdown()
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []  # no temp files
