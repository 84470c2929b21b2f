"""What the open-data formats share: the same bytes on every build."""

from __future__ import annotations

from ..conftest import DATA, make_open_data


def test_downloads_are_the_same_bytes_on_every_build(real, tmp_path):
    again = make_open_data(DATA, tmp_path)
    for name in ("pilots.xlsx", "pilots.db", "datapackage.json", "pilots.metadata.json"):
        assert (again["dir"] / name).read_bytes() == (real["dir"] / name).read_bytes(), name
