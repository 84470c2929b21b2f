"""The MkDocs objects the build supplies: its files and its generated pages.

They are subclasses of MkDocs' own ``File`` and ``Page``, made where MkDocs lets a plugin
supply them (``on_files``); MkDocs' methods are never replaced at run time.

Generated pages skip Python-Markdown (``pilotkb.site.prerender``) and are rendered one at a
time just before the theme writes them (``GeneratedDocPage.render_now``, from
``on_page_context``), so neither their Markdown nor their HTML is held for the whole build.
"""

from __future__ import annotations

from typing import Any

from markdown.extensions.toc import nest_toc_tokens
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from pilotkb.site import pageload, prerender
from pilotkb.site.views import GeneratedPage

# The Markdown extensions prerender reproduces for the HTML blocks and headings it handles.
# A page holding a fence never takes that path (prerender declines it), so the fence
# extensions change nothing there.
PRERENDERED = {
    "attr_list",
    "tables",
    "admonition",
    "md_in_html",
    "toc",
    "fenced_code",
    "pymdownx.superfences",
}


class SiteFile(File):
    """A file the build adds (``SiteFile.generated``: a page, a data file, a download)."""

    # The preview found it unchanged since the previous build: `--dirty` skips it.
    unchanged = False
    # Known to MkDocs (links to it are checked) but written by the build after the pages:
    # a second process is still making it.
    written_later = False

    def is_modified(self) -> bool:
        return not self.unchanged and super().is_modified()

    def copy_file(self, dirty: bool = False) -> None:
        if not self.written_later:
            super().copy_file(dirty)


class RemadeFile(File):
    """A hand-written page the preview always makes again: it may show the catalogue's
    numbers (mkdocs-macros), which change while its own file does not."""

    def is_modified(self) -> bool:
        return True

    @classmethod
    def like(cls, file: File) -> RemadeFile:
        return cls(
            file.src_uri,
            file.src_dir,
            file.dest_dir,
            file.use_directory_urls,
            dest_uri=file.dest_uri,
            inclusion=file.inclusion,
        )


def prerender_permalink(config: MkDocsConfig) -> tuple[str, str] | None:
    """(permalink, permalink title) when the Markdown setup is one ``prerender`` reproduces."""
    names = set(config.markdown_extensions)
    if not {"attr_list", "md_in_html", "toc"} <= names or names - PRERENDERED:
        return None
    toc = config.mdx_configs.get("toc") or {}
    if set(toc) - {"permalink", "permalink_title"} or not isinstance(toc.get("permalink"), str):
        return None
    return toc["permalink"], toc.get("permalink_title", "Permanent link")


class GeneratedDocPage(Page):
    """A generated page: its front matter is known (no reading, no YAML), and its HTML is
    made by ``render_now`` just before the theme writes it, not with every other page's."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, source: GeneratedPage):
        super().__init__(title, file, config)
        self.source = source

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown, self.meta = "", self.source.front()

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""  # made by render_now, when the page is written

    def render_now(
        self, config: MkDocsConfig, files: Files, body: str, permalink: tuple[str, str] | None
    ) -> bool:
        """Set the HTML, table of contents and anchors from the body; False when the body
        needed Python-Markdown (not only HTML blocks and headings, or another setup: no
        ``permalink``)."""
        done = prerender.to_html(body, *permalink) if permalink else None
        if done is None:  # Markdown, as any page
            self.markdown = body
            super().render(config, files)
            self.markdown = ""
            # made after on_page_content ran (on an empty page): its tables wrapped here
            self.content = pageload.wrap_tables(self.content or "")
            return False
        self.content = pageload.wrap_tables(done.content)
        self.toc = get_toc(nest_toc_tokens([_toc_token(*heading) for heading in done.headings]))
        self.present_anchor_ids = done.anchors
        return True

    def let_go_of_html(self) -> None:
        """Let the page's HTML and table of contents go once the theme has written it (its
        anchors stay: MkDocs checks links to them once every page is written)."""
        self.content = ""
        self.toc = _NO_TOC


_NO_TOC = get_toc([])


def _toc_token(level: int, hid: str, text: str) -> dict[str, Any]:
    return {"level": level, "id": hid, "name": text, "html": text, "data-toc-label": "", "children": []}
