"""The MkDocs internals ``pilotkb.mkdocs.shim`` works around, checked against the installed
MkDocs and ProperDocs: when either changes underneath, these fail before the site does."""

from __future__ import annotations

import importlib
import inspect
import logging
from pathlib import Path
from types import ModuleType
from typing import Any

import mkdocs.commands.build
import pytest
import yaml

from pilotkb.mkdocs import shim

NAV: list[Any] = [
    {"首页": "index.md"},
    {"试点一览": "browse/all.md"},
    "plain.md",
    {"关于": [{"设置": "guide/settings.md"}, {"绝对": "/abs.md"}, {"又一次": "browse/all.md"}]},
]
URIS = ["index.md", "browse/all.md", "plain.md", "guide/settings.md", "abs.md", "other.md"]


def engine(name: str, part: str) -> ModuleType:
    return importlib.import_module(f"{name}.{part}")


def load(name: str, tmp_path: Path, relative_to_docs: bool = False) -> Any:
    for uri in URIS:
        (tmp_path / "docs" / uri).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / uri).write_text("# 页\n", encoding="utf-8")
    config: dict[str, Any] = {"site_name": "t", "theme": {"name": "material"}, "plugins": [], "nav": NAV}
    if relative_to_docs:
        config["validation"] = {"nav": {"absolute_links": "relative_to_docs"}}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return engine(name, "config").load_config(config_file=str(tmp_path / "mkdocs.yml"))


def site_files(name: str, config: Any) -> Any:
    """The docs' files, each without a page yet, as MkDocs finds them."""
    return engine(name, "structure.files").get_files(config)


@pytest.mark.parametrize("relative_to_docs", [False, True], ids=["absolute-links", "relative-to-docs"])
@pytest.mark.parametrize("name", ["mkdocs", "properdocs"])
def test_the_nav_keeps_a_page_made_before_it_without_its_title_which_nav_titles_gives(
    name: str, relative_to_docs: bool, tmp_path: Path
):
    config = load(name, tmp_path, relative_to_docs)
    nav, pages = engine(name, "structure.nav"), engine(name, "structure.pages")
    fresh = nav.get_navigation(site_files(name, config), config)
    expected = {p.file.src_uri: p.title for p in fresh.pages}
    assert expected["browse/all.md"] == "试点一览" and expected["plain.md"] is None
    assert ("abs.md" in expected) == relative_to_docs

    files = site_files(name, config)
    early = {f.src_uri: pages.Page(None, f, config) for f in files}
    made = nav.get_navigation(files, config)
    assert all(p is early[p.file.src_uri] for p in made.pages)  # used as they are
    assert early["browse/all.md"].title is None  # the nav's title was not given: hence the shim

    titles = shim.nav_titles(config)
    given = {f.src_uri: pages.Page(titles.get(f.src_uri), f, config).title for f in site_files(name, config)}
    assert {uri: given[uri] for uri in expected} == expected
    assert given["other.md"] is None


@pytest.mark.parametrize("name", ["mkdocs", "properdocs"])
def test_the_nav_warns_of_unlisted_pages_only_among_those_it_made(name: str, tmp_path: Path, caplog):
    config = load(name, tmp_path)
    nav, pages = engine(name, "structure.nav"), engine(name, "structure.pages")
    with caplog.at_level(logging.INFO):
        nav.get_navigation(site_files(name, config), config)
    theirs = [r.getMessage() for r in caplog.records if r.getMessage().startswith(shim.UNLISTED)]
    assert theirs and "other.md" in theirs[0]

    caplog.clear()
    files = site_files(name, config)
    early = [pages.Page(None, f, config) for f in files]
    with caplog.at_level(logging.INFO):
        made = nav.get_navigation(files, config)
        assert not [r for r in caplog.records if r.getMessage().startswith(shim.UNLISTED)]
        shim.warn_unlisted(made, early, config)
    ours = [r for r in caplog.records if r.getMessage().startswith(shim.UNLISTED)]
    assert [r.getMessage() for r in ours] == theirs
    assert ours[0].levelno == config.validation.nav.omitted_files


@pytest.mark.parametrize("name", ["mkdocs", "properdocs"])
def test_the_dirty_build_warning_dropped_is_the_one_the_build_logs(name: str):
    build = engine(name, "commands.build")
    source = inspect.getsource(build.build)
    assert f'"{shim.DIRTY_WARNING}' in source
    assert build.log.name == build.__name__  # the logger the shim names by module


def test_quiet_dirty_warning_drops_that_warning_only():
    shim.quiet_dirty_warning()
    logger = logging.getLogger(mkdocs.commands.build.__name__)

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord(logger.name, logging.WARNING, __file__, 1, message, None, None)

    assert not logger.filter(record(shim.DIRTY_WARNING + ", this will likely lead to inaccurate navigation"))
    assert logger.filter(record("Doc file 'a.md' contains a link 'b.md', but the target is not found"))
