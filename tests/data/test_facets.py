"""Facets: each pilot under each of its values (or 未公开), with ASCII slugs."""

from __future__ import annotations

import pytest
import yaml

from pilotkb.data.facets import FACETS, UNKNOWN_SLUG

from ..conftest import ROOT

RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))


def _list(value):
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("name", list(FACETS))
def test_facet_values_partition_the_pilots(real_catalog, name):
    """Each pilot is under each of its values, or under 未公开; counts agree with the raw data."""
    facet = FACETS[name]
    raw_key = {
        "level": "level",
        "domain": "domains",
        "area": "areas",
        "status": "status",
        "year": "approved",
    }[name]
    for value in facet.values(real_catalog):
        ids = {p.id for p in value.pilots}
        if value.slug == UNKNOWN_SLUG:
            expected = {p["id"] for p in RAW["pilots"] if not p.get(raw_key)}
        else:

            def has(p, v=value):
                raw = p.get(raw_key)
                raw = [str(raw)[:4]] if name == "year" and raw else raw
                return v.slug in [_slug_of(name, x) for x in _list(raw)] if raw else False

            expected = {p["id"] for p in RAW["pilots"] if has(p)}
        assert ids == expected, (name, value.slug)


def _slug_of(name: str, raw: str) -> str:
    return FACETS[name].slug(raw)


def test_facet_slugs_are_ascii_and_unique(real_catalog):
    for name, facet in FACETS.items():
        slugs = [v.slug for v in facet.values(real_catalog)]
        assert len(slugs) == len(set(slugs)), name
        assert all(s.isascii() for s in slugs), name
