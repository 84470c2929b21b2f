"""The quick path of validation gives exactly what the detailed path gives.

``pilotkb.data.fastload.read`` reads the common case (the plain block style the data file is
written in) without nodes or line numbers, and ``validate_file`` falls back to the detailed
loader on anything it does not read or any problem a check finds. So: whenever the quick
reader returns data it must be the detailed loader's data with the same types, and a file
with problems must get the detailed path's messages.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from pilotkb import DataError
from pilotkb.data import synth
from pilotkb.data.fastload import item_lines, read
from pilotkb.data.load import load, loads
from pilotkb.data.validate import SourceText, validate, validate_file

from ..conftest import FIXTURES, ROOT

BAD = FIXTURES / "bad"
REAL = ROOT / "data" / "pilots.yaml"

# Everything the quick reader handles, and its neighbours.
RICH = """\
# comment
sources:
- id: s
  title: '示例 ''引号'' # 不是注释'
  kind: "报告"
  note: 值 # 注释
  n: 12
  f: 1.5
  b: true
  y: yes
  z: ~
  e:
  d: 2017-04-15
  o: 012
  x: 1_000
  s: 1:30
  u: http://example.com/a?b=1&c=2#frag
areas:
  - id: linzi
    name: 临淄区
    tags: [a, b , 1, 2017-04, yes]
    empty: []
    summary: >-
      第一行
      第二行 # 不是注释
    lit: |
      行一
      行二

    folded: >
      甲
      乙
    list:
      - 一
      - 二 # c
      - 'q'
      -   spaced: 1
          more: 2
      - k: v
        nested:
        - x
        - y
        other: [z]
  - id: x
    quote:
    - 甲。乙。
    - "丙"
top: 　全角空格开头
"""

# Snippets where YAML is subtle, in two lists. The quick reader reads the first exactly as
# the full loader does. It declines the second on purpose, being outside its subset (the full
# loader then reads them, or reports the mistake at its line), and must keep declining them.
READ_ALIKE = [
    "a: b#c\n",
    "a: b\r\nc: d\r\n",
    "a:\n- 1\n- 2\nb: 3\n",
    "a:\n- # c\n- 2\n",
    "a:\n- # c\n  b: 1\n",
    "a: |\n  x",
    "a:",
    "a: 1e3\nb: 0o12\nc: .inf\nd: -.5\ne: 0b11\nf: 0x1F\ng: +1\n",
    "- a\n- b\n",
    "a:\n- |\n x\n- b\n",
    "a:\n  - >-\n    x\n    y\n",
    "- |\n  x",
    "a:\n  b: >\n    x\n\n  c: 1\n",
    "a: \"\"\nb: ''\n",
    "a: [ ]\nb: [a , b]  # c\n",
]
LEFT_TO_THE_FULL_LOADER = [
    "a: b: c\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n  - 1\n   - 2\n",
    'a: "abc\nb: 1\n',
    "a: 'abc\nb: 1\n",
    "a: [1, 2\nb: 1\n",
    "a:\n\tb: 1\n",
    "a: 1\na: 2\n",
    "a:b\nc: 1\n",
    "a: 1\n- b\n",
    "a: 1\n---\nb: 2\n",
    "a: @x\n",
    "a: `x\n",
    "a:\n  -\n",
    "a: 1\n  b: 2\n",
    "a: b\n  c\n",
    "a:\n  b\n  c\n",
    "a: >-\n  x\n  y\n\n  z\nb: 1\n",
    "a: |\n  x\n   y\nb: 1\n",
    "a: b\x07c\n",
    "a: b\x85c\n",
    "a: b\u2028c\n",
    "a: b\rc: d\n",
    'a: "\\/\\N"\n',
    "? a\n: b\n",
    "a: {b: 1}\n",
    "a:\n- - 1\n  - 2\n",
    "a: b\ufeffc\n",
    "a: !!str 1\n",
    "a: &x 1\nb: *x\n",
    "a b: 1\n",
    "'a': 1\n",
    "1: a\n",
    "yes: a\n",
    "a: =\n",
    "<<: {a: 1}\n",
    "a: [b, *c]\n",
    "a: [b:c]\n",
    "a: [b, ]\n",
    "a: [-b, - c]\n",
    "a: |\n  x\n      \nb: 1\n",
    "a: >-\n\n  x\n",
    "a: 'x' y\n",
    "a: [x] y\n",
    "%YAML 1.1\n---\na: 1\n",
    "  a: 1\n",
    "",
    "# only a comment\n",
    ("k" * 1100) + ": v\n",
    "a:\n  b: |\n  x\n",
    "".join(" " * i + "k:\n" for i in range(3000)),  # deeper than Python's recursion limit
]
# fixtures with a mistake of form, which the full loader reports before any check
LEFT_FIXTURES = {"alias_bomb.yaml", "duplicate_key.yaml", "empty.yaml", "syntax.yaml", "unsafe_tag.yaml"}


def typed(value: Any) -> Any:
    """``value`` with every scalar's type spelt out (``True == 1`` must not pass)."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, repr(value))


