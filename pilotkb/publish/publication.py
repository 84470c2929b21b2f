"""What a build publishes beside its pages: the data file's change log, the release every
download and citation states, the downloads."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from pilotkb.analysis.changes import History
from pilotkb.analysis.history import read_history
from pilotkb.data.catalog import Catalog
from pilotkb.publish.downloads import download_files
from pilotkb.publish.opendata import Release, data_version
from pilotkb.settings import Settings


def change_log(catalog: Catalog, settings: Settings) -> History:
    """The data file's change log over its last ``history_commits`` commits (empty, with a
    message, without git or with the setting at 0)."""
    if settings.history_commits == 0:
        return History(message="没有读取修改记录：设置 history_commits 为 0。")
    return read_history(catalog.path, settings.history_commits)


def release_of(catalog: Catalog, settings: Settings, history: History) -> Release:
    """What every download and citation states: licence, data date, data version."""
    date = settings.data_date
    if date == "git":
        date = history.head_date[:10] if history.head_date else None
    return Release(settings.licence, date or None, data_version(catalog.path))


class Publication:
    """What a build publishes beside its pages, each part made once: the data file's change
    log, the release every download and citation states, the downloads.

    A build makes the parts in its own stages and hands them in (``pilotkb.mkdocs.build``:
    the history kept from the previous preview; the downloads' sizes, when a second process
    writes them); a part not handed in is made here when first read (``pilotkb.site.pages``,
    the tests).
    """

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        *,
        history: History | None = None,
        release: Release | None = None,
        sizes: Callable[[], dict[str, int]] | None = None,
    ):
        self.cat = catalog
        self.settings = settings
        self._history, self._release = history, release
        self._sizes = sizes  # the sizes of the downloads a second process writes

    @cached_property
    def history(self) -> History:
        return self._history if self._history is not None else change_log(self.cat, self.settings)

    @cached_property
    def release(self) -> Release:
        return self._release or release_of(self.cat, self.settings, self.history)

    @cached_property
    def downloads(self) -> dict[str, bytes]:
        """The downloads this process makes, keyed by their path in the site (none when
        exports are off or a second process writes them)."""
        if not self.settings.exports or self._sizes is not None:
            return {}
        return download_files(self.cat, self.release)

    @cached_property
    def download_sizes(self) -> dict[str, int]:
        """Each download's size in bytes (the 数据下载 page shows them)."""
        if not self.settings.exports:
            return {}
        if self._sizes is not None:
            return self._sizes()
        return {path: len(content) for path, content in self.downloads.items()}
