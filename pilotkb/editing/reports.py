"""Where CI shows the validator's problems: GitHub workflow annotations and GitLab Code Quality.

The plain ``file:line: record: field: message`` lines stay the main output; these formats are
printed or written beside them so that a problem appears on the changed line of a pull request
(GitHub) or in the merge request's Code Quality widget (GitLab).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pilotkb.errors import DataError, Problem
from pilotkb.files import write_atomic

CHECK_NAME = "kb-check"


# --- paths ----------------------------------------------------------------------------


def repo_path(file: str) -> str:
    """``file`` relative to the checkout (GitHub/GitLab workspace, else the working directory).

    Both GitHub and GitLab match an annotation to a changed file by its path in the repository.
    """
    path = Path(file)
    bases = [os.environ.get("GITHUB_WORKSPACE"), os.environ.get("CI_PROJECT_DIR"), os.getcwd()]
    if path.is_absolute():
        for base in filter(None, bases):
            try:
                return path.resolve().relative_to(Path(base).resolve()).as_posix()
            except ValueError:
                continue
    return path.as_posix()


# --- GitHub Actions -------------------------------------------------------------------


def _escape_data(text: str) -> str:
    # GitHub's workflow-command rules (actions/toolkit command.ts: escapeData)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # escapeProperty: as data, plus the separators of the property list
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """``::error file=…,line=N,title=<record>: <field>::<message>`` for one problem."""
    props = {
        "file": repo_path(problem.file),
        "line": str(problem.line),
        "title": f"{problem.record}: {problem.field}",
    }
    joined = ",".join(f"{key}={_escape_property(value)}" for key, value in props.items())
    return f"::error {joined}::{_escape_data(problem.message)}"


def github_annotations(problems: Iterable[Problem]) -> str:
    return "".join(github_annotation(p) + "\n" for p in problems)


def github_wanted(fmt: str | None) -> bool:
    """``--format github``, or running under GitHub Actions with no ``--format`` given."""
    if fmt is not None:
        return fmt == "github"
    return os.environ.get("GITHUB_ACTIONS") == "true"


# --- GitLab Code Quality --------------------------------------------------------------


def codequality_issues(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    """GitLab Code Quality issues (a subset of the Code Climate format) for the problems.

    The fingerprint leaves the line out, so a problem keeps its identity when lines above it
    move; identical problems in one file are told apart by their order.
    """
    issues: list[dict[str, Any]] = []
    seen: dict[tuple[str, ...], int] = {}
    for p in problems:
        path = repo_path(p.file)
        key = (path, p.record, p.field, p.message)
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256("\x1f".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()
        issues.append(
            {
                "type": "issue",
                "description": f"{p.record}: {p.field}: {p.message}",
                "check_name": CHECK_NAME,
                "fingerprint": digest,
                "severity": "major",
                "location": {"path": path, "lines": {"begin": p.line}},
            }
        )
    return issues


def write_codequality(path: str | Path, problems: Iterable[Problem]) -> None:
    """Write the report atomically; ``[]`` when there is no problem."""
    text = json.dumps(codequality_issues(problems), ensure_ascii=False, indent=2) + "\n"
    write_atomic(path, text)


# --- shared ---------------------------------------------------------------------------


_ERRNO_TEXT = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名太长",
}


def os_error_text(exc: OSError) -> str:
    """A short Chinese reason for an OSError, the system's own words kept after it."""
    reason = _ERRNO_TEXT.get(exc.errno or 0)
    system = exc.strerror or str(exc)
    return f"{reason}（{system}）" if reason else system


def _emit(problems: list[Problem], fmt: str | None, codequality: str | None, out: IO[str]) -> None:
    if github_wanted(fmt):
        out.write(github_annotations(problems))
        out.flush()
    if codequality:
        try:
            write_codequality(codequality, problems)
        except OSError as exc:
            # the data problems are still reported by the caller; say why the report is missing
            print(f"{exc.filename}: 无法写入：{os_error_text(exc)}", file=sys.stderr)


@contextmanager
def reporting(fmt: str | None, codequality: str | None, out: IO[str] | None = None) -> Iterator[None]:
    """Around ``kb check``: on a DataError print annotations / write the report, then re-raise.

    On success the Code Quality report is written empty (``[]``), so a fixed problem disappears
    from the merge request.
    """
    out = out or sys.stdout
    try:
        yield
    except DataError as exc:
        _emit(exc.problems, fmt, codequality, out)
        raise
    except OSError as exc:
        # the data file itself cannot be read: still one problem, at its first line
        reason = f"无法读取：{os_error_text(exc)}"
        _emit([Problem(str(exc.filename or ""), 1, "(文件)", "(文件)", reason)], fmt, codequality, out)
        raise
    else:
        if codequality:
            write_codequality(codequality, [])
