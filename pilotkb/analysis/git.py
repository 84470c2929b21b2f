"""Running git: the only module of the package that starts a git process.

The history of the data file (``analysis.history``) and the preview's "was a commit made"
check read the repository through these functions.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_NULL_OID = re.compile(r"^0+$")


class GitError(Exception):
    """git is missing, or a git command failed (its first line of stderr)."""


def git(cwd: Path, *args: str) -> str:
    try:
        out = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=600,
        )
    except OSError as exc:
        raise GitError(str(exc)) from exc
    if out.returncode != 0:
        first = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(first[0] if first else f"git {args[0]} 退出码 {out.returncode}")
    return out.stdout.decode("utf-8", "replace")


class BlobReader:
    """One ``git cat-file --batch`` process answering blob ids one at a time."""

    def __init__(self, cwd: Path):
        self.proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def read(self, oid: str) -> bytes:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(oid.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"无法读取 {oid}")
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()
        self.proc.wait(timeout=60)


def head_commit(cwd: Path) -> str | None:
    """The commit HEAD names (None without git, outside a repository, before a first commit)."""
    try:
        return git(cwd, "rev-parse", "HEAD").strip() or None
    except (GitError, subprocess.SubprocessError):
        return None


@dataclass(frozen=True)
class FileCommit:
    """A commit that changed one file, and the blobs of the file before and after it."""

    sha: str
    date: str  # committer date, ISO 8601 with the committer's offset
    subject: str
    old_blob: str | None  # None: the file did not exist before this commit
    new_blob: str | None  # None: the commit deleted the file

    @property
    def short(self) -> str:
        return self.sha[:7]


def file_log(cwd: Path, name: str, max_commits: int) -> list[FileCommit]:
    """The last ``max_commits`` commits (merges left out, newest first) that changed file
    ``name`` of folder ``cwd``; raises ``GitError``."""
    log = git(
        cwd,
        "log",
        "--no-merges",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        f"-n{max_commits}",
        "--format=%x1e%H%x1f%cI%x1f%s",
        "--",
        name,
    )
    return parse_file_log(log)


def parse_file_log(log: str) -> list[FileCommit]:
    """The commits of ``git log --raw --format=%x1e%H%x1f%cI%x1f%s`` for one file."""
    commits = []
    for block in log.split("\x1e")[1:]:
        head, _, rest = block.partition("\n")
        sha, date, subject = head.split("\x1f", 2)
        old = new = None
        for line in rest.splitlines():
            if line.startswith(":"):
                meta = line.split("\t", 1)[0].split()
                old, new = meta[2], meta[3]
        if new is None:
            continue  # e.g. a mode-only change that --raw did not list
        commits.append(FileCommit(sha, date, subject, _blob(old), _blob(new)))
    return commits


def _blob(oid: str | None) -> str | None:
    """A blob id, or None for git's all-zero id (no file on that side)."""
    return None if not oid or _NULL_OID.match(oid) else oid
