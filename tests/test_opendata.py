"""Open data: every record and field in JSON, CSV, XLSX and SQLite; SQLite joins, foreign keys
and Chinese full-text search; datapackage.json valid under ``frictionless validate``;
citations. Expected values come from ``yaml.safe_load`` of the data, never from the code."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
import yaml
from openpyxl.utils.escape import unescape

import pilotkb
from pilotkb.data.registry import DataFile as Catalogue
from pilotkb.files import write_tree
from pilotkb.publish import cite
from pilotkb.publish.export import export_files
from pilotkb.publish.opendata import data_version, downloads_context, open_data_files

from .conftest import FIXTURES, ROOT

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


def _make(path: Path, out: Path) -> dict[str, Any]:
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


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _make(DATA, tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def inject(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The injection fixture plus a pilot whose every kind of field starts like a formula."""
    src = tmp_path_factory.mktemp("inject-src")
    shutil.copytree(FIXTURES / "inject", src, dirs_exist_ok=True)
    with (src / "source.txt").open("a", encoding="utf-8") as fh:
        fh.write(FORMULA_QUOTE + "\n")
    raw = yaml.safe_load((src / "pilots.yaml").read_text(encoding="utf-8"))
    raw["pilots"].append(FORMULA_PILOT)
    (src / "pilots.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return _make(src / "pilots.yaml", tmp_path_factory.mktemp("inject"))


BOTH = ["real", "inject"]


def _records(raw: dict[str, Any], coll: str) -> list[dict[str, Any]]:
    return raw.get(coll) or []


def _scalar(field: str, value: Any) -> Any:
    """A YAML value as the downloads state it: dates as written (a bare year is an int in
    YAML, an unquoted full date a date), ``number`` as a float."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value) if field == "number" else str(value)
    return value


def _as_list(value: Any) -> list[Any]:
    # a single quote may be written as a string
    return [value] if isinstance(value, str) else list(value)


def _is_ref_list(coll: str, field: str, value: Any) -> bool:
    refs = {
        "pilots": {"areas", "experiences", "coverage", "events"},
        "experiences": {"areas", "pilots", "coverage", "events"},
        "coverage": {"pilots", "experiences", "areas"},
        "events": {"pilots", "experiences", "areas"},
        "evaluations": {"pilots"},
        "figures": {"pilots", "areas"},
    }
    return field in refs.get(coll, set())


# --- JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", BOTH)
def test_json_download_gives_back_the_yaml_records(which, request):
    ds = request.getfixturevalue(which)
    from_json = Catalogue.model_validate(json.loads(ds["files"]["downloads/pilots.json"]))
    from_yaml = Catalogue.model_validate(ds["raw"])
    assert from_json == from_yaml
    for coll in COLLS:
        assert [r.id for r in getattr(from_json, coll)] == [r["id"] for r in _records(ds["raw"], coll)]


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize("which", BOTH)
def test_csv_has_every_record_and_every_field(which, request):
    ds = request.getfixturevalue(which)
    for coll in COLLS:
        text = (ds["dir"] / f"{coll}.csv").read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert [r["id"] for r in rows] == [r["id"] for r in _records(ds["raw"], coll)], coll
        used = {k for r in _records(ds["raw"], coll) for k in r}
        assert used <= set(rows[0] if rows else []), (coll, used - set(rows[0] if rows else []))
    if which == "inject":
        text = (ds["dir"] / "pilots.csv").read_bytes().decode("utf-8-sig")
        row = next(r for r in csv.DictReader(io.StringIO(text, newline="")) if r["id"] == "formula")
        # inert, and a carriage return inside a value does not break the row
        assert row["goals"] == "'\r=1+2" and row["summary"] == "'\t=1+2"
        assert row["lead_units"] == "'+1+2；@SUM(A1)"


# --- XLSX ------------------------------------------------------------------------------


def _sheet_rows(ws: Any) -> tuple[list[str], list[dict[str, Any]]]:
    # OOXML writes a control character as _xHHHH_ (XML cannot keep a bare CR); Excel reads it
    # back as the character, openpyxl leaves that to us
    rows = [[unescape(v) if isinstance(v, str) else v for v in r] for r in ws.iter_rows(values_only=True)]
    header = list(rows[0])
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("which", BOTH)
def test_xlsx_has_every_record_and_field_with_its_value(which, request):
    ds = request.getfixturevalue(which)
    wb = openpyxl.load_workbook(ds["dir"] / "pilots.xlsx")
    assert wb.sheetnames[0] == "说明"
    for coll in COLLS:
        header, rows = _sheet_rows(wb[coll])
        recs = _records(ds["raw"], coll)
        assert [r["id"] for r in rows] == [r["id"] for r in recs], coll
        assert wb[coll].freeze_panes == "A2", coll
        for rec, row in zip(recs, rows, strict=True):
            for field, value in rec.items():
                assert field in header, (coll, field)
                if (coll, field) in NESTED:
                    assert row[field] == len(value)
                    _, items = _sheet_rows(wb[f"{coll}.{field}"])
                    mine = [i for i in items if i[f"{SINGULAR[coll]}_id"] == rec["id"]]
                    assert [i["position"] for i in mine] == list(range(1, len(value) + 1))
                    for item, got in zip(value, mine, strict=True):
                        for k, v in item.items():
                            want = (
                                "；".join(_as_list(v))
                                if isinstance(v, list) or k == "quote"
                                else _scalar(k, v)
                            )
                            assert got[k] == want, (coll, rec["id"], field, k)
                elif isinstance(value, list) or field == "quote":
                    assert row[field] == ("；".join(str(v) for v in _as_list(value)) or None), (coll, field)
                else:
                    assert row[field] == _scalar(field, value), (coll, rec["id"], field)


def test_xlsx_about_sheet_states_licence_date_version_and_field_descriptions(real):
    ws = openpyxl.load_workbook(real["dir"] / "pilots.xlsx")["说明"]
    text = "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert LICENCE in text and "署名 4.0 国际" in text
    assert DATA_DATE in text
    assert real["version"] == hashlib.sha256(DATA.read_bytes()).hexdigest()[:12]
    assert real["version"] in text
    for desc in ("试点名称", "牵头单位", "推广采纳链条", "数据时点", "载体类别"):
        assert desc in text


def test_xlsx_formula_looking_text_is_a_string_cell_never_a_formula(inject):
    wb = openpyxl.load_workbook(inject["dir"] / "pilots.xlsx")
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                value = unescape(cell.value) if isinstance(cell.value, str) else cell.value
                if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    assert cell.data_type == "s"
                    seen.add(value)
    # each one kept exactly as written (no apostrophe needed in a string cell)
    assert {
        FORMULA_PILOT["name"],
        "+1+2；@SUM(A1)",
        "-2+3",
        "\t=1+2",
        "\r=1+2",
        "@SUM(A1)",
        "+1+2",
    } <= seen
    header, rows = _sheet_rows(wb["pilots"])
    row = next(r for r in rows if r["id"] == "formula")
    assert row["name"] == FORMULA_PILOT["name"]


def test_downloads_are_the_same_bytes_on_every_build(real, tmp_path):
    again = _make(DATA, tmp_path)
    for name in ("pilots.xlsx", "pilots.db", "datapackage.json", "pilots.metadata.json"):
        assert (again["dir"] / name).read_bytes() == (real["dir"] / name).read_bytes(), name


# --- SQLite ----------------------------------------------------------------------------


def _db(ds: dict[str, Any]) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{ds['dir'] / 'pilots.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


@pytest.mark.parametrize("which", BOTH)
def test_sqlite_join_of_pilots_to_their_coverage(which, request):
    ds = request.getfixturevalue(which)
    raw = ds["raw"]
    # links are declared on either side: the pilot's coverage list or the report's pilots list
    want = {(p["id"], c) for p in _records(raw, "pilots") for c in p.get("coverage") or []}
    want |= {(p, c["id"]) for c in _records(raw, "coverage") for p in c.get("pilots") or []}
    got = set(
        tuple(r)
        for r in _db(ds).execute(
            """
            SELECT p.id, c.id FROM pilots p
              JOIN pilot_coverage l ON l.pilot_id = p.id JOIN coverage c ON c.id = l.coverage_id
            UNION
            SELECT p.id, c.id FROM coverage c
              JOIN coverage_pilots l ON l.coverage_id = c.id JOIN pilots p ON p.id = l.pilot_id
            """
        )
    )
    assert got == want
    if which == "real":
        assert len(want) >= 5  # the test is not vacuous


@pytest.mark.parametrize("which", BOTH)
def test_sqlite_foreign_keys_are_declared_and_hold(which, request):
    db = _db(request.getfixturevalue(which))
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = {
        (table, r["from"], r["table"])
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for r in db.execute(f"PRAGMA foreign_key_list('{table}')")
    }
    for expected in (
        ("pilot_areas", "pilot_id", "pilots"),
        ("pilot_areas", "area_id", "areas"),
        ("pilot_coverage", "coverage_id", "coverage"),
        ("experience_pilots", "pilot_id", "pilots"),
        ("areas", "parent", "areas"),
        ("pilots", "source", "sources"),
        ("pilot_updates", "pilot_id", "pilots"),
        ("experience_adoptions", "source", "sources"),
    ):
        assert expected in fks


@pytest.mark.parametrize("which", BOTH)
def test_sqlite_has_every_record_and_field_with_its_value(which, request):
    ds = request.getfixturevalue(which)
    db = _db(ds)
    for coll in COLLS:
        owner = f"{SINGULAR[coll]}_id"
        rows = db.execute(f"SELECT * FROM {coll} ORDER BY rowid").fetchall()
        recs = _records(ds["raw"], coll)
        assert [r["id"] for r in rows] == [r["id"] for r in recs], coll
        pk = [r["name"] for r in db.execute(f"PRAGMA table_info('{coll}')") if r["pk"]]
        assert pk == ["id"]
        for rec, row in zip(recs, rows, strict=True):
            for field, value in rec.items():
                if (coll, field) in NESTED:
                    items = db.execute(
                        f"SELECT * FROM {SINGULAR[coll]}_{field} WHERE {owner} = ? ORDER BY position",
                        (rec["id"],),
                    ).fetchall()
                    assert len(items) == len(value)
                    for item, got in zip(value, items, strict=True):
                        for k, v in item.items():
                            want = _as_list(v) if isinstance(v, list) or k == "quote" else _scalar(k, v)
                            have = json.loads(got[k]) if isinstance(want, list) else got[k]
                            assert have == want, (coll, rec["id"], field, k)
                elif _is_ref_list(coll, field, value):
                    target = [c for c in db.execute(f"PRAGMA table_info('{SINGULAR[coll]}_{field}')")][2][
                        "name"
                    ]
                    links = db.execute(
                        f"SELECT {target} FROM {SINGULAR[coll]}_{field} WHERE {owner} = ? ORDER BY position",
                        (rec["id"],),
                    ).fetchall()
                    assert [r[0] for r in links] == list(value), (coll, rec["id"], field)
                elif isinstance(value, list) or field == "quote":
                    assert json.loads(row[field]) == _as_list(value), (coll, rec["id"], field)
                else:
                    assert row[field] == _scalar(field, value), (coll, rec["id"], field)


def _holding(raw: dict[str, Any], word: str) -> set[tuple[str, str]]:
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
        (coll, r["id"]) for coll in COLLS for r in _records(raw, coll) if any(word in s for s in strings(r))
    }


def test_sqlite_full_text_finds_chinese_words(real):
    db = _db(real)

    def search(table: str, query: str) -> set[tuple[str, str]]:
        return set(
            tuple(r)
            for r in db.execute(
                f"SELECT d.collection, d.record_id FROM {table} JOIN documents d ON d.rowid = {table}.rowid "
                f"WHERE {table} MATCH ?",
                (query,),
            )
        )

    for word in ("河长制", "改革试点", "资产收益扶贫"):
        want = _holding(real["raw"], word)
        assert want, word
        assert search("documents_fts", word) == want, word
    # two-character words: found by the word index (the trigram index needs three)
    for word in ("扶贫", "淄川"):
        want = _holding(real["raw"], word)
        assert want, word
        assert search("documents_fts", word) == set()
        got = search("documents_words", word)
        assert got <= want
        assert len(got) >= 0.8 * len(want), (word, sorted(want - got))
    assert ("pilots", "poverty-reform-experimental-zone") in search("documents_words", "扶贫")


# --- Frictionless ----------------------------------------------------------------------


def _frictionless(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_datapackage_is_valid_and_describes_every_download(real, tmp_path):
    result = _frictionless(real["dir"] / "datapackage.json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    pkg = json.loads((real["dir"] / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["licenses"][0]["name"] == LICENCE
    assert pkg["data_date"] == DATA_DATE and pkg["version"] == real["version"]
    described = {r["path"] for r in pkg["resources"]}
    on_disk = {p.name for p in real["dir"].iterdir()} - {"datapackage.json"}
    assert described == on_disk
    for res in pkg["resources"]:
        if res["path"].endswith(".csv"):
            coll = res["path"][:-4]
            used = {k for r in _records(real["raw"], coll) for k in r}
            assert used <= {f["name"] for f in res["schema"]["fields"]}, coll
    # the validator does check the data: a reference to an unknown source fails it
    broken = tmp_path / "broken"
    shutil.copytree(real["dir"], broken)
    csv_path = broken / "pilots.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"zibo-2017-report", b"no-such-source"))
    assert _frictionless(broken / "datapackage.json").returncode != 0


# --- citations ---------------------------------------------------------------------------

# The parts of the CSL-JSON schema (citation-style-language/schema, csl-data.json) used here.
CSL_ITEM = {
    "type": "object",
    "required": ["id", "type"],
    "properties": {
        "id": {"type": ["string", "number"]},
        "type": {"enum": ["webpage", "dataset"]},
        "title": {"type": "string"},
        "container-title": {"type": "string"},
        "publisher": {"type": "string"},
        "genre": {"type": "string"},
        "version": {"type": "string"},
        "language": {"type": "string"},
        "URL": {"type": "string", "pattern": "^https?://"},
        "author": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"literal": {"type": "string"}, "family": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "issued": {
            "type": "object",
            "properties": {
                "date-parts": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3},
                    "minItems": 1,
                    "maxItems": 2,
                }
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}


def _pilot_citation(catalog: Any, pid: str, url: str | None, version: str) -> dict[str, str | bytes]:
    return cite.citation(
        catalog.pilots[pid].name, "试点", url, "试点经验库", DATA_DATE, version, key=f"pilots-{pid}"
    )


def test_citation_of_a_case_page_parses_as_csl_json_with_url_and_version(real):
    raw_pilot = _records(real["raw"], "pilots")[0]
    url = cite.page_url("https://kb.example.org/", f"pilots/{raw_pilot['id']}/")
    c = _pilot_citation(real["catalog"], raw_pilot["id"], url, real["version"])
    items = json.loads(c["csl.json"])
    jsonschema.validate(items, {"type": "array", "items": CSL_ITEM, "minItems": 1})
    (item,) = items
    assert item["title"] == raw_pilot["name"]
    assert item["URL"] == f"https://kb.example.org/pilots/{raw_pilot['id']}/"
    assert item["version"] == real["version"]
    assert item["issued"] == {"date-parts": [[2017, 12]]}
    text = c["gbt7714"]
    assert isinstance(text, str)
    assert text == (
        f"试点经验库. {raw_pilot['name']}：试点记录（数据版本 {real['version']}）[EB/OL]. "
        f"({DATA_DATE})[引用日期]. https://kb.example.org/pilots/{raw_pilot['id']}/."
    )
    assert f"url = {{{url}}}" in c["bib"].decode()
    assert f"UR  - {url}\r\n" in c["ris"].decode()


def test_citation_without_a_site_address_has_no_url_at_all(real):
    pid = _records(real["raw"], "pilots")[0]["id"]
    assert cite.page_url(None, f"pilots/{pid}/") is None
    assert cite.page_url("", f"pilots/{pid}/") is None
    c = _pilot_citation(real["catalog"], pid, cite.page_url(None, f"pilots/{pid}/"), real["version"])
    (item,) = json.loads(c["csl.json"])
    jsonschema.validate(item, CSL_ITEM)
    assert "URL" not in item
    for form, body in c.items():
        text = body.decode() if isinstance(body, bytes) else body
        assert "http" not in text and pid not in text.replace(f"pilotkb-pilots-{pid}", ""), form


def test_citation_of_injected_text_stays_text(inject):
    title = inject["catalog"].pilots["template"].name  # "{{ 7*7 }}"
    c = cite.citation(
        title + "}\n%", "试点", None, "试点经验库", None, inject["version"], key="pilots-template"
    )
    bib = c["bib"].decode()
    # braces balanced inside every field: the title cannot close its field early
    for line in bib.splitlines()[1:-1]:
        value = line.split(" = ", 1)[1].rstrip(",")
        depth = 0
        for i, ch in enumerate(value):
            if ch in "{}" and (i == 0 or value[i - 1] != "\\"):
                depth += 1 if ch == "{" else -1
                assert depth > 0 or i == len(value) - 1, line
        assert depth == 0, line
    assert "\n%" not in bib
    ris_lines = c["ris"].decode().split("\r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in ris_lines if line), ris_lines
    (item,) = json.loads(c["csl.json"])
    assert item["title"] == "{{ 7*7 }}} %"
    files = cite.download_links(c)
    assert set(files) == {"csl.json", "bib", "ris"}
    assert all(v.startswith("data:") and "<" not in v and '"' not in v for v in files.values())


# --- the downloads page -------------------------------------------------------------------


def test_downloads_page_lists_every_file_with_size_count_licence_and_version(real):
    from pilotkb.site.render import environment as _env

    ctx = downloads_context(
        real["catalog"], real["files"], licence=LICENCE, data_date=DATA_DATE, data_version=real["version"]
    )
    html_text = _env().get_template("about_downloads.md.j2").render(href=lambda to, anchor="": "../", **ctx)
    rows = re.findall(
        r"<li class=\"kb-card\" data-kb-file=\"[^\"]+\"><p class=\"kb-card__title\"><a href=\"\.\./downloads/([^\"]+)\" download>.*?</li>",
        html_text,
    )
    on_disk = {p.name for p in real["dir"].iterdir()}
    assert set(rows) == on_disk
    for coll in COLLS:
        n = len(_records(real["raw"], coll))
        row = re.search(rf'href="\.\./downloads/{coll}\.csv".*?</li>', html_text).group(0)
        assert f"<span data-kb-records>{n}</span>" in row, (coll, row)
    total = sum(len(_records(real["raw"], c)) for c in COLLS)
    for name in ("pilots.json", "pilots.xlsx", "pilots.db"):
        row = re.search(rf'href="\.\./downloads/{re.escape(name)}".*?</li>', html_text).group(0)
        assert f"<span data-kb-records>{total}</span>" in row, row
        size = (real["dir"] / name).stat().st_size
        shown = re.findall(r"<span data-kb-size>([\d.]+) (B|KB|MB)</span>", row)[0]
        factor = {"B": 1, "KB": 1024, "MB": 1024 * 1024}[shown[1]]
        assert abs(float(shown[0]) * factor - size) <= 0.05 * factor + 1, (name, shown, size)
    assert "署名 4.0 国际" in html_text and DATA_DATE in html_text and real["version"] in html_text


def test_citation_block_escapes_the_title_and_its_links_download_the_citation(inject):
    import base64

    from pilotkb.site.render import environment as _env

    title = inject["catalog"].pilots["title-break"].name  # </title><script>alert(1)</script>
    c = cite.citation(title, "试点", "https://kb.example.org/pilots/title-break/", "试点经验库", None, "v1")
    files = cite.download_links(c)
    macro = _env().from_string('{% import "_cite.j2" as k %}{{ k.citation(c, files, stem) }}')
    out = macro.render(c=c, files=files, stem="pilotkb-pilots-title-break")
    assert "<script>" not in out and "&lt;/title&gt;&lt;script&gt;" in out
    links = dict(re.findall(r'href="(data:[^"]+)" download="[^"]+\.(json|bib|ris)"', out))
    assert len(links) == 3
    by_ext = {ext: base64.b64decode(href.split(",", 1)[1]) for href, ext in links.items()}
    (item,) = json.loads(by_ext["json"])
    jsonschema.validate(item, CSL_ITEM)
    assert item["title"] == title and item["URL"] == "https://kb.example.org/pilots/title-break/"
    assert by_ext["bib"].startswith(b"@misc{") and by_ext["ris"].startswith(b"TY  - ELEC")
