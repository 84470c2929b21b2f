"""Shared by the editing tests: a copy of the real data, and ``scripts/kb`` run in-process."""

from __future__ import annotations

import difflib
import hashlib
import shutil
from pathlib import Path

import pytest

from pilotkb.editing.cli import main

from ..conftest import ROOT
from ..gitrepo import git

SOURCE = "zibo-2017-report"
SOURCE_TEXT = next((ROOT / "data" / "sources").glob("*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of ``data/`` (the data file and its sources); the path of its ``pilots.yaml``."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data" / "pilots.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the real data/, committed once."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "data")
    git(tmp_path, "commit", "-q", "-m", "初始数据")
    return tmp_path


def kb(data: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """An editor command on ``data``: (exit code, stdout, stderr)."""
    code = main([*args, "--data", str(data)])
    out, err = capsys.readouterr()
    return code, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stray_files(data: Path) -> list[str]:
    """Files beside the data file other than itself and its sources (temporary files left)."""
    return sorted(p.name for p in data.parent.iterdir() if p.name not in ("pilots.yaml", "sources"))


def diff_ops(old: str, new: str) -> list[tuple[str, list[str], list[str]]]:
    a, b = old.splitlines(), new.splitlines()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def quote_in_source(fragment: str) -> str:
    assert fragment in SOURCE_TEXT
    return fragment


def new_pilot(rid: str, name: str, area: str, quote: str) -> str:
    """A records file with one pilot, with a comment, a folded summary and a trailing comment."""
    return (
        "# 新增试点\n"
        f"- id: {rid}\n"
        f"  name: {name}\n"
        f"  areas: [{area}]\n"
        "  summary: >-\n"
        "    依据原文的概述，\n"
        "    分两行书写。\n"
        f"  source: {SOURCE}\n"
        f"  quote: {quote_in_source(quote)}  # 逐字摘录\n"
    )
