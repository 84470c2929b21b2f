"""The data-error page shown while ``mkdocs serve`` runs on bad data.

A ``PluginError`` while serving would leave the old site in the browser (MkDocs' livereload
server logs the error and keeps serving the last good build). So when serving, bad data
does not stop the build: every page of the site becomes this page, listing the messages;
the rebuild succeeds, the browser reloads onto it, and reloads again onto the normal site
once the data is fixed (``ErrorSite``). ``mkdocs build`` still fails (``build.start``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from pilotkb.mkdocs.session import Session
from pilotkb.mkdocs.shim import nav_titles
from pilotkb.mkdocs.sitebuild import SiteBuild
from pilotkb.settings import Settings
from pilotkb.site.render import environment

FRONT = {"title": "数据有错误", "render_macros": False, "kb_kind": "error", "search": {"exclude": True}}


def error_page(message: str) -> str:
    """A page listing the validator's messages (escaped by the package's Jinja environment)."""
    lines = [line for line in message.splitlines() if line.strip()]
    head, problems = lines[0], lines[1:]
    # DataError.report() ends with a count line ("共 N 处问题；…"): a sentence, not an item
    tail = problems.pop() if problems and problems[-1].startswith("共 ") else ""
    body = environment().get_template("data_error.md.j2").render(head=head, problems=problems, tail=tail)
    meta = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in FRONT.items())
    return f"---\n{meta}\n---\n\n{body}"


def error_files(files: Files, config: MkDocsConfig, message: str, last_pages: list[str]) -> Files:
    """Every page of the site (the docs' pages, the last good build's generated pages and
    the nav's) replaced by the error page; assets stay, so the page keeps its style."""
    content = error_page(message)
    uris = {f.src_uri for f in files if f.is_documentation_page()}
    uris |= set(last_pages) | {uri for uri in nav_titles(config) if _is_page(uri)}
    for f in [f for f in files if f.is_documentation_page()]:
        files.remove(f)
    for uri in sorted(uris):
        files.append(File.generated(config, uri, content=content))
    return files


def _is_page(uri: str) -> bool:
    return uri.endswith(".md") and "://" not in uri


class ErrorSite(SiteBuild):
    """A build, while serving, of settings or data that do not pass the check: every page is
    the error page listing ``message``; no feed links, no search index, no numbers."""

    def __init__(
        self, config: MkDocsConfig, session: Session, settings: Settings, data_path: Path, message: str
    ):
        super().__init__(config, session, settings, data_path)
        self.message = message

    def add_files(self, files: Files) -> Files:
        return error_files(files, self.config, self.message, self.session.last_pages)

    def page_context(self, context: dict[str, Any], page: Any) -> dict[str, Any]:
        return context

    def index_page(self, output: str, page: Any) -> str:
        return output

    def macro_values(self) -> dict[str, Any]:
        return {}
