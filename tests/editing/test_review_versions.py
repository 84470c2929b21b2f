"""scripts/kb diff on versions that kb check refuses: each reported at its version and line,
never as records added or deleted; a version that fails a check still gets its diff, under a
line that says so. Run as a reviewer runs it, in a scratch repository of the real data."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ..gitrepo import git
from .test_review import commit, kb_diff

DATA = Path("data") / "pilots.yaml"


def data_text(repo: Path) -> str:
    return (repo / DATA).read_text(encoding="utf-8")


def write(repo: Path, raw: bytes | str) -> None:
    (repo / DATA).write_bytes(raw.encode("utf-8") if isinstance(raw, str) else raw)


def broken_tail(repo: Path) -> int:
    """Valid records, then a term whose flow list is never closed: YAML finds it missing at
    the end of the file (the line after the bracket's, which the message names as well)."""
    text = data_text(repo)
    write(repo, text + "  - id: zzz-unclosed\n    term: [unclosed\n")
    return text.count("\n") + 3


def duplicate_id(repo: Path) -> int:
    """The first pilot written twice: the line of the second copy's id."""
    text = data_text(repo)
    start = text.index("\n  - id: ", text.index("\npilots:\n")) + 1
    end = text.index("\n  - id: ", start) + 1
    write(repo, text[:end] + text[start:end] + text[end:])
    return text[:end].count("\n") + 1


def anchor(repo: Path) -> int:
    """An anchor on the first pilot's level and an alias to it on the second's."""
    text = data_text(repo)
    first = text.index("    level: ", text.index("\npilots:\n"))
    second = text.index("    level: ", first + 1)
    eol = text.index("\n", second)
    text = text[:second] + "    level: *lv" + text[eol:]
    text = text[:first] + "    level: &lv " + text[first + len("    level: ") :]
    write(repo, text)
    return text[:first].count("\n") + 1


def binary(repo: Path) -> int:
    write(repo, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return 1


def bad_encoding(repo: Path) -> int:
    """The file saved as GB18030 by an editor: not UTF-8, at the first Chinese character."""
    text = data_text(repo)
    write(repo, text.encode("gb18030"))
    first = re.search(r"[\u4e00-\u9fff]", text).start()
    return text[:first].count("\n") + 1


def deleted(repo: Path) -> int:
    (repo / DATA).unlink()
    return 1


BAD: dict[str, Callable[[Path], int]] = {
    "broken-tail": broken_tail,
    "duplicate-id": duplicate_id,
    "anchor": anchor,
    "binary": binary,
    "bad-encoding": bad_encoding,
    "deleted": deleted,
}


def assert_nothing_listed(result, fmt: str) -> None:
    assert result.returncode == 1 and "Traceback" not in result.stderr
    if fmt == "json":
        out = json.loads(result.stdout)
        assert out["records"] is None and out["subject"] == ""
        return
    assert "**新增**" not in result.stdout and "**删除**" not in result.stdout
    assert "共 " not in result.stdout.split("无法比较")[0]  # no count of records before the notice
    assert not re.search(r"(新增|删除) \d+ 条", result.stdout + result.stderr)


def assert_named(result, fmt: str, role: str, line: int) -> None:
    """The version is named, and the problem is at ``data/pilots.yaml:line``."""
    where = f"data/pilots.yaml:{line}:"
    assert f"无法比较：{role}" in result.stderr and where in result.stderr
    if fmt == "json":
        (error,) = json.loads(result.stdout)["errors"]
        assert error["version"] == role.split("（")[0] and error["readable"] is False
        assert line in [p["line"] for p in error["problems"]] and error["count"] == len(error["problems"])
        assert error["message"].startswith(f"无法比较：{role}")
    else:
        assert f"**无法比较：{role}" in result.stdout and f"`data/pilots.yaml:{line}`" in result.stdout


@pytest.mark.parametrize("fmt", ["markdown", "json"])
@pytest.mark.parametrize("kind", sorted(BAD))
def test_an_unreadable_working_tree_is_named_and_nothing_is_listed(repo, kind, fmt):
    line = BAD[kind](repo)
    result = kb_diff(repo, "--format", fmt)
    assert_nothing_listed(result, fmt)
    assert_named(result, fmt, "工作区", line)


@pytest.mark.parametrize("fmt", ["markdown", "json"])
@pytest.mark.parametrize("kind", ["broken-tail", "duplicate-id", "binary", "deleted"])
def test_an_unreadable_commit_is_named_with_its_hash(repo, kind, fmt):
    line = BAD[kind](repo)
    git(repo, "add", "-A", "data")
    git(repo, "commit", "-q", "-m", "坏的版本")
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    result = kb_diff(repo, "HEAD~1", "HEAD", "--format", fmt)
    assert_nothing_listed(result, fmt)
    assert_named(result, fmt, f"提交（{short}）", line)
    subject = kb_diff(repo, "HEAD~1", "HEAD", "--subject")
    assert subject.returncode == 1 and subject.stdout == "" and f"提交（{short}）" in subject.stderr


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_a_broken_base_is_named_and_nothing_is_listed(repo, fmt):
    good = data_text(repo)
    line = broken_tail(repo)
    git(repo, "commit", "-q", "-am", "坏的基准")
    base = git(repo, "rev-parse", "--short=7", "HEAD")
    write(repo, good)
    git(repo, "commit", "-q", "-am", "修好")
    result = kb_diff(repo, "HEAD~1", "HEAD", "--format", fmt)
    assert_nothing_listed(result, fmt)
    assert_named(result, fmt, f"基准（{base}）", line)


def quote_not_in_source(repo: Path) -> tuple[str, int]:
    """The first pilot's quote changed to a sentence the source does not hold: its id, its line."""
    text = data_text(repo)
    at = text.index("\n    quote: ", text.index("\npilots:\n")) + 1
    start = text.rindex("\n  - id: ", 0, at) + 1
    rid = text[start:].split("\n", 1)[0].removeprefix("  - id: ")
    eol = text.index("\n", at)
    write(repo, text[:at] + "    quote: 这句话不在任何来源的原文中" + text[eol:])
    return rid, text[:at].count("\n") + 1


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_a_version_that_fails_the_check_gets_its_diff_under_a_notice(repo, fmt):
    rid, line = quote_not_in_source(repo)
    git(repo, "commit", "-q", "-am", "改引文")
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    result = kb_diff(repo, "HEAD~1", "HEAD", "--format", fmt)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    notice = f"提交（{short}）的数据文件没有通过校验（scripts/kb check），共 1 处问题"
    assert notice in result.stderr and f"data/pilots.yaml:{line}: {rid}: quote:" in result.stderr
    if fmt == "json":
        out = json.loads(result.stdout)
        (error,) = out["errors"]
        assert error["version"] == "提交" and error["readable"] is True and error["count"] == 1
        assert [(p["line"], p["record"], p["field"]) for p in error["problems"]] == [(line, rid, "quote")]
        assert [(r["id"], r["kind"]) for r in out["records"]] == [(rid, "changed")]
        assert [f["field"] for f in out["records"][0]["fields"]] == ["quote"]
        return
    md = result.stdout
    head, rest = md.split(notice, 1)
    assert "**修改**" not in head  # the notice heads the diff
    assert f"`data/pilots.yaml:{line}`：{rid}：quote：" in rest and "- **修改**" in rest
    assert "共 1 条记录：修改 1 条。" in rest and "这句话不在任何来源的原文中" in rest


def test_a_valid_change_has_no_notice_and_an_empty_errors_field(repo):
    commit(repo, "概述", ("取得突破性进展。围绕深化", "取得12项突破性进展。围绕深化"))
    result = kb_diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["errors"] == []
    md = kb_diff(repo, "HEAD~1", "HEAD").stdout
    assert "校验" not in md and "无法比较" not in md
