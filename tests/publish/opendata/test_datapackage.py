"""``datapackage.json``: valid under ``frictionless validate`` and describing every download."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import DATA_DATE, LICENCE, records


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
    on_disk = {p.relative_to(real["dir"]).as_posix() for p in real["dir"].rglob("*") if p.is_file()}
    on_disk -= {"datapackage.json"}
    assert "sources/000_662edafe16e0ea04.txt" in on_disk  # the source text is a download too
    assert described == on_disk
    for res in pkg["resources"]:
        if res["path"].endswith(".csv"):
            coll = res["path"][:-4]
            used = {k for r in records(real["raw"], coll) for k in r}
            assert used <= {f["name"] for f in res["schema"]["fields"]}, coll
    # the validator does check the data: a reference to an unknown source fails it
    broken = tmp_path / "broken"
    shutil.copytree(real["dir"], broken)
    csv_path = broken / "pilots.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"zibo-2017-report", b"no-such-source"))
    assert _frictionless(broken / "datapackage.json").returncode != 0
