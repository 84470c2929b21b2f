"""What changed in the data file, and when: a field-level change log from git.

The history is read once per build from the last ``max_commits`` commits that touched the
data file. Each commit's version of the file is compared with its parent's by
``analysis.changes`` (cutting both into record chunks, ``analysis.snapshots``, so that only
records whose text changed are parsed); each change is stamped with its commit.

Each change carries its commit's description for readers (``analysis.notes``): a note from
``commit-notes.yaml``, or the subject when it is written for readers; never another subject.

Without git, outside a repository or in a shallow clone the history is empty and
``History.message`` says why; the build goes on. A mistake in ``commit-notes.yaml`` raises
``DataError`` at its line, as the data file's do.
"""

from __future__ import annotations

import shutil
from collections import OrderedDict
from pathlib import Path

from pilotkb.analysis.changes import Change, History, diff_snapshots
from pilotkb.analysis.git import BlobReader, FileCommit, GitError, file_log, git
from pilotkb.analysis.notes import note_of, read_notes
from pilotkb.analysis.snapshots import Snapshot


def read_history(path: Path | str, max_commits: int) -> History:
    """The change log of the data file over its last ``max_commits`` commits (no merges).

    Never raises for a missing git, a missing repository or a shallow clone: the result
    is then empty and ``message`` says why.
    """
    path = Path(path).resolve()
    if shutil.which("git") is None:
        return History(message="没有读取修改记录：找不到 git 命令。")
    where = path.parent
    try:
        inside = git(where, "rev-parse", "--is-inside-work-tree").strip()
    except GitError:
        inside = "false"
    if inside != "true":
        return History(message=f"没有读取修改记录：{path.name} 不在 git 仓库中。")
    try:
        if git(where, "rev-parse", "--is-shallow-repository").strip() == "true":
            return History(
                message="没有读取修改记录：这是浅克隆（shallow clone），历史不完整；"
                "请用完整克隆构建（如 git fetch --unshallow 或 actions/checkout 的 fetch-depth: 0）。"
            )
        try:
            git(where, "rev-parse", "--verify", "-q", "HEAD")
        except GitError:
            return History(message=f"没有读取修改记录：{path.name} 还没有提交到 git。")
        commits = file_log(where, path.name, max_commits)
        top = Path(git(where, "rev-parse", "--show-toplevel").strip())
    except GitError as exc:
        return unavailable(f"git 出错（{exc}）")
    notes = read_notes(top)  # the editors' file: its mistakes stop the build at their lines
    if not commits:
        return History(message=f"没有读取修改记录：{path.name} 还没有提交到 git。")
    try:
        blobs = BlobReader(where)
    except OSError as exc:
        return unavailable(f"无法启动 git（{exc}）")
    try:
        changes = _diff_commits(commits, blobs, notes)
    # The history is a view of the past, not the data: whatever git or an old version of the
    # file holds, the build goes on and says the history is unavailable.
    except Exception as exc:  # noqa: BLE001
        return unavailable(
            f"{type(exc).__name__}: {exc}" if not isinstance(exc, GitError) else f"git 出错（{exc}）"
        )
    finally:
        blobs.close()
    return History(changes=changes, commits=len(commits), head_date=commits[0].date)


def unavailable(why: str) -> History:
    """An empty history whose message the pages and the build log show."""
    return History(message=f"修改记录暂不可用：{why}。")


def _diff_commits(commits: list[FileCommit], blobs: BlobReader, notes: dict[str, str]) -> list[Change]:
    cache: OrderedDict[str, Snapshot] = OrderedDict()

    def snapshot(oid: str | None) -> Snapshot:
        if oid is None:
            return Snapshot(None)
        if oid in cache:
            cache.move_to_end(oid)
            return cache[oid]
        snap = Snapshot(blobs.read(oid))
        cache[oid] = snap
        while len(cache) > 3:  # a commit's parent is the next commit's version: keep a few
            cache.popitem(last=False)
        return snap

    changes: list[Change] = []
    for c in commits:
        new = snapshot(c.new_blob)
        old = snapshot(c.old_blob)
        note = note_of(c.sha, c.subject, notes)
        changes.extend(
            diff_snapshots(old, new, commit=c.short, sha=c.sha, date=c.date, subject=c.subject, note=note)
        )
    return changes
