"""Writing files: the one atomic writer of the package.

Every file the package writes (the data file by the editor commands, reports, downloads)
goes through ``write_atomic``: the bytes go to a temporary file beside the target, are
flushed to disk, and the temporary file is renamed over the target. An interrupted write
leaves the old file (or none), never half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path


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
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o644
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
