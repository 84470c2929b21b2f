"""A small git repository of the golden data file, with commits at fixed dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "编辑",
    "GIT_AUTHOR_EMAIL": "editor@example.invalid",
    "GIT_COMMITTER_NAME": "编辑",
    "GIT_COMMITTER_EMAIL": "editor@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(GIT_ENV)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    out = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Repo:
    """A repository holding ``data/pilots.yaml``; ``commit`` edits its text and commits."""

    def __init__(self, root: Path, base: str | None = None, fixture: str = "golden"):
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True)
        self.path = self.data / "pilots.yaml"
        git(root, "init", "-q", "-b", "main")
        shutil.copy(FIXTURES / fixture / "source.txt", self.data / "source.txt")
        self.path.write_text(base or (FIXTURES / fixture / "pilots.yaml").read_text(encoding="utf-8"))

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def commit(self, message: str, date: str, *edits: tuple[str, str]) -> str:
        """Apply text replacements (each must match once), commit, return the short hash."""
        text = self.text
        for old, new in edits:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        self.path.write_text(text, encoding="utf-8")
        git(self.root, "add", "data")
        git(self.root, "commit", "-q", "-m", message, date=date)
        return git(self.root, "rev-parse", "--short=7", "HEAD")
