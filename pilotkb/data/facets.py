"""Facets: the ways a reader narrows the pilots (and search results) down, each declared once.

A facet knows its name, its Chinese label, how to read its values from a record, the
values it can take (in display order) and the ASCII slug of each value. Browse pages, the
list page's filter data, the search index and the statistics all use these objects; the
two browser scripts read names, labels and slugs from the data generated from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from pilotkb.data.model import ENUM_SLUGS, Domain, Level, Status

if TYPE_CHECKING:
    from pilotkb.data.catalog import Catalog

UNKNOWN_SLUG = "unknown"
UNKNOWN = "未公开"


class Value(NamedTuple):
    """One value of a facet: its label (None for 未公开), slug and the matching pilots."""

    label: str | None
    slug: str
    pilots: list[Any]

    @property
    def shown(self) -> str:
        return self.label if self.label is not None else UNKNOWN


class Facet:
    name: ClassVar[str]
    label: ClassVar[str]
    search: ClassVar[bool] = True  # also a filter of the search box
    many: ClassVar[bool] = False  # a record may have several values

    def of(self, coll: str, rec: Any) -> list[str]:
        """The labels of ``rec``'s values (empty when the data does not give one)."""
        raise NotImplementedError

    def choices(self, catalog: Catalog) -> list[tuple[str, str]]:
        """Every (label, slug) the facet can take, in display order."""
        raise NotImplementedError

    def slug(self, label: str | None, catalog: Catalog | None = None) -> str:
        return UNKNOWN_SLUG if label is None else label

    def shown(self, value: str, catalog: Catalog) -> str:
        """How a value reads to a reader (an area id reads as the area's name)."""
        return value

    def uri(self, slug: str, page: int = 1) -> str:
        base = f"browse/{self.name}/{slug}"
        return f"{base}.md" if page == 1 else f"{base}/{page}.md"

    def values(self, catalog: Catalog) -> list[Value]:
        """Each choice with its pilots, then 未公开 with the pilots that have no value."""
        pilots = list(catalog.pilots.values())
        labels = [(p, self.of("pilots", p)) for p in pilots]
        rows = [
            Value(label, slug, [p for p, ls in labels if label in ls])
            for label, slug in self.choices(catalog)
        ]
        rows.append(Value(None, UNKNOWN_SLUG, [p for p, ls in labels if not ls]))
        return rows


class EnumFacet(Facet):
    enum: ClassVar[type[Enum]]
    attr: ClassVar[str]

    def of(self, coll: str, rec: Any) -> list[str]:
        value = getattr(rec, self.attr, None)
        if value is None:
            return []
        return [v.value for v in value] if self.many else [value.value]

    def choices(self, catalog: Catalog) -> list[tuple[str, str]]:
        return [(m.value, ENUM_SLUGS[self.enum][m.value]) for m in self.enum]

    def slug(self, label: str | None, catalog: Catalog | None = None) -> str:
        return UNKNOWN_SLUG if label is None else ENUM_SLUGS[self.enum][label]


class LevelFacet(EnumFacet):
    name, label, enum, attr = "level", "层级", Level, "level"


class DomainFacet(EnumFacet):
    name, label, enum, attr, many = "domain", "领域", Domain, "domains", True


class StatusFacet(EnumFacet):
    name, label, enum, attr = "status", "状态", Status, "status"


class AreaFacet(Facet):
    """Implementing areas: values are area ids (their own slugs), shown by name."""

    name, label, many = "area", "实施地区", True

    def of(self, coll: str, rec: Any) -> list[str]:
        if coll == "areas":
            return [rec.id]
        return list(getattr(rec, "areas", []) or [])

    def choices(self, catalog: Catalog) -> list[tuple[str, str]]:
        return [(a.id, a.id) for a in catalog.areas.values()]

    def values(self, catalog: Catalog) -> list[Value]:
        # shown by the area's name; the id is the value and the slug
        names = {a.id: a.name for a in catalog.areas.values()}
        return [
            Value(names[v.label], v.slug, v.pilots) if v.label is not None else v
            for v in super().values(catalog)
        ]

    def shown(self, value: str, catalog: Catalog) -> str:
        area = catalog.areas.get(value)
        return area.name if area else value


class YearFacet(Facet):
    """The year a pilot was approved; newest first."""

    name, label, search = "year", "批准年份", False

    def of(self, coll: str, rec: Any) -> list[str]:
        approved = getattr(rec, "approved", None)
        return [approved[:4]] if approved else []

    def choices(self, catalog: Catalog) -> list[tuple[str, str]]:
        years = sorted({y for p in catalog.pilots.values() for y in self.of("pilots", p)}, reverse=True)
        return [(y, y) for y in years]


# In the order a reader meets them: filter menus, browse sections, search filters.
FACETS: dict[str, Facet] = {
    f.name: f for f in (LevelFacet(), DomainFacet(), AreaFacet(), StatusFacet(), YearFacet())
}


def facet(name: str) -> Facet:
    return FACETS[name]


def search_facets() -> Iterator[Facet]:
    return (f for f in FACETS.values() if f.search)


def year(p: Any) -> str | None:
    """The year a pilot was approved, or None."""
    years = FACETS["year"].of("pilots", p)
    return years[0] if years else None
