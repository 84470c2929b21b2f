"""Edit and source links: with the repository's address known (KB_REPO_URL, as CI sets it),
every record page links to its own line of the data file and to the forge's editor, and the
hand-written pages get Material's edit button; without it, none of that and no address.

The site is built with ``mkdocs build --strict`` from a copy of the project, once with a
GitHub and once with a GitLab address. Expected lines are found in the data file's text.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lxml import html as lhtml

from ..conftest import ENV, ROOT, make_project

DATA = (ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8")
RAW = yaml.safe_load(DATA)
FORGES = {
    "github": ("https://github.com/press/pilotkb", "/"),
    "gitlab": ("https://gitlab.example.org/press/pilotkb", "/-/"),
}


def id_line(coll: str, rid: str) -> int:
    """The line of ``- id: rid`` in the collection's part of the data file."""
    lines = DATA.splitlines()
    start = lines.index(f"{coll}:")
    return next(i for i, ln in enumerate(lines[start:], start + 1) if ln.endswith(f"- id: {rid}"))


def build_with(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(project / "site")]
    return subprocess.run(cmd, cwd=project, env={**ENV, **env}, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module", params=sorted(FORGES))
def forge_site(request, tmp_path_factory) -> tuple[str, str, Path]:
    """(forge, its address, the site built with KB_REPO_URL / KB_REPO_BRANCH / KB_REPO_KIND)."""
    kind = request.param
    url, _ = FORGES[kind]
    project = make_project(tmp_path_factory.mktemp(kind))
    config = project / "mkdocs.yml"  # the links do not depend on the search index
    config.write_text(
        config.read_text(encoding="utf-8").replace("    search: true\n", "    search: false\n"),
        encoding="utf-8",
    )
    env = {"KB_REPO_URL": url, "KB_REPO_BRANCH": "main"}
    if kind == "gitlab":  # not gitlab.com: the CI file says which forge it is
        env["KB_REPO_KIND"] = "gitlab"
    result = build_with(project, **env)
    assert result.returncode == 0, result.stderr[-3000:]
    return kind, url, project / "site"


def page(site: Path, path: str) -> lhtml.HtmlElement:
    return lhtml.fromstring((site / path / "index.html").read_bytes())


def having(doc: lhtml.HtmlElement, cls: str, tag: str = "*") -> list[lhtml.HtmlElement]:
    """The ``tag`` elements of ``doc`` with class ``cls``."""
    return doc.xpath(f'//{tag}[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]')


def test_every_pilot_page_links_to_its_line_and_to_the_editor(forge_site):
    kind, url, site = forge_site
    sep = FORGES[kind][1]
    linked = 0
    for pilot in RAW["pilots"]:
        doc = page(site, f"pilots/{pilot['id']}")
        line = having(doc, "kb-edit__line", "a")
        editor = having(doc, "kb-edit__editor", "a")
        assert len(line) == 1 and len(editor) == 1, pilot["id"]
        n = id_line("pilots", pilot["id"])
        assert line[0].get("href") == f"{url}{sep}blob/main/data/pilots.yaml#L{n}"
        assert editor[0].get("href") == f"{url}{sep}edit/main/data/pilots.yaml"
        assert f"第 {n} 行" in having(doc, "kb-edit", "p")[0].text_content()
        assert ("GitHub" if kind == "github" else "GitLab") in editor[0].text_content()
        # a generated page has no edit button of its own: there is no docs/ file to edit
        assert not doc.xpath('//a[@rel="edit"]')
        linked += 1
    assert linked == len(RAW["pilots"]) > 30


def test_every_record_page_of_every_collection_has_the_links(forge_site):
    kind, url, site = forge_site
    for coll in ("experiences", "coverage", "events", "areas", "sources"):
        for rec in RAW[coll]:
            doc = page(site, f"{coll}/{rec['id']}")
            (line,) = having(doc, "kb-edit__line", "a")
            assert line.get("href").endswith(f"data/pilots.yaml#L{id_line(coll, rec['id'])}"), rec["id"]


def test_hand_written_pages_get_materials_edit_button(forge_site):
    kind, url, site = forge_site
    sep = FORGES[kind][1]
    for path, source in [("guide/editing", "guide/editing.md"), ("", "index.md")]:
        (button,) = [a for a in having(page(site, path), "md-content__button", "a") if a.get("rel") == "edit"]
        assert button.get("href") == f"{url}{sep}edit/main/docs/{source}"
    # no repository widget in the header: it would fetch star counts from the forge's API
    assert not having(page(site, ""), "md-source")


def test_without_the_repository_address_there_are_no_such_links(real_site):
    pages = list(real_site.rglob("*.html"))
    assert len(pages) > 100
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "kb-edit" not in text and 'rel="edit"' not in text, path
        assert not re.search(r'href="[^"]*/(?:-/)?(?:blob|edit)/', text), path


def test_a_bad_repository_address_stops_the_build_with_a_clear_message(tmp_path):
    project = make_project(tmp_path)
    result = build_with(project, KB_REPO_URL="git@github.com:press/pilotkb.git")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (
        "extra.kb: repo_url: 地址不对（'git@github.com:press/pilotkb.git'）；允许：仓库首页地址"
        in result.stderr
    )
    result = build_with(project, KB_REPO_URL="https://git.example.org/press/pilotkb")
    assert (
        "repo_kind: 无法从地址 https://git.example.org/press/pilotkb 判断代码托管平台；允许：github、gitlab"
        in (result.stderr)
    )
