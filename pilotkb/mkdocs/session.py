"""What outlives one build: the ``mkdocs`` process's session.

MkDocs loads the hook files again for every configuration it reads, and ``mkdocs serve``
reads one for each rebuild; so what a rebuild needs from the builds before it lives here, in
the package, in the one ``SESSION`` object, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pilotkb import load_catalog
from pilotkb.data.catalog import Catalog

if TYPE_CHECKING:
    from pilotkb.mkdocs.build import Build
    from pilotkb.mkdocs.errorpage import ErrorSite
    from pilotkb.mkdocs.preview import Preview

CatalogueKey = tuple[Path, float, int]  # the data file, its modification time and size


@dataclass
class Session:
    serving: bool = False  # `mkdocs serve` runs (set once, by on_startup)
    dirty: bool = False  # with --dirty: the incremental preview (`make serve`)
    # What the last good preview build made (None before the first, after bad data).
    previous: Preview | None = None
    # The generated pages of the last good build: while serving bad data, each shows the error.
    last_pages: list[str] = field(default_factory=list)
    # The build under way (each `serve` rebuild reads a new configuration, and gets a new one).
    build: Build | ErrorSite | None = None
    # The last catalogue loaded, kept while its file is unchanged (a rebuild after a template
    # or Markdown edit does not load and validate the data again).
    loaded: tuple[CatalogueKey, Catalog] | None = None

    def start(self, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

    @property
    def previewing(self) -> bool:
        return self.serving and self.dirty

    def take_previous(self) -> Preview | None:
        """The previous preview build, if previewing; the session forgets it until this build
        ends well (a build with bad data leaves none: the next good one makes every page)."""
        previous = self.previous if self.previewing else None
        self.previous = None
        return previous

    def catalogue(self, path: Path) -> Catalog:
        """The data file loaded and validated; the last one again while the file is unchanged."""
        path = path.resolve()
        try:
            st = path.stat()
        except OSError:
            return load_catalog(path)  # reports the missing file
        key = (path, st.st_mtime, st.st_size)
        if self.loaded is None or self.loaded[0] != key:
            self.loaded = (key, load_catalog(path))
        return self.loaded[1]


SESSION = Session()
