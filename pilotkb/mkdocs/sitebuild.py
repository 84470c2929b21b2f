"""What every build does, whether its data passed the check (``build.Build``) or not
(``errorpage.ErrorSite``): the theme's caches, and the .gz copies at the end."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation

from pilotkb.mkdocs.session import Session
from pilotkb.settings import Settings
from pilotkb.site import pageload, themecache
from pilotkb.site.render import COMPILED


class SiteBuild:
    """One build's configuration, session, settings and data file (watched by ``serve``)."""

    def __init__(self, config: MkDocsConfig, session: Session, settings: Settings, data_path: Path):
        self.config, self.session, self.settings, self.data_path = config, session, settings, data_path
        self.nav: Navigation | None = None  # known from on_nav, before the theme is set up

    def navigation(self, nav: Navigation) -> Navigation:
        self.nav = nav
        return nav

    def install_theme_caches(self, env: Any) -> Any:
        """on_env: Material's nav and tabs rendered once per folder of pages outside the nav
        (themecache); the theme's templates compiled once per process (render.COMPILED)."""
        env.bytecode_cache = COMPILED
        if self.nav is not None:
            themecache.install(env, self.nav)
        return env

    def finish(self) -> None:
        """on_post_build: the collector back on (a preview rebuild turns it off), then the .gz
        copies of everything."""
        gc.enable()
        if self.settings.precompress:  # once everything is written
            pageload.precompress(Path(self.config.site_dir))
