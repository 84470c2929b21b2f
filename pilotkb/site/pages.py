"""Generate every page of the catalogue as Markdown, in memory: the package's page API.

Data text reaches a page only through Jinja with autoescape (``render.py``), inside raw
HTML blocks that Markdown leaves alone, so a name can never become markup, a link, an
attribute list or a template. The front matter is written as JSON (valid YAML) and marks
each generated page ``render_macros: false`` so that mkdocs-macros never renders data.

The output is plain Markdown plus HTML, usable by any engine that reads front matter
(``write_markdown``). The page families themselves live in ``views/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pilotkb.data.catalog import Catalog
from pilotkb.files import write_atomic
from pilotkb.settings import Settings
from pilotkb.site.views import GeneratedPage, Views
from pilotkb.site.views.blocks import inline_text

__all__ = ["GeneratedPage", "generate", "generated_files", "inline_text", "write_markdown"]


def generate(catalog: Catalog, settings: Settings, directory_urls: bool = True) -> list[GeneratedPage]:
    return list(Views(catalog, settings, directory_urls).pages())


def generated_files(catalog: Catalog, settings: Settings, directory_urls: bool = True) -> dict[str, bytes]:
    return Views(catalog, settings, directory_urls).files()


def write_markdown(pages: Iterable[GeneratedPage], out_dir: Path | str) -> int:
    """Write the generated pages as plain Markdown files (for another engine, or to inspect),
    one at a time (a page's body is made only now); returns how many were written."""
    count = 0
    for page in pages:
        target = Path(out_dir) / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, page.markdown())
        count += 1
    return count
