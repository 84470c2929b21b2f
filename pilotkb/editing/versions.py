"""The two versions ``scripts/kb diff`` compares, each read exactly as ``scripts/kb check`` reads it.

A version is the data file at a commit (基准, the base; 提交, the commit compared with it),
as staged (暂存区) or on disk (工作区). Each is read by ``pilotkb.data.validate.check_text``,
the readers of ``kb check``: no lenient reader sees a version the check refuses. A version
whose records cannot be told apart (missing, binary, not UTF-8, a YAML syntax error anywhere,
anchors, an id used twice …) is *unreadable*: nothing is compared, the command says which
version and where, and exits 1. A version that reads but fails a check is compared; what is
shown is headed by a plain line saying so, with the first problems at their lines.

Quotes of every version are checked against the source texts on disk (``data/sources/`` of
the working tree), as the check of the checked-out commit does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilotkb.analysis.git import GitError, file_at, head_commit, resolve_commit, staged_file
from pilotkb.analysis.snapshots import Snapshot
from pilotkb.data.validate import check_text
from pilotkb.editing.refusal import EditError
from pilotkb.editing.reports import repo_path
from pilotkb.errors import DataError, Problem
from pilotkb.files import read_input

BASE, COMMIT, INDEX, WORKTREE = "基准", "提交", "暂存区", "工作区"
WORKTREE_NAME, INDEX_NAME = "工作区（尚未提交的修改）", "暂存区（将要提交的修改）"
REVISIONS = "提交编号、分支名或标签名，如 HEAD~1、origin/main"
# problems shown under a version's headline in the Markdown (all of them in JSON and stderr)
PROBLEMS_SHOWN = 5
MISSING = "这个版本中没有数据文件（已被删除、移走或尚未加入）；允许：保留数据文件，删除记录请删去相应条目"


@dataclass(frozen=True)
class Side:
    """One version before it is read."""

    role: str  # BASE, COMMIT, INDEX or WORKTREE
    name: str  # what it is for the reader: a short hash, WORKTREE_NAME, INDEX_NAME
    raw: bytes | None  # None: the file is missing (or refused, below)
    refused: tuple[Problem, ...] = ()  # the file on disk could not be read at all

    @property
    def label(self) -> str:
        """基准（a1b2c3d）, 提交（b2c3d4e）, 暂存区, 工作区."""
        return f"{self.role}（{self.name}）" if self.role in (BASE, COMMIT) else self.role


@dataclass(frozen=True)
class Versions:
    old: Side
    new: Side

    @property
    def base(self) -> str:
        return self.old.name

    @property
    def head(self) -> str:
        return self.new.name


def versions(path: Path, base: str | None, head: str | None, staged: bool = False) -> Versions:
    """The data file at commit ``base`` (default HEAD) and at commit ``head``, or else as
    staged (``staged``) or as it is on disk. A ``base`` or ``head`` that names no commit is
    refused with an ``EditError``."""
    where, name = path.parent, path.name
    if not where.is_dir() or head_commit(where) is None:
        raise EditError(f"{path}: 不在 git 仓库中，或仓库还没有提交；kb diff 比较数据文件在 git 中的两个版本")
    try:
        old_sha = resolve_commit(where, base or "HEAD")
        old = Side(BASE, old_sha[:7], file_at(where, old_sha, name))
        if head:
            new_sha = resolve_commit(where, head)
            return Versions(old, Side(COMMIT, new_sha[:7], file_at(where, new_sha, name)))
        if staged:
            return Versions(old, Side(INDEX, INDEX_NAME, staged_file(where, name)))
    except GitError as exc:
        raise EditError(f"{exc}；允许：{REVISIONS}") from None
    if not path.exists():
        return Versions(old, Side(WORKTREE, WORKTREE_NAME, None))
    try:
        return Versions(old, Side(WORKTREE, WORKTREE_NAME, read_input(path, repo_path(str(path)))))
    except DataError as exc:
        return Versions(old, Side(WORKTREE, WORKTREE_NAME, None, tuple(exc.problems)))


@dataclass(frozen=True)
class Read:
    """One version as ``kb check`` read it: its records, or None when they cannot be told
    apart; the problems the check found (none: it passes)."""

    side: Side
    snapshot: Snapshot | None
    problems: tuple[Problem, ...]

    @property
    def readable(self) -> bool:
        return self.snapshot is not None

    def headline(self) -> str:
        """One plain line saying what is wrong with this version (empty: nothing)."""
        n = len(self.problems)
        if not self.readable:
            return f"无法比较：{self.side.label}的数据文件无法读取（共 {n} 处问题），因此没有列出任何改动。"
        if n:
            return f"注意：{self.side.label}的数据文件没有通过校验（scripts/kb check），共 {n} 处问题；改动按这个版本列出。"
        return ""

    def shown(self, limit: int | None = PROBLEMS_SHOWN) -> list[str]:
        """The first ``limit`` problems as ``file:line: record: field: message`` lines."""
        lines = [str(p) for p in self.problems[:limit]]
        if limit is not None and len(self.problems) > limit:
            lines.append(f"……另有 {len(self.problems) - limit} 处，见 scripts/kb check。")
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.side.role,
            "name": self.side.name,
            "readable": self.readable,
            "message": self.headline(),
            "count": len(self.problems),
            "problems": [
                {"file": p.file, "line": p.line, "record": p.record, "field": p.field, "message": p.message}
                for p in self.problems
            ],
        }


def read(side: Side, path: Path, shown: str) -> Read:
    """``side`` read by ``kb check``'s readers; ``shown`` names the file in messages."""
    if side.refused:
        return Read(side, None, side.refused)
    if side.raw is None:
        return Read(side, None, (Problem(shown, 1, "(文件)", "(全部)", MISSING),))
    try:
        checked = check_text(side.raw, path, shown)
    except DataError as exc:
        return Read(side, None, tuple(exc.problems))
    return Read(side, Snapshot.of(checked.data), checked.problems)
