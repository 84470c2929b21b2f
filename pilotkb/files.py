"""Reading and writing files: the one reader of input files and the one atomic writer.

Every input file (the data file, source texts, a file an editor command is given) is read by
``read_input``: only a regular file (not a FIFO, a device, a folder), and at most
``MAX_INPUT_BYTES`` of it, so a wrong path never hangs or fills memory.

Every file the package writes (the data file by the editor commands, reports, downloads)
goes through ``write_atomic``: the bytes go to a temporary file beside the target, are
flushed to disk, and the temporary file is renamed over the target. An interrupted write
leaves the old file (or none), never half a file; a later write removes the temporary files
that killed writers left behind (their names carry the writer's process id).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from pilotkb.errors import DataError, Problem

# Far above any real catalogue (10,000 pilots are 14 MB); the environment variable
# KB_MAX_INPUT_MB (docs/guide/settings.md) changes it for the build and the kb commands alike.
MAX_INPUT_MB = 256
MAX_INPUT_BYTES = MAX_INPUT_MB * 1024 * 1024
LIMIT_VARIABLE = "KB_MAX_INPUT_MB"

_KINDS = {
    stat.S_ISDIR: "目录",
    stat.S_ISFIFO: "命名管道（FIFO）",
    stat.S_ISCHR: "字符设备",
    stat.S_ISBLK: "块设备",
    stat.S_ISSOCK: "套接字",
}


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS.items() if test(mode)), "特殊文件")


def _refuse(shown: str, message: str) -> DataError:
    return DataError([Problem(shown, 1, "(文件)", "(全部)", message)])


def input_limit() -> int:
    """The most bytes an input file may have: KB_MAX_INPUT_MB, else ``MAX_INPUT_MB``."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not raw:
        return MAX_INPUT_BYTES
    if not raw.isdigit() or int(raw) < 1:
        raise DataError(
            [
                Problem(
                    f"${LIMIT_VARIABLE}", 1, "(环境变量)", LIMIT_VARIABLE, f"应为正整数（MB），实际是 {raw!r}"
                )
            ]
        )
    return int(raw) * 1024 * 1024


def read_input(path: str | Path, shown: str | None = None, limit: int | None = None) -> bytes:
    """The bytes of a regular file, or ``DataError`` saying why not (missing, not a regular
    file, larger than ``limit``, unreadable). Never blocks on a FIFO, never reads past ``limit``."""
    path = Path(path)
    shown = shown or str(path)
    limit = input_limit() if limit is None else limit
    try:
        # O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _refuse(shown, "文件不存在") from None
    except OSError as exc:
        raise _refuse(shown, f"无法读取（{exc.strerror}）；允许：可读的普通文本文件") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refuse(shown, f"不是普通文件，而是{_kind(mode)}；允许：普通文本文件")
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            shown,
            f"文件超过 {limit // (1024 * 1024)} MB，未读取；允许：不超过 {limit // (1024 * 1024)} MB 的文本文件"
            f"（上限由环境变量 {LIMIT_VARIABLE} 设置）",
        )
    return data


# What a spreadsheet runs as a formula when a cell starts with it (CSV downloads, kb gaps --format csv).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(text: str) -> str:
    """Text for a spreadsheet cell that a spreadsheet will show, never run: a leading
    apostrophe before what would start a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files of earlier writes of ``path`` whose writer is gone
    (killed mid-write). Names are ``.{name}.{pid}.{random}.tmp``; a live writer's file stays."""
    removed = []
    for tmp in path.parent.glob(f"{_temp_prefix(path)}*.tmp"):
        parts = tmp.name[len(_temp_prefix(path)) :].split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            continue  # not one of ours
        pid = int(parts[0])
        if pid != os.getpid() and not _alive(pid):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomic(
    path: str | Path,
    data: bytes | str,
    *,
    mode: int | None = None,
    check: Callable[[Path], None] | None = None,
) -> None:
    """Write ``data`` to ``path`` atomically.

    ``mode``: the new file's permissions (default: the old file's, else 0o644 — mkstemp
    makes files private, and what is written here is meant to be read).
    ``check``: called with the temporary file before it replaces ``path``; an exception
    from it leaves ``path`` as it was.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        old = path.stat()
    except FileNotFoundError:
        old = None
    if old is not None and not old.st_mode & 0o222:
        # read-only on purpose (chmod a-w): replacing it would defeat the protection
        raise OSError(
            errno.EACCES, "文件是只读的（没有任何写权限），未改动；如确需修改，请先 chmod u+w", str(path)
        )
    remove_stale_temporaries(path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".tmp"
        )
    except OSError as exc:
        # the folder is what the editor must fix, not the temporary file's name
        raise OSError(exc.errno, exc.strerror, str(path.parent)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None:
            mode = old.st_mode & 0o7777 if old is not None else 0o644
        os.chmod(tmp, mode)
        if check is not None:
            check(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_tree(files: Mapping[str, bytes], root: Path) -> None:
    """Write each file under ``root`` (folders made as needed), each atomically."""
    for rel_path, content in files.items():
        target = root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content, mode=0o644)
