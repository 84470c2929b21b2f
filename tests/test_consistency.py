"""Consistency: settings documented, schema generated from the model, other engines."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from pilotkb.data.registry import REGISTRY
from pilotkb.publish.export import dictionary_rows, json_schema
from pilotkb.settings import Settings, documented

from .conftest import ENV, FIXTURES, ROOT, build, make_project

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


def test_committed_json_schema_is_generated_from_the_model():
    committed = json.loads((ROOT / "schema" / "pilots.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run: scripts/kb schema schema/pilots.schema.json"
    assert set(committed["properties"]) == set(REGISTRY)


def test_data_file_points_editors_at_the_schema():
    first = (ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/pilots.schema.json"


def test_data_dictionary_lists_every_field_of_every_collection():
    tables = {name: {row[0] for row in rows} for name, _, rows in dictionary_rows()}
    for name, c in REGISTRY.items():
        assert tables[name] == set(c.model.model_fields)


def test_schema_command_writes_the_same_schema(tmp_path):
    out = tmp_path / "s.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "kb"), "schema", str(out)], check=True, env=ENV)
    assert json.loads(out.read_text(encoding="utf-8")) == json_schema()


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


def test_csv_cells_never_start_a_formula_and_json_keeps_values(tmp_path):
    import csv
    import io

    from pilotkb import load_catalog
    from pilotkb.publish.export import export_files

    text = (
        (FIXTURES / "bad" / "valid.yaml")
        .read_text(encoding="utf-8")
        .replace("    name: 河长制", "    name: '=HYPERLINK(\"http://x\")'")
    )
    (tmp_path / "pilots.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "source.txt").write_text((FIXTURES / "bad" / "source.txt").read_text(encoding="utf-8"))
    files = export_files(load_catalog(tmp_path / "pilots.yaml"))
    rows = list(csv.DictReader(io.StringIO(files["downloads/pilots.csv"].decode("utf-8-sig"))))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert json.loads(files["downloads/pilots.json"])["pilots"][0]["name"] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    "path,valid",
    [
        (ROOT / "data" / "pilots.yaml", True),
        (FIXTURES / "golden" / "pilots.yaml", True),
        (FIXTURES / "inject" / "pilots.yaml", True),
        (FIXTURES / "bad" / "enum.yaml", False),
        (FIXTURES / "bad" / "unknown_field.yaml", False),
        (FIXTURES / "bad" / "missing.yaml", False),
    ],
)
def test_editors_schema_agrees_with_the_validator(path, valid):
    """What a YAML editor underlines with the schema is what scripts/kb check rejects."""
    import jsonschema

    from pilotkb.data.load import load

    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(load(path).data))
    assert (errors == []) is valid, [e.message for e in errors]
