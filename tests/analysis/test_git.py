"""Running git: the commits of one file, and what is answered outside a repository."""

from __future__ import annotations

import pytest

from pilotkb.analysis import history as history_module
from pilotkb.analysis.git import GitError, file_log, git, head_commit, parse_file_log
from pilotkb.analysis.history import read_history

from ..gitrepo import Repo


def test_head_commit_outside_a_repository_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert head_commit(tmp_path) is None


def test_head_commit_before_and_after_a_first_commit(tmp_path):
    r = Repo(tmp_path / "repo")
    assert head_commit(r.root) is None
    short = r.commit("初始", "2024-01-01T00:00:00+08:00")
    sha = head_commit(r.root)
    assert sha is not None and len(sha) == 40 and sha.startswith(short)


def test_head_commit_without_git(tmp_path, monkeypatch):
    r = Repo(tmp_path / "repo")
    r.commit("初始", "2024-01-01T00:00:00+08:00")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert head_commit(r.root) is None


def test_file_log_lists_the_files_commits_newest_first_with_their_blobs(tmp_path):
    r = Repo(tmp_path / "repo")
    first = r.commit("初始", "2024-01-01T00:00:00+08:00")
    (r.data / "other.txt").write_text("x", encoding="utf-8")
    git(r.root, "add", "data")
    git(r.root, "commit", "-q", "-m", "另一个文件")
    second = r.commit(
        "改名称；第二次", "2024-02-01T09:30:00+08:00", ("    name: 临淄区\n", "    name: 临淄\n")
    )
    log = file_log(r.data, "pilots.yaml", 10)
    assert [(c.short, c.subject, c.date) for c in log] == [
        (second, "改名称；第二次", "2024-02-01T09:30:00+08:00"),
        (first, "初始", "2024-01-01T00:00:00+08:00"),
    ]
    assert log[1].old_blob is None  # the file did not exist before its first commit
    assert log[0].old_blob == log[1].new_blob
    assert git(r.root, "cat-file", "-p", log[0].new_blob or "").startswith("sources:")
    assert [c.short for c in file_log(r.data, "pilots.yaml", 1)] == [second]


def test_a_failing_git_command_raises_its_first_line(tmp_path):
    r = Repo(tmp_path / "repo")
    with pytest.raises(GitError, match="^fatal: Needed a single revision$"):
        git(r.root, "rev-parse", "--verify", "HEAD")


# --- git's output read with separators git cannot put in a field (issue 16) ---------------

HOSTILE_SUBJECTS = [
    "x\x1ey",  # the record separator the parser once split on
    "x\x1fy",  # the unit separator
    "制表\t符",
    ":100644 100644 abc def M",  # looks like a raw line
    "<img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("subject", HOSTILE_SUBJECTS, ids=["RS", "US", "tab", "raw-line", "markup"])
def test_any_subject_is_read_back_as_typed(tmp_path, subject):
    r = Repo(tmp_path / "repo")
    r.commit("初始", "2024-01-01T00:00:00+08:00")
    r.commit(subject, "2024-02-01T00:00:00+08:00", ("    name: 临淄区\n", "    name: 临淄\n"))
    log = file_log(r.data, "pilots.yaml", 10)
    assert [c.subject for c in log] == [subject, "初始"]


def test_a_subject_with_a_body_keeps_its_first_line(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("标题\n\n正文第一行\n第二行", "2024-01-01T00:00:00+08:00")
    assert [c.subject for c in file_log(r.data, "pilots.yaml", 10)] == ["标题"]


@pytest.mark.parametrize(
    "output",
    [
        "not a sha\0" + "2024-01-01T00:00:00+08:00\0x\0",
        "a" * 40 + "\0yesterday\0x\0",
        "a" * 40 + "\0" + "2024-01-01T00:00:00+08:00\0x\0\n:100644\0",
        "a" * 40 + "\0",
    ],
    ids=["sha", "date", "raw", "truncated"],
)
def test_unreadable_output_is_an_error_not_a_guess(output):
    with pytest.raises(GitError, match="无法解析 git log 的输出"):
        parse_file_log(output)


def test_an_unreadable_history_is_reported_and_the_build_goes_on(tmp_path, monkeypatch):
    r = Repo(tmp_path / "repo")
    r.commit("初始", "2024-01-01T00:00:00+08:00")

    def broken(*args, **kwargs):
        raise GitError("无法解析 git log 的输出（第 1 个提交）")

    monkeypatch.setattr(history_module, "file_log", broken)
    hist = read_history(r.path, 10)
    assert not hist.changes
    assert hist.message.startswith("修改记录暂不可用：")
