"""Settings: each one documented with its default, and a mistyped one stops the build."""

from __future__ import annotations

import json
import re

import pytest

from pilotkb import DataError
from pilotkb.settings import Settings, documented

from .conftest import ROOT, build, make_project

SETTINGS_DOC = (ROOT / "docs" / "guide" / "settings.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,default,help_text", documented())
def test_every_setting_is_documented_with_its_default(name, default, help_text):
    row = next((ln for ln in SETTINGS_DOC.splitlines() if ln.startswith(f"| `{name}` |")), None)
    assert row is not None, f"setting {name} missing from docs/guide/settings.md"
    shown = json.dumps(default) if not isinstance(default, str) else default
    assert (f"`{shown}`" if shown else "| （空） |") in row
    assert help_text and help_text in row


def test_every_documented_setting_exists():
    names = re.findall(r"^\| `([a-z_]+)` \|", SETTINGS_DOC, flags=re.M)
    assert sorted(names) == sorted(n for n, _, _ in documented())


def test_unknown_or_mistyped_setting_stops_the_build(tmp_path):
    project = make_project(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "    page_size: 50", "    page_size: many\n    colour: red"
        ),
        encoding="utf-8",
    )
    result = build(project)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "page_size: 类型不对" in result.stderr
    assert "colour: 未知设置" in result.stderr


def test_settings_reject_bad_values():
    with pytest.raises(DataError) as caught:
        Settings.from_mapping({"page_size": 0})
    [problem] = caught.value.problems
    assert (problem.record, problem.field) == ("extra.kb", "page_size")
    assert problem.message.startswith("应为正整数")
    assert Settings.from_mapping(None) == Settings()


def _variables_read() -> set[str]:
    """Every KB_… environment variable the package, mkdocs.yml and the Makefile read."""
    names: set[str] = set()
    for path in [*(ROOT / "pilotkb").rglob("*.py"), ROOT / "mkdocs.yml", ROOT / "Makefile"]:
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"\b(KB_[A-Z_]+)\b", text))
    return names - {"KB_STAGE_TIMES", "KB_CODEQUALITY"}  # the benchmark's and CI's own plumbing


def test_every_environment_variable_is_documented():
    rows = re.findall(r"^\| (`KB_[^|]+) \|", SETTINGS_DOC, flags=re.M)
    documented_vars = {name for row in rows for name in re.findall(r"`(KB_[A-Z_]+)`", row)}
    read = _variables_read()
    assert "KB_MAX_INPUT_MB" in read and "KB_SITE_URL" in read
    assert read <= documented_vars, f"not on docs/guide/settings.md: {sorted(read - documented_vars)}"


@pytest.mark.parametrize(
    ("raw", "blob", "edit"),
    [
        (
            {"repo_url": "https://github.com/press/pilotkb/"},
            "https://github.com/press/pilotkb/blob/main/data/pilots.yaml#L12",
            "https://github.com/press/pilotkb/edit/main/data/pilots.yaml",
        ),
        (
            {"repo_url": "https://gitlab.com/press/kb.git", "repo_branch": "发布/2026"},
            "https://gitlab.com/press/kb/-/blob/%E5%8F%91%E5%B8%83/2026/data/pilots.yaml#L12",
            "https://gitlab.com/press/kb/-/edit/%E5%8F%91%E5%B8%83/2026/data/pilots.yaml",
        ),
        (
            {"repo_url": "https://code.example.org/press/kb", "repo_kind": "gitlab", "repo_branch": ""},
            "https://code.example.org/press/kb/-/blob/main/data/pilots.yaml#L12",
            "https://code.example.org/press/kb/-/edit/main/data/pilots.yaml",
        ),
    ],
    ids=["github", "gitlab-com", "self-hosted-gitlab"],
)
def test_repository_links_follow_each_forges_conventions(raw, blob, edit):
    forge = Settings.from_mapping(raw).forge
    assert forge.blob("data/pilots.yaml", 12) == blob and forge.edit("data/pilots.yaml") == edit
    assert Settings.from_mapping({"repo_url": ""}).forge is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"repo_url": "javascript:alert(1)"}, "repo_url: 地址不对"),
        ({"repo_url": "https://token@github.com/press/kb"}, "repo_url: 地址不对"),
        ({"repo_url": "https://git.example.org/press/kb"}, "repo_kind: 无法从地址"),
        ({"repo_url": "https://github.com/press/kb", "repo_kind": "gitea"}, "repo_kind: 取值“gitea”无效"),
        ({"repo_url": "https://github.com/press/kb", "repo_branch": "a b"}, "repo_branch: 分支名不对"),
        ({"repo_url": "https://github.com/press/kb", "repo_branch": "../x"}, "repo_branch: 分支名不对"),
    ],
)
def test_a_bad_repository_setting_is_refused_with_what_to_write(raw, message):
    with pytest.raises(DataError) as info:
        Settings.from_mapping(raw)
    assert message in info.value.report() and "允许：" in info.value.report()
