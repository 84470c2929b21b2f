"""The JSON Schema and the data dictionary are generated from the model, and agree with it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pilotkb.data.registry import REGISTRY
from pilotkb.data.schema import dictionary_rows, json_schema

from ..conftest import ENV, FIXTURES, ROOT


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
