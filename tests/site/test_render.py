"""The one Jinja environment (pilotkb/site/render.py): a missing name stops the build, data text
is escaped, links are relative to the page that shows them."""

from __future__ import annotations

import re

import jinja2
import pytest

from pilotkb import load_catalog
from pilotkb.site.charts import Chart, render_figure
from pilotkb.site.render import Renderer, environment, known, text

from ..conftest import FIXTURES, ROOT

HOSTILE = '</p><script>alert("x")</script>{{ 7*7 }}'


@pytest.fixture(scope="module")
def golden():
    return load_catalog(FIXTURES / "golden" / "pilots.yaml")


def test_a_name_the_template_does_not_get_is_an_error_not_an_empty_string(golden):
    renderer = Renderer(golden)
    with pytest.raises(jinja2.UndefinedError, match="rows"):
        renderer.render("block_reported.md.j2", "index.md")  # called without its rows
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing.attribute }}").render()


def test_data_text_is_escaped_and_its_line_breaks_stay_inside_the_block():
    assert str(text(HOSTILE)) == (
        "&lt;/p&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;{{ 7*7 }}"
    )  # shown as written, never run: neither HTML nor template code
    assert str(text("第一行\n\n第二行")) == "第一行<br>第二行"  # no blank line ends the raw HTML block
    assert str(known(None)) == '<span class="kb-unknown">未公开</span>'
    assert str(known(["甲<b>", "乙"])) == "甲&lt;b&gt;、乙"
    rendered = environment().from_string("<p>{{ name }}</p>").render(name=HOSTILE)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered  # autoescape without a filter


def test_links_are_relative_to_the_page_and_follow_the_url_style(golden):
    with_dirs, with_files = Renderer(golden), Renderer(golden, directory_urls=False)
    assert with_dirs.href("pilots/river-chief.md", "browse/all.md") == "../../browse/all/"
    assert with_files.href("pilots/river-chief.md", "browse/all.md") == "../browse/all.html"
    assert with_dirs.href("index.md", "stats/index.md", "figures") == "stats/#figures"
    assert with_dirs.facet_href("browse/index.md", "level", "省级") == "level/provincial/"
    link = with_dirs.linker("browse/all.md")("experiences", "river-chief-exp")
    assert link == '<a href="../../experiences/river-chief-exp/">河长制做法</a>'
    assert with_dirs.linker("index.md")("pilots", "river-chief", "<b>") == (
        '<a href="pilots/river-chief/">&lt;b&gt;</a>'
    )


def test_pages_and_chart_figures_share_the_one_environment(golden):
    assert Renderer(golden).env is environment() is Renderer(golden, directory_urls=False).env
    chart = Chart(id="c", title=HOSTILE, description="d", x_label="x", y_label="y", rows=[("a", 1)])
    figure = str(render_figure(chart))
    assert "<script>" not in figure and "&lt;script&gt;" in figure
    made = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "pilotkb").rglob("*.py"))
        if re.search(r"\bEnvironment\(", path.read_text(encoding="utf-8"))
    ]
    assert made == ["pilotkb/site/render.py"]