def detailed(text: str) -> Any:
    """The detailed loader's data, or a word saying it found a problem."""
    try:
        located = loads(text)
    except DataError:
        return "error"
    return "problems" if located.problems else typed(located.data)


def record_lines(data: Any, lines: dict) -> dict:
    """The lines of the mappings in the top-level lists (the records), as the catalogue keeps them."""
    return {
        k: v
        for k, v in lines.items()
        if len(k) == 2 and isinstance(k[1], int) and isinstance(data[k[0]][k[1]], dict)
    }


def assert_same_lines(text: str, quick: Any) -> None:
    """The quick path's record lines (``item_lines``) are the full loader's."""
    if isinstance(quick, dict):
        full = loads(text)
        assert record_lines(quick, item_lines(text, quick)) == record_lines(full.data, full.lines), text[:500]


def assert_same_or_left(text: str) -> bool:
    """The quick reader reads ``text`` as the full loader does, or declines it (True: read)."""
    quick = read(text)
    if quick is not None:
        assert typed(quick) == detailed(text), text[:500]
        if detailed(text) not in ("error", "problems"):
            assert_same_lines(text, quick)
    return quick is not None


def assert_read_alike(text: str) -> None:
    """The quick reader reads ``text`` (it does not decline it) as the full loader does, and
    finds each record at the line the full loader gives it."""
    quick = read(text)
    assert quick is not None, f"declined: {text[:200]!r}"
    assert typed(quick) == detailed(text), text[:500]
    assert_same_lines(text, quick)


def test_rich_text_is_read_like_the_full_loader():
    assert_read_alike(RICH)


@pytest.mark.parametrize("text", READ_ALIKE)
def test_subtle_yaml_inside_the_subset_is_read_like_the_full_loader(text):
    assert_read_alike(text)


@pytest.mark.parametrize("text", LEFT_TO_THE_FULL_LOADER)
def test_subtle_yaml_outside_the_subset_is_left_to_the_full_loader(text):
    assert read(text) is None


@pytest.mark.parametrize("path", [REAL, *sorted(BAD.glob("*.yaml"))], ids=lambda p: p.name)
def test_data_and_fixtures_are_read_like_the_full_loader(path):
    """The real data and every fixture whose YAML is sound take the quick path, with the same
    data; those with a mistake of form (syntax, alias, tag, duplicate key, empty) do not."""
    text = path.read_bytes().decode("utf-8-sig")
    if path.name in LEFT_FIXTURES:
        assert read(text) is None
    else:
        assert_read_alike(text)


def test_the_files_as_written_take_the_quick_path(tmp_path):
    """The real data and a synthetic catalogue are in the subset (else validation is slow)."""
    assert_read_alike(REAL.read_text(encoding="utf-8"))
    assert_read_alike(synth.write(50, tmp_path).read_text(encoding="utf-8"))


def test_mutated_files_are_left_or_read_alike():
    """Thousands of small edits of valid text: never a different reading."""
    rng = random.Random(11)
    inserts = [":", ": ", " #", "#", "-", "- ", "'", '"', "[", "]", "{", "&a ", "*a", "!", "!!str ", " "]
    inserts += ["\t", ">", "|", ">-\n", "%", "@", "?", "? ", ",", "\\", "yes", "012", "1e3", "~", "<<"]
    inserts += ["---", "\n", "\n  ", "\n\n", "|\n", "1:2", "2017-04-15", "\u3000", "[a, b]", "[]", "a: b"]
    bases = [RICH, (BAD / "valid.yaml").read_text(encoding="utf-8"), REAL.read_text(encoding="utf-8")[:4000]]
    read_quickly = 0
    for base in bases:
        lines = base.split("\n")
        for _ in range(1500):
            edited = list(lines)
            for _ in range(rng.choice([1, 1, 2])):
                i = rng.randrange(len(edited))
                line, op = edited[i], rng.random()
                if op < 0.6:
                    at = rng.randrange(len(line) + 1)
                    edited[i] = line[:at] + rng.choice(inserts) + line[at:]
                elif op < 0.75 and line:
                    at = rng.randrange(len(line))
                    edited[i] = line[:at] + line[at + rng.choice([1, 2]) :]
                elif op < 0.9:
                    edited[i] = " " * rng.choice([1, 2]) + line
                else:
                    edited[i] = line[rng.choice([1, 2]) :]
            text = "\n".join(edited)
            if rng.random() < 0.2:
                text = text[: rng.randrange(len(text) + 1)]  # cut anywhere, e.g. no final line break
            read_quickly += assert_same_or_left(text)
    assert read_quickly > 300  # the comparison did happen on many edits


