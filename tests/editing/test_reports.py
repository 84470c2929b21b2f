"""Where `scripts/kb check` puts its problems in CI: GitHub workflow annotations on the broken
line, a GitLab Code Quality report (empty once the data is fixed), and a report that cannot be
written said in Chinese while the problems are still shown."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import ENV, ROOT

KB = [sys.executable, str(ROOT / "scripts" / "kb")]
RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


BAD_LEVEL = "50%,级:x\n第二行"  # characters GitHub's command syntax must escape


@pytest.fixture
def broken(tmp_path) -> tuple[Path, int, str]:
    """A copy of the data with one pilot's level wrong: (project dir, line of it, pilot id)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / "pilots.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    pilot = RAW["pilots"][1]
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {pilot['id']}")
    index = next(i for i in range(start, len(lines)) if lines[i].startswith("    level:"))
    lines[index] = f"    level: {json.dumps(BAD_LEVEL, ensure_ascii=False)}\n"
    path.write_text("".join(lines), encoding="utf-8")
    return tmp_path, index + 1, pilot["id"]


def kb_check(cwd: Path, *args: str, github: bool = False):
    env = {k: v for k, v in ENV.items() if k not in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "CI_PROJECT_DIR")}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return run([*KB, "check", "data/pilots.yaml", *args], cwd=cwd, env=env)


def test_github_annotation_on_the_broken_line(broken):
    project, line, pid = broken
    result = kb_check(project, github=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # the plain lines stay as they are
    assert f"data/pilots.yaml:{line}: {pid}: level: 取值“50%,级:x" in result.stderr
    annotations = [x for x in result.stdout.splitlines() if x.startswith("::")]
    # GitHub's rules: % CR LF escaped everywhere, and : , also inside properties
    message = "取值“50%25,级:x%0A第二行”无效；允许：国家级、省级、市级"
    assert annotations == [f"::error file=data/pilots.yaml,line={line},title={pid}%3A level::{message}"]
    # --format github does the same outside GitHub; --format plain turns it off inside
    assert kb_check(project, "--format", "github").stdout == result.stdout
    assert "::error" not in kb_check(project, "--format", "plain", github=True).stdout
    assert "::error" not in kb_check(project).stdout


def test_codequality_report_for_the_broken_line_and_empty_when_valid(broken):
    project, line, pid = broken
    report = project / "gl-code-quality-report.json"
    report.write_text("old", encoding="utf-8")
    result = kb_check(project, "--codequality", str(report))
    assert result.returncode == 1
    issues = json.loads(report.read_text(encoding="utf-8"))
    assert len(issues) == 1
    issue = issues[0]
    assert issue["location"] == {"path": "data/pilots.yaml", "lines": {"begin": line}}
    assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
    assert (
        pid in issue["description"] and "level" in issue["description"] and BAD_LEVEL in issue["description"]
    )
    assert issue["check_name"] and re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    # the fingerprint stays when lines above the problem move; the line follows
    data = project / "data" / "pilots.yaml"
    data.write_text("# 新增的一行注释\n" + data.read_text(encoding="utf-8"), encoding="utf-8")
    kb_check(project, "--codequality", str(report))
    moved = json.loads(report.read_text(encoding="utf-8"))[0]
    assert moved["fingerprint"] == issue["fingerprint"]
    assert moved["location"]["lines"]["begin"] == line + 1
    # valid data: an empty report, so fixed problems leave the merge request
    shutil.copy(ROOT / "data" / "pilots.yaml", data)
    ok = kb_check(project, "--codequality", str(report))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(report.read_text(encoding="utf-8")) == []
    assert [p.name for p in project.iterdir() if p.name.startswith(".gl-code")] == []  # no temp file left


def test_unwritable_report_is_said_and_the_problems_still_shown(broken):
    project, line, pid = broken
    result = kb_check(project, "--codequality", str(project / "no-such-dir" / "r.json"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no-such-dir: 无法写入：文件或目录不存在" in result.stderr  # the folder to fix
    assert f"data/pilots.yaml:{line}: {pid}: level:" in result.stderr
