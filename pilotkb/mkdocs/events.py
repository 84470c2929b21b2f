"""MkDocs' events, each handed to the build of its configuration (``pilotkb.mkdocs.build``).

``hooks/kb.py`` names these functions as MkDocs hooks and ``hooks/macros.py`` calls
``define_env`` for mkdocs-macros; they only adapt an event to a call on the ``Build``, which
is made on the first event of each configuration (mkdocs-macros' ``on_config`` runs before
the hooks'; each ``mkdocs serve`` rebuild reads a new configuration).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from pilotkb.mkdocs import shim
from pilotkb.mkdocs.build import Build, start
from pilotkb.mkdocs.errorpage import ErrorSite
from pilotkb.mkdocs.session import SESSION
from pilotkb.site import pageload

TEMPLATES = Path(__file__).resolve().parents[1] / "site" / "templates"


def current(config: MkDocsConfig) -> Build | ErrorSite:
    """The build of this configuration, started on its first event."""
    build = SESSION.build
    if build is None or build.config is not config:
        SESSION.build = None  # a build whose start fails is not kept
        build = SESSION.build = start(config, SESSION)
    return build


def on_startup(command: str, dirty: bool) -> None:
    SESSION.start(command, dirty)
    if SESSION.previewing:
        shim.quiet_dirty_warning()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings and the data before anything is built."""
    current(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    return current(config).add_files(files)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    return current(config).navigation(nav)


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    return current(config).install_theme_caches(env)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Tables wrapped at build time, as Material's bundle would after load (pageload)."""
    return pageload.wrap_tables(html)


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
    return current(config).page_context(context, page)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return current(config).index_page(output, page)


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Rebuild when the data file (or the package's templates) change."""
    server.watch(str(current(config).data_path))
    server.watch(str(TEMPLATES))
    return server


def on_post_build(config: MkDocsConfig) -> None:
    current(config).finish()


def define_env(env: Any) -> None:
    """mkdocs-macros: expose the catalogue's headline numbers as ``kb``."""
    env.variables["kb"] = current(env.conf).macro_values()
