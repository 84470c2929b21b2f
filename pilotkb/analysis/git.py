"""Running git: the only module of the package that starts a git process.

The history of the data file (``analysis.history``) and the preview's "was a commit made"
check read the repository through these functions.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


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
