"""The open data of the real catalogue and of the injection fixture, made once for the
tests of this package, and the YAML-side helpers that state what each download must hold.
Expected values come from ``yaml.safe_load`` of the data, never from the code."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

import pilotkb
from pilotkb.files import write_tree
from pilotkb.publish.export import export_files
from pilotkb.publish.opendata import data_version, open_data_files

from ..conftest import FIXTURES, ROOT

DATA = ROOT / "data" / "pilots.yaml"
LICENCE = "CC-BY-4.0"
DATA_DATE = "2017-12"
COLLS = (
    "sources",
    "areas",
    "pilots",
    "experiences",
    "coverage",
    "events",
    "evaluations",
    "figures",
    "terms",
)
NESTED = {("pilots", "updates"), ("pilots", "metrics"), ("experiences", "adoptions")}
SINGULAR = {c: c[:-1] if c.endswith("s") else c for c in COLLS}
SINGULAR["coverage"] = "coverage"
# Text that a spreadsheet would run as a formula, in scalar, list and nested fields.
FORMULA_QUOTE = '公式试点=HYPERLINK("http://evil.invalid","点我")，牵头单位+1+2与@SUM(A1)，参与单位-2+3。'
FORMULA_PILOT = {
    "id": "formula",
    "name": '=HYPERLINK("http://evil.invalid","点我")',
    "lead_units": ["+1+2", "@SUM(A1)"],
    "participating_units": ["-2+3"],
    "summary": "\t=1+2",
    "goals": "\r=1+2",
    "updates": [{"text": "@SUM(A1)", "source": "s", "quote": FORMULA_QUOTE}],
    "metrics": [{"name": "+1+2", "value": "-2+3", "source": "s", "quote": FORMULA_QUOTE}],
    "source": "s",
    "quote": FORMULA_QUOTE,
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def make_open_data(path: Path, out: Path) -> dict[str, Any]:
    """Every download of the data file at ``path``, written under ``out``."""
    catalog = pilotkb.load_catalog(path)
    base = export_files(catalog)
    version = data_version(path)
    files = {
        **base,
        **open_data_files(catalog, base, licence=LICENCE, data_date=DATA_DATE, data_version=version),
    }
    write_tree(files, out)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        "catalog": catalog,
        "files": files,
        "dir": out / "downloads",
        "raw": raw,
        "version": version,
        "path": path,
    }


@pytest.fixture(scope="package")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return make_open_data(DATA, tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="package")
def inject(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The injection fixture plus a pilot whose every kind of field starts like a formula."""
    src = tmp_path_factory.mktemp("inject-src")
    shutil.copytree(FIXTURES / "inject", src, dirs_exist_ok=True)
    with (src / "source.txt").open("a", encoding="utf-8") as fh:
        fh.write(FORMULA_QUOTE + "\n")
    raw = yaml.safe_load((src / "pilots.yaml").read_text(encoding="utf-8"))
    raw["pilots"].append(FORMULA_PILOT)
    (src / "pilots.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return make_open_data(src / "pilots.yaml", tmp_path_factory.mktemp("inject"))


BOTH = ["real", "inject"]


def records(raw: dict[str, Any], coll: str) -> list[dict[str, Any]]:
    return raw.get(coll) or []


def yaml_scalar(field: str, value: Any) -> Any:
    """A YAML value as the downloads state it: dates as written (a bare year is an int in
    YAML, an unquoted full date a date), ``number`` as a float."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value) if field == "number" else str(value)
    return value


def as_list(value: Any) -> list[Any]:
    # a single quote may be written as a string
    return [value] if isinstance(value, str) else list(value)


def is_ref_list(coll: str, field: str) -> bool:
    refs = {
        "pilots": {"areas", "experiences", "coverage", "events"},
        "experiences": {"areas", "pilots", "coverage", "events"},
        "coverage": {"pilots", "experiences", "areas"},
        "events": {"pilots", "experiences", "areas"},
        "evaluations": {"pilots"},
        "figures": {"pilots", "areas"},
    }
    return field in refs.get(coll, set())


def open_db(ds: dict[str, Any]) -> sqlite3.Connection:
    """The downloaded database, read-only, rows by column name."""
    db = sqlite3.connect(f"file:{ds['dir'] / 'pilots.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def holding(raw: dict[str, Any], word: str) -> set[tuple[str, str]]:
    """Records whose own text (any string of the record) contains ``word``."""

    def strings(v: Any) -> list[str]:
        if isinstance(v, str):
            return [v]
        if isinstance(v, list):
            return [s for x in v for s in strings(x)]
        if isinstance(v, dict):
            return [s for x in v.values() for s in strings(x)]
        return []

    return {
        (coll, r["id"]) for coll in COLLS for r in records(raw, coll) if any(word in s for s in strings(r))
    }
