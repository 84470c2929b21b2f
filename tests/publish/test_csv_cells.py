"""Exports opened in a spreadsheet: no cell starts a formula; JSON keeps the value."""

from __future__ import annotations

import json

from ..conftest import FIXTURES


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
