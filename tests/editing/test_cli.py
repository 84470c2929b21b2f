"""The command line of scripts/kb: one parser for every subcommand, bilingual help whose
examples work, and the maintainers' commands (check, schema, stats) as a user runs them."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pilotkb.data.validate import validate_file
from pilotkb.editing.cli import main

from ..conftest import ENV, ROOT
from .conftest import kb

KB = [sys.executable, str(ROOT / "scripts" / "kb")]
SUBCOMMANDS = ["check", "schema", "stats", "gaps", "add", "set", "update", "new-id", "source", "diff"]


def run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KB, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=120)


# --- help ------------------------------------------------------------------------------


def test_help_lists_every_subcommand_once_in_order() -> None:
    result = run(["--help"])
    assert result.returncode == 0, result.stderr
    usage = " ".join(result.stdout.split("\n\n", 1)[0].split())  # argparse wraps a long usage line
    assert usage == "usage: scripts/kb [-h] {" + ",".join(SUBCOMMANDS) + "} ..."
    listed = re.findall(r"^    ([a-z-]+) +\S", result.stdout, flags=re.M)
    assert listed == SUBCOMMANDS


def test_a_missing_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main([])
    assert stop.value.code == 2
    assert "the following arguments are required: cmd" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["add", "set", "update", "new-id", "diff"])
def test_help_is_bilingual_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"[\u4e00-\u9fff]{4}", out) and re.search(r"\b(Add|Set|Append|Propose|Compare)\b", out)
    assert "示例 / example:" in out and f"scripts/kb {command}" in out.split("示例 / example:")[1]


@pytest.mark.parametrize("command", ["set", "update"])
def test_help_examples_work(command: str, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    example = capsys.readouterr().out.split("示例 / example:")[1].replace("\\\n", " ")
    for line in example.strip().splitlines():
        argv = shlex.split(line)
        assert argv[0] == "scripts/kb"
        code, _, err = kb(data, *argv[1:], capsys=capsys)
        assert code == 0, err
    validate_file(data)


# --- check, schema, stats as a user runs them ------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # the folder the editor must fix, not the file's temporary name
        (["schema", "/nonexistent/dir/x.json"], "/nonexistent/dir: 无法写入：文件或目录不存在"),
        (["check", "data"], "data:1: (文件): (全部): 不是普通文件，而是目录；允许：普通文本文件"),
        (["stats", "data"], "data:1: (文件): (全部): 不是普通文件，而是目录；允许：普通文本文件"),
    ],
)
def test_commands_end_with_a_chinese_message_not_a_traceback(args, expected):
    result = run(args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert expected in result.stderr


def test_schema_written_whole(tmp_path):
    out = tmp_path / "schema.json"
    result = run(["schema", str(out)])
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(
        (ROOT / "schema" / "pilots.schema.json").read_text(encoding="utf-8")
    )
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]


def test_check_and_stats_count_each_collection(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = yaml.safe_load(data.read_text(encoding="utf-8"))
    assert main(["stats", str(data)]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows and all(int(n) == len(raw.get(name) or []) for name, n in rows)
    assert sorted(name for name, _ in rows) == sorted(raw)
    assert main(["check", str(data)]) == 0
    counts = "，".join(f"{name} {n}" for name, n in rows)
    assert capsys.readouterr().out == f"{data}: 校验通过（{counts}）\n"
