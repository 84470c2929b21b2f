"""The editing guide names only commands, make targets and pages that exist."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from ..conftest import ROOT
from ..html_util import page_file, parse

GUIDE = (ROOT / "docs" / "guide" / "editing.md").read_text(encoding="utf-8")


def test_every_kb_command_in_the_guide_exists():
    named = set(re.findall(r"scripts/kb ([a-z][a-z-]*)", GUIDE))
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kb"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    offered = set(re.search(r"\{([a-z,-]+)\}", out).group(1).split(","))
    assert named and named <= offered, named - offered


def test_every_make_target_in_the_guide_exists():
    named = set(re.findall(r"make ([a-z][a-z-]*)", GUIDE))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    assert named and named <= targets, named - targets


def test_pages_the_guide_sends_readers_to_are_in_the_nav():
    nav = yaml.safe_load(
        re.sub(r"!ENV \[[^\]]*\]", '""', (ROOT / "mkdocs.yml").read_text(encoding="utf-8")).replace("!!", "")
    )["nav"]

    def walk(items, trail=()):
        for item in items:
            for title, value in item.items():
                if isinstance(value, list):
                    yield from walk(value, (*trail, title))
                else:
                    yield " → ".join((*trail, title))

    paths = set(walk(nav))
    for named in re.findall(r"“([^”]+ → [^”]+)”", GUIDE):
        assert named in paths, named
    assert "动态 → 更新记录" in paths


def test_the_guides_commands_are_shown_as_code_blocks(real_site):
    """Every fenced block of a guide, also those inside a numbered step, is a code block on its
    page, each line as written (not run together into a paragraph)."""
    for name in ("editing", "settings"):
        source = (ROOT / "docs" / "guide" / f"{name}.md").read_text(encoding="utf-8")
        fenced = re.findall(r"^( *)```[a-z]*\n(.*?)^\1```", source, flags=re.S | re.M)
        page = parse(page_file(real_site, f"guide/{name}/"))
        shown = [el.text for el in page.find("pre")]
        assert len(shown) == len(fenced), name
        for (indent, body), text in zip(fenced, shown, strict=True):
            lines = [ln.removeprefix(indent) for ln in body.splitlines()]
            assert text.strip("\n") == "\n".join(lines).strip("\n"), (name, lines[0])
