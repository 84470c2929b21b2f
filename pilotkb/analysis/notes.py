"""What readers are told about a commit of the data file: never a subject not written for them.

The public history (each record's 修改记录, 更新记录, the feeds) names each commit by a
description in readers' words, the first of:

1. its **note** in ``commit-notes.yaml`` at the top of the repository (a checked-in file,
   commit hash → 说明): for commits made before data commits were written for readers;
2. its **subject**, when it is written for readers (``for_readers``: it holds Chinese, and
   more Chinese characters than Latin letters);
3. otherwise a description **made from what it changed**, with the fields' Chinese labels:
   新增本条记录, 修改了概述、状态 … for one record (``Change.summary``), 新增试点 3 条；修改经验
   1 条（标题） … for the whole commit (``commit_summary``), both in ``analysis.changes``.

The note of a commit (1 or 2) is ``Change.note``; ``History.described`` gives each commit's.
"""

from __future__ import annotations

import re
from pathlib import Path

from pilotkb.data.load import decode_text, display_name, loads
from pilotkb.errors import DataError, Problem
from pilotkb.files import read_input

NOTES_FILE = "commit-notes.yaml"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_HASH = re.compile(r"[0-9a-f]{7,64}")


def for_readers(subject: str) -> bool:
    """A subject written for readers: it holds Chinese, and more Chinese characters than
    Latin letters (``Add 试点`` or ``推广采纳 index by level`` are not)."""
    han = len(_HAN.findall(subject))
    return han > 0 and han > len(_LATIN.findall(subject))


def read_notes(top: Path) -> dict[str, str]:
    """The notes of ``commit-notes.yaml`` in folder ``top`` (none without the file), or
    ``DataError`` with every problem at its line."""
    path = top / NOTES_FILE
    if not path.is_file():
        return {}
    shown = display_name(path)
    raw = read_input(path, shown)
    if all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in raw.decode("utf-8", "replace").splitlines()
    ):
        return {}  # only comments: no notes yet
    loc = loads(decode_text(raw, shown), shown)
    problems = [Problem(shown, line, "(文件)", "/".join(map(str, p)), m) for p, line, m in loc.problems]
    if not isinstance(loc.data, dict):
        problems.append(Problem(shown, 1, "(文件)", "(全部)", "应为映射；允许：提交编号: 中文说明"))
        raise DataError(problems)
    notes: dict[str, str] = {}
    for key, text in loc.data.items():
        line = loc.lines.get((key,), 1)
        if not _HASH.fullmatch(key):
            problems.append(
                Problem(shown, line, key, "(提交编号)", "不是提交编号；允许：7 至 40 位小写十六进制")
            )
        elif not isinstance(text, str) or not for_readers(text):
            problems.append(
                Problem(shown, line, key, "说明", "不是写给读者的中文说明；允许：一句中文，写明改了什么")
            )
        else:
            notes[key] = " ".join(text.split())
    if problems:
        raise DataError(problems)
    return notes


def note_of(sha: str, subject: str, notes: dict[str, str]) -> str:
    """The commit's description written by a person: its note, else its subject if written
    for readers, else empty (a description is then made from what it changed)."""
    for key, text in notes.items():
        if sha.startswith(key):
            return text
    return " ".join(subject.split()) if for_readers(subject) else ""
