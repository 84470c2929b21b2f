"""Text from data is never markup: each known trap, in the built HTML and in a browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import FIXTURES, TITLE_BREAK
from ..html_util import parse

TRAPS = FIXTURES / "inject"


def all_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_title_break_shows_as_text_in_title_h1_and_meta(inject_site):
    path = inject_site / "pilots" / "title-break" / "index.html"
    raw = path.read_text(encoding="utf-8")
    page = parse(path)
    assert page.title == f"{TITLE_BREAK} - 试点经验库"
    assert [h.text for h in page.find("h1")] == [TITLE_BREAK]
    description = page.find("meta", name="description")[0].attrs["content"]
    assert TITLE_BREAK in description
    assert "<script>alert" not in raw


def test_no_page_carries_an_injected_script_handler_or_javascript_link(inject_site):
    for path in all_pages(inject_site):
        raw = path.read_text(encoding="utf-8")
        assert "<script>alert" not in raw, path
        assert "<img src=x" not in raw, path
        assert "<b>粗体区</b>" not in raw, path
        for el in parse(path).elements:
            for name, value in el.attrs.items():
                assert not name.startswith("on"), (path, el.tag, name)
                if name in ("href", "src"):
                    assert not (value or "").strip().lower().startswith("javascript:"), (path, value)


def test_markdown_link_and_attribute_list_stay_text(inject_site):
    page = parse(inject_site / "pilots" / "title-break" / "index.html")
    summary = page.find("p", class_="kb-summary")[0].text
    assert summary == "[x](javascript:alert(1)) {: onclick=alert(1) }"
    exp = parse(inject_site / "experiences" / "js-link" / "index.html")
    assert exp.find("h1")[0].text == "[x](javascript:alert(1))"
    cov = parse(inject_site / "coverage" / "attr-list" / "index.html")
    assert cov.find("h1")[0].text.startswith("{: onclick=alert(1) }")


def test_template_code_in_data_is_never_rendered(inject_site):
    page = parse(inject_site / "pilots" / "template" / "index.html")
    assert page.find("h1")[0].text == "{{ 7*7 }}"
    assert page.title == "{{ 7*7 }} - 试点经验库"
    assert page.find("p", class_="kb-summary")[0].text == "{% for x in range(3) %}循环{% endfor %}"
    home = parse(inject_site / "index.html")
    article = "".join(a.text for a in home.find("article"))
    assert "{{ 7*7 }}" in article  # the figure shown through mkdocs-macros stays text
    for path in all_pages(inject_site):
        assert not re.search(r">\s*49\s*<", path.read_text(encoding="utf-8")), path
        assert "循环循环循环" not in path.read_text(encoding="utf-8"), path


def test_area_names_in_links_and_navigation_are_text(inject_site):
    page = parse(inject_site / "areas" / "index.html")
    names = [a.text for a in page.find("a") if (a.attrs.get("href") or "").startswith("bold/")]
    assert "<b>粗体区</b>" in names


@pytest.mark.browser
def test_no_dialog_fires_in_a_real_browser(inject_site, browser_page, serve):
    base = serve(inject_site)
    dialogs: list[str] = []
    browser_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in all_pages(inject_site):
        url = base + "/" + path.relative_to(inject_site).as_posix()
        browser_page.goto(url)
        browser_page.wait_for_load_state("load")
    assert dialogs == []
    browser_page.goto(base + "/pilots/title-break/")
    assert browser_page.title() == f"{TITLE_BREAK} - 试点经验库"
    assert browser_page.locator("h1").inner_text() == TITLE_BREAK
