"""Settings: each one documented with its default, and a mistyped one stops the build."""

from __future__ import annotations

import json
import re

import pytest

from pilotkb.settings import Settings, documented

from .conftest import ROOT, build, make_project

SETTINGS_DOC = (ROOT / "docs" / "guide" / "settings.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,default,help_text", documented())
def test_every_setting_is_documented_with_its_default(name, default, help_text):
    row = next((ln for ln in SETTINGS_DOC.splitlines() if ln.startswith(f"| `{name}` |")), None)
    assert row is not None, f"setting {name} missing from docs/guide/settings.md"
    shown = json.dumps(default) if not isinstance(default, str) else default
    assert f"`{shown}`" in row
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
    with pytest.raises(Exception, match="应为正整数"):
        Settings.from_mapping({"page_size": 0})
    assert Settings.from_mapping(None) == Settings()


def _variables_read() -> set[str]:
    """Every KB_… environment variable the package, mkdocs.yml and the Makefile read."""
    names: set[str] = set()
    for path in [*(ROOT / "pilotkb").rglob("*.py"), ROOT / "mkdocs.yml", ROOT / "Makefile"]:
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"\b(KB_[A-Z_]+)\b", text))
    return names - {"KB_STAGE_TIMES", "KB_CODEQUALITY"}  # the benchmark's and CI's own plumbing


def test_every_environment_variable_is_documented():
    documented_vars = set(re.findall(r"^\| `(KB_[A-Z_]+)` \|", SETTINGS_DOC, flags=re.M))
    read = _variables_read()
    assert "KB_MAX_INPUT_MB" in read and "KB_SITE_URL" in read
    assert read <= documented_vars, f"not on docs/guide/settings.md: {sorted(read - documented_vars)}"
