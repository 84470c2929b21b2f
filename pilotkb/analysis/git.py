"""Running git: the only module of the package that starts a git process.

The history of the data file (``analysis.history``), the preview's "was a commit made" check
and ``scripts/kb diff`` (two versions of the data file) read the repository through these
functions.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pilotkb.files import MAX_INPUT_BYTES

_NULL_OID = re.compile(r"^0+$")


class GitError(Exception):
    """git is missing, or a git command failed (its first line of stderr)."""


def git(cwd: Path, *args: str) -> str:
    return _run(cwd, *args).decode("utf-8", "replace")


def _run(cwd: Path, *args: str) -> bytes:
    """git's output, as bytes; ``GitError`` with the first line of its complaint."""
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
    return out.stdout


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
        if size > MAX_INPUT_BYTES:  # an old version larger than any input we would read
            raise GitError(f"{oid} 超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB")
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()
        self.proc.wait(timeout=60)


def resolve_commit(cwd: Path, rev: str) -> str:
    """The full hash of the commit ``rev`` names (a hash, branch, tag, ``HEAD~1`` …);
    ``GitError`` when it names none (also for a ``rev`` that looks like an option)."""
    try:
        return git(cwd, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").strip()
    except GitError as exc:
        raise GitError(f"“{rev}”不是这个仓库中的提交") from exc


def file_at(cwd: Path, commit: str, name: str) -> bytes | None:
    """The file ``name`` of folder ``cwd`` as it was at ``commit`` (None: it did not exist)."""
    listed = git(cwd, "ls-tree", "-l", "-z", commit, "--", name).split("\0")[0]
    if not listed:
        return None
    meta = listed.split("\t", 1)[0].split()
    if len(meta) != 4 or meta[1] != "blob":
        raise GitError(f"{name} 在提交 {commit[:7]} 中不是文件")
    return _read_blob(cwd, meta[2], int(meta[3]), f"{name} 在提交 {commit[:7]} 中")


def staged_file(cwd: Path, name: str) -> bytes | None:
    """The file ``name`` of folder ``cwd`` as staged for the next commit (None: not in the index)."""
    listed = git(cwd, "ls-files", "--stage", "-z", "--", name).split("\0")[0]
    if not listed:
        return None
    oid = listed.split("\t", 1)[0].split()[1]
    size = int(git(cwd, "cat-file", "-s", oid).strip())
    return _read_blob(cwd, oid, size, f"暂存区中的 {name}")


def _read_blob(cwd: Path, oid: str, size: int, what: str) -> bytes:
    if size > MAX_INPUT_BYTES:  # larger than any input the package reads
        raise GitError(f"{what}超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    return _run(cwd, "cat-file", "blob", oid)


def merging(cwd: Path) -> bool:
    """A merge is under way (its commit's message is git's, and the history leaves merges out)."""
    try:
        git(cwd, "rev-parse", "-q", "--verify", "MERGE_HEAD")
    except GitError:
        return False
    return True


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
    ``name`` of folder ``cwd``; raises ``GitError``, also when git's output cannot be read."""
    log = git(
        cwd,
        "log",
        "-z",
        "--no-merges",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        f"-n{max_commits}",
        "--format=%H%x00%cI%x00%s",
        "--",
        name,
    )
    return parse_file_log(log)


_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256
_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)")


def parse_file_log(log: str) -> list[FileCommit]:
    """The commits of ``git log -z --raw --format=%H%x00%cI%x00%s`` for one file.

    Fields are separated by NUL, which git cannot put in a subject (any other separator, such
    as U+001E, can be typed into a commit message). Each commit is ``sha NUL date NUL subject
    NUL`` followed by its raw lines, each ``\n:modes blobs status NUL path NUL``. Anything else
    raises ``GitError``: an unreadable history is reported, never guessed at.
    """
    tokens = log.split("\0")
    if tokens and tokens[-1] in ("", "\n"):
        tokens.pop()
    commits: list[FileCommit] = []
    i = 0
    while i < len(tokens):
        head = tokens[i : i + 3]
        if len(head) < 3 or not _SHA.fullmatch(head[0].lstrip("\n")) or not _DATE.fullmatch(head[1]):
            raise GitError(f"无法解析 git log 的输出（第 {len(commits) + 1} 个提交）")
        sha, date, subject = head[0].lstrip("\n"), head[1], head[2]
        i += 3
        old = new = None
        while i < len(tokens) and tokens[i].startswith("\n:"):
            meta = tokens[i][2:].split()
            if len(meta) < 4 or i + 1 >= len(tokens):
                raise GitError(f"无法解析 git log 的输出（提交 {sha[:7]}）")
            old, new = meta[2], meta[3]
            i += 2  # the raw line and its path
        if new is not None:  # else e.g. a change git's --raw did not list
            commits.append(FileCommit(sha, date, subject, _blob(old), _blob(new)))
    return commits


def _blob(oid: str | None) -> str | None:
    """A blob id, or None for git's all-zero id (no file on that side)."""
    return None if not oid or _NULL_OID.match(oid) else oid
