"""pilotkb/files.py: what is read is a regular file of bounded size; what is written is atomic,
never over a read-only file, and leaves no temporary file a killed writer could not clean."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from pilotkb.errors import DataError
from pilotkb.files import read_input, remove_stale_temporaries, write_atomic

from .conftest import ROOT

KB = [sys.executable, str(ROOT / "scripts" / "kb")]


def _message(exc: pytest.ExceptionInfo[DataError]) -> str:
    return exc.value.problems[0].message


def test_a_fifo_is_refused_at_once_and_never_waited_on(tmp_path):
    fifo = tmp_path / "pilots.yaml"
    os.mkfifo(fifo)
    # in a second process: a regression would hang, and the timeout turns that into a failure
    run = subprocess.run([*KB, "check", str(fifo)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "不是普通文件，而是命名管道（FIFO）；允许：普通文本文件" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("target,kind", [("/dev/zero", "字符设备"), (None, "目录")], ids=["device", "folder"])
def test_a_device_or_folder_is_refused_with_what_it_is(tmp_path, target, kind):
    path = tmp_path / "pilots.yaml"
    if target:
        path.symlink_to(target)
    else:
        path.mkdir()
    with pytest.raises(DataError) as exc:
        read_input(path, "pilots.yaml")
    assert _message(exc) == f"不是普通文件，而是{kind}；允许：普通文本文件"


def test_the_size_cap_is_checked_before_reading_all(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    monkeypatch.setenv("KB_MAX_INPUT_MB", "2")
    with pytest.raises(DataError) as exc:
        read_input(path)
    assert _message(exc).startswith("文件超过 2 MB，未读取；允许：不超过 2 MB 的文本文件")
    monkeypatch.setenv("KB_MAX_INPUT_MB", "3")
    assert len(read_input(path)) == 2 * 1024 * 1024 + 1
    monkeypatch.setenv("KB_MAX_INPUT_MB", "lots")
    with pytest.raises(DataError) as exc:
        read_input(path)
    assert _message(exc) == "应为正整数（MB），实际是 'lots'"


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(DataError) as exc:
        read_input(tmp_path / "nope.yaml", "nope.yaml")
    assert _message(exc) == "文件不存在"


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "pilots.yaml"
    path.write_text("旧\n", encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(PermissionError) as exc:
        write_atomic(path, "新\n")
    assert exc.value.filename == str(path) and "只读" in exc.value.strerror
    assert path.read_text(encoding="utf-8") == "旧\n" and (path.stat().st_mode & 0o777) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pilots.yaml"]


def test_an_unwritable_folder_is_named_not_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "data" / "pilots.yaml"
    path.parent.mkdir()
    path.write_text("旧\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", os.path.join(kwargs["dir"], ".pilots.yaml.1.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as exc:
        write_atomic(path, "新\n")
    assert exc.value.filename == str(path.parent)


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path):
    path = tmp_path / "pilots.yaml"
    path.write_text("旧\n", encoding="utf-8")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = tmp_path / f".pilots.yaml.{dead.pid}.k1ll3d.tmp"
        busy = tmp_path / f".pilots.yaml.{alive.pid}.wr1t1n.tmp"
        other = tmp_path / ".pilots.yaml.notours.tmp"
        for p in (stale, busy, other):
            p.write_text("半", encoding="utf-8")
        write_atomic(path, "新\n")
        assert not stale.exists()  # its writer is gone
        assert busy.exists() and other.exists()  # a live writer's, and a name we did not make
        assert remove_stale_temporaries(path) == []
    finally:
        alive.kill()
        alive.wait()
    assert path.read_text(encoding="utf-8") == "新\n"


def test_git_ignores_the_temporary_files_of_a_write():
    run = subprocess.run(
        ["git", "check-ignore", "-q", "data/.pilots.yaml.12345.abcdefgh.tmp"], cwd=ROOT, capture_output=True
    )
    assert run.returncode == 0, "data/.pilots.yaml.*.tmp would be committed by git add data/"
