"""The generated page: what every page family yields, as the build writes it."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GeneratedPage:
    src_uri: str
    title: str  # plain text; escaped when written
    # Markdown with raw HTML blocks, or a function making it: the many record and list
    # pages are rendered only when written, so the build never holds all of them at once
    body: str | Callable[[], str]
    kind: str
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # The records the page shows, for the preview's incremental rebuild (pilotkb.mkdocs.preview):
    # the page is made again only when one of them (or a record linked to them) changes.
    # None: the page is compared by its body instead.
    inputs: tuple[tuple[str, str], ...] | None = None
    # Written after every other page: it shows what a second build process makes (sizes
    # of the downloads), so the pages before it are rendered while that process works.
    last: bool = False

    def text(self) -> str:
        """The body (rendered now if it is made on demand)."""
        return self.body() if callable(self.body) else self.body

    def front(self) -> dict[str, Any]:
        """The front matter, as the engine reads it back from ``markdown()``."""
        return {
            "title": html.escape(self.title, quote=False),
            "description": html.escape(self.description or self.title, quote=True),
            "render_macros": False,
            "kb_kind": self.kind,
            **self.meta,
        }

    def markdown(self) -> str:
        """The page as Markdown with front matter (JSON values, which are valid YAML)."""
        lines = ["---"]
        lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in self.front().items()]
        lines += ["---", "", self.text().rstrip() + "\n"]
        return "\n".join(lines)
