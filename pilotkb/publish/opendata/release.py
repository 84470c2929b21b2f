"""What every open-data download states about itself (licence, data date, data version), and
where the open-data downloads live in the site (the exports' paths: ``pilotkb.publish.export``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pilotkb.publish.export import DOWNLOADS

XLSX_PATH = f"{DOWNLOADS}/pilots.xlsx"
SQLITE_PATH = f"{DOWNLOADS}/pilots.db"
DATASETTE_PATH = f"{DOWNLOADS}/pilots.metadata.json"
DATAPACKAGE_PATH = f"{DOWNLOADS}/datapackage.json"
# what open_data_files makes (known before it runs: a second process may be making them)
OPEN_DATA_PATHS = (XLSX_PATH, SQLITE_PATH, DATASETTE_PATH, DATAPACKAGE_PATH)


# Licences a site is likely to choose: SPDX id -> (Chinese title, English title, deed URL).
LICENCES: dict[str, tuple[str, str, str]] = {
    "CC-BY-4.0": (
        "署名 4.0 国际",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "署名—相同方式共享 4.0 国际",
        "Creative Commons Attribution Share-Alike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": (
        "CC0 1.0 通用（公共领域贡献）",
        "Creative Commons Zero v1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODbL-1.0": (
        "开放数据库许可 1.0",
        "Open Data Commons Open Database License v1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}


@dataclass(frozen=True)
class Release:
    """What every download states about itself."""

    licence: str
    data_date: str | None
    data_version: str

    @property
    def licence_title(self) -> str:
        known = LICENCES.get(self.licence)
        return f"{known[0]}（{self.licence}）" if known else self.licence

    @property
    def licence_url(self) -> str | None:
        known = LICENCES.get(self.licence)
        return known[2] if known else None


def data_version(path: Path | str) -> str:
    """The data file's content hash: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