def catalogue_dump(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(through validate_file, through the detailed path) as plain data."""
    quick = validate_file(path).data.model_dump(mode="json")
    full = validate(load(path), path).data.model_dump(mode="json")
    return quick, full


def test_valid_files_give_the_same_catalogue_through_both_paths(tmp_path):
    quick, full = catalogue_dump(REAL)
    assert quick == full
    quick, full = catalogue_dump(synth.write(200, tmp_path))
    assert quick == full


@pytest.mark.parametrize("path", [REAL, FIXTURES / "golden" / "pilots.yaml"], ids=["real", "golden"])
def test_the_catalogue_knows_each_records_line_through_both_paths(path):
    """Each record's line is the line of its ``- id:`` (the record pages' edit links), whether
    the file went through the quick reader or the detailed loader."""
    raw = path.read_text(encoding="utf-8").splitlines()
    quick, full = validate_file(path), validate(load(path), path)
    assert quick.lines == full.lines
    expected = {}
    for coll, items in yaml.safe_load("\n".join(raw)).items():
        section = raw.index(f"{coll}:")
        for rec in items:
            at = next(
                i for i, ln in enumerate(raw[section:], section + 1) if ln.endswith(f"- id: {rec['id']}")
            )
            expected[(coll, rec["id"])] = at
    assert quick.lines == expected


def problems(call: Any) -> list[tuple[str, int, str, str, str]]:
    with pytest.raises(DataError) as info:
        call()
    return [(p.file, p.line, p.record, p.field, p.message) for p in info.value.problems]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.name)
def test_bad_fixtures_get_the_detailed_paths_messages(path):
    if path.name == "valid.yaml":
        return
    assert problems(lambda: validate_file(path)) == problems(lambda: validate(load(path), path))


# (what to replace, by what): mistakes the quick reader reads but a check refuses
MISTAKES = [
    ("  level: 国家级\n", "  level: 国家\n"),
    ("  - linzi\n", "  - nowhere\n"),
    ("  approved: 2016\n", "  approved: 2016-02-30\n"),
    ("- id: pilot-00002\n", "- id: pilot-00001\n"),
    ("累计完成投资801万元。\n", "累计完成投资802万元。\n"),
    ("  status: 推进中\n", "  status: 推进中\n  leader: 某人\n"),
    ("  status: 推进中\n", "  status: 推进中\n  status: 推进中\n"),
    ("  status: 推进中\n", "  status: &a 推进中\n  goals: *a\n"),
    ("  status: 推进中\n", "  status: !!python/none 推进中\n"),
]


@pytest.mark.parametrize(("old", "new"), MISTAKES)
def test_synthetic_mistakes_get_the_detailed_paths_messages(tmp_path, old, new):
    path = synth.write(40, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    got = problems(lambda: validate_file(path))
    assert got == problems(lambda: validate(load(path), path))
    assert all(line > 1 for _, line, _, _, _ in got)  # at the mistake's line, not the file's top


def test_quote_lookup_agrees_with_plain_search():
    rng = random.Random(5)
    sentences = ["甲乙丙。", "丁戊己！", "庚辛？", "壬癸；", "甲乙丙。", "子丑寅卯", " 辰巳。"]
    text = "".join(rng.choice(sentences) + rng.choice(["", " "]) for _ in range(400)).strip(" ")
    source = SourceText(text)
    for _ in range(4000):
        a = rng.randrange(len(text))
        b = rng.randrange(a, min(len(text), a + 30) + 1)
        quote = text[a:b].strip(" ")
        if rng.random() < 0.3 and quote:
            at = rng.randrange(len(quote))
            quote = quote[:at] + rng.choice("甲。！乙 ") + quote[at + 1 :]
        assert source.contains(quote) == (quote in text), quote
