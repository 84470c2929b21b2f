"""The one Jinja environment, and what every template may call.

Data text reaches a page only through this environment: autoescape on, undefined names
are errors (``StrictUndefined``), and the filters below turn values into escaped text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup, escape

from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import FACETS
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import record_anchor, record_uri, relative

UNKNOWN_HTML = Markup('<span class="kb-unknown">未公开</span>')


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory for the life of the process, checked against each
    template's source: ``mkdocs serve`` makes a new theme environment and a new Renderer for
    every rebuild, and compiling Material's and the package's templates again took 1.5 s
    of each preview."""

    def __init__(self) -> None:
        self.store: dict[str, tuple[str | None, Any]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        checksum, code = self.store.get(bucket.key, (None, None))
        if code is not None and checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = (bucket.checksum, bucket.code)


COMPILED = CompiledTemplates()


@functools.cache
def environment() -> Environment:
    """The package's one Jinja environment (pages, blocks and chart figures), made on first use
    and kept for the process: its settings hold for every template, and a preview's rebuild
    finds the package's templates already compiled. Templates are not checked against their
    files on every use (``auto_reload``: a stat per page and template); each build's Renderer
    empties the cache instead, so a preview rebuild after a template edit shows the edit."""
    env = Environment(
        auto_reload=False,
        bytecode_cache=COMPILED,
        loader=PackageLoader("pilotkb.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True, enabled_extensions=("j2",)),
        undefined=StrictUndefined,
        comment_start_string="{##",  # "{#id}" is Markdown's attribute list, not a comment
        comment_end_string="##}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["text"] = text
    env.filters["known"] = known
    env.filters["label"] = label
    return env


def label(value: Any) -> str:
    return value.value if isinstance(value, Enum) else str(value)


def text(value: Any) -> Markup:
    """Escape a data string; its line breaks become ``<br>`` (never a blank line)."""
    if value is None:
        return Markup("")
    parts = [escape(line) for line in str(label(value)).splitlines() if line.strip()]
    return Markup("<br>").join(parts)


def known(value: Any) -> Markup:
    """The value, or a plain 未公开 when the source does not give it."""
    if value is None or value == "" or value == []:
        return UNKNOWN_HTML
    if isinstance(value, list):
        return Markup("、").join(text(v) for v in value)
    return text(value)


class Renderer:
    """Renders a template for the page at ``here``, with links relative to it."""

    def __init__(
        self,
        catalog: Catalog,
        directory_urls: bool = True,
        quote_target: Callable[[str, str], tuple[str, str]] | None = None,
    ):
        self.cat = catalog
        self.directory_urls = directory_urls
        # (source id, quote) -> (page, anchor) of the sentence of its source's text where it starts
        self.quote_target = quote_target or (lambda source, quote: (record_uri("sources", source), ""))
        self.env = environment()
        self.env.cache.clear()  # read this build's templates (see environment())
        self.globals = {
            "cat": catalog,
            "kind_label": {name: c.label for name, c in REGISTRY.items()},
            "facet_label": {name: f.label for name, f in FACETS.items()},
            "collection_index": {name: c.index_uri for name, c in REGISTRY.items()},
        }

    def href(self, here: str, to: str, anchor: str = "") -> str:
        return relative(here, to, self.directory_urls, anchor)

    def linker(self, here: str) -> Callable[..., Markup]:
        def link(coll: str, rid: str, label: str | None = None) -> Markup:
            rec = self.cat.records[coll][rid]
            url = self.href(here, record_uri(coll, rid), record_anchor(coll, rid))
            # as Markup('<a href="{}">{}</a>').format(...) escapes, without its Python-level
            # formatter (a list page makes thousands of these)
            text = escape(label if label is not None else title(coll, rec))
            return Markup(f'<a href="{escape(url)}">{text}</a>')

        return link

    def facet_href(self, here: str, name: str, value: str | None) -> str:
        f = FACETS[name]
        return self.href(here, f.uri(f.slug(value)))

    def quote_href(self, here: str, source: str, quote: str) -> str:
        """The link from a quote to the sentence of its source's page where it starts."""
        return self.href(here, *self.quote_target(source, quote))

    def render(self, template: str, here: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            here=here,
            link=self.linker(here),
            href=lambda to, anchor="": self.href(here, to, anchor),
            quote_href=lambda source, quote: self.quote_href(here, source, quote),
            facet_href=lambda name, value: self.facet_href(here, name, value),
            **self.globals,
            **context,
        )


def title(coll: str, rec: Any) -> str:
    """How a record is named in headings and links."""
    return REGISTRY[coll].title_of(rec)
