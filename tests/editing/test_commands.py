"""The editor commands (scripts/kb add / set / update / new-id) on a copy of the real data:
what they change, what they refuse, and that a refusal or an interruption leaves the file as it was."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypinyin import lazy_pinyin

from pilotkb.data.model import RESERVED_IDS, SLUG_RE, Pilot
from pilotkb.data.validate import validate_file
from pilotkb.editing.cli import main
from tests import reportfiles

from ..conftest import ROOT
from .conftest import SOURCE, diff_ops, kb, new_pilot, quote_in_source, sha, stray_files

KB = ROOT / "scripts" / "kb"


# --- add ------------------------------------------------------------------------------


def test_add_inserts_record_and_keeps_every_other_byte(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = data.read_text(encoding="utf-8")
    before = yaml.safe_load(old)
    record_text = new_pilot(
        "linzi-party-checkup-pilot", "党性教育体检试点", "linzi", "临淄区创新开展党性教育体检的做法"
    )
    (tmp_path / "new.yaml").write_text(record_text, encoding="utf-8")
    code, out, err = kb(data, "add", "pilots", str(tmp_path / "new.yaml"), capsys=capsys)
    assert code == 0, err
    assert "校验通过" in out
    new = data.read_text(encoding="utf-8")
    validate_file(data)

    # Only an insertion; every line of the old file (comments, blank lines) is still there.
    ops = diff_ops(old, new)
    assert [tag for tag, _, _ in ops] == ["insert"]
    inserted = [ln for ln in ops[0][2] if ln.strip()]
    assert yaml.safe_load("\n".join(ln[2:] for ln in inserted)) == yaml.safe_load(record_text)
    assert "    summary: >-" in inserted and any(ln.endswith("# 逐字摘录") for ln in inserted)

    # The record sits right after the existing record whose id precedes its own.
    after = yaml.safe_load(new)
    wanted = yaml.safe_load(record_text)[0]
    ids = [p["id"] for p in before["pilots"]]
    pred = max(i for i in ids if i < wanted["id"])
    new_ids = [p["id"] for p in after["pilots"]]
    assert new_ids.index(wanted["id"]) == new_ids.index(pred) + 1
    assert [i for i in new_ids if i != wanted["id"]] == ids
    assert {k: v for k, v in after.items() if k != "pilots"} == {
        k: v for k, v in before.items() if k != "pilots"
    }
    assert stray_files(data) == []


def test_add_to_a_collection_the_file_does_not_have_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "data" / "sources", tmp_path / "data" / "sources")
    data = tmp_path / "data" / "pilots.yaml"
    src = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))["sources"][0]
    old = "# 注释\nsources:\n" + "".join(
        f"  - {k}: {v}\n" if i == 0 else f"    {k}: {v}\n" for i, (k, v) in enumerate(src.items())
    )
    data.write_text(old, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        f"- id: linzi\n  name: 临淄区\n  kind: 区\n  source: {SOURCE}\n  quote: 临淄区创新开展党性教育体检的做法\n",
        encoding="utf-8",
    )
    code, _, err = kb(data, "add", "areas", str(tmp_path / "a.yaml"), capsys=capsys)
    assert code == 0, err
    new = data.read_text(encoding="utf-8")
    assert new.startswith(old)
    assert yaml.safe_load(new)["areas"] == yaml.safe_load((tmp_path / "a.yaml").read_text(encoding="utf-8"))


# --- set ---------------------------------------------------------------------------------


def test_set_changes_one_field_only(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = data.read_text(encoding="utf-8")
    before = yaml.safe_load(old)
    target = next(p for p in before["pilots"] if p.get("status") == "推进中")
    code, _, err = kb(data, "set", f"pilots/{target['id']}", "status", "已完成销号", capsys=capsys)
    assert code == 0, err
    after = yaml.safe_load(data.read_text(encoding="utf-8"))
    expected = yaml.safe_load(old)
    next(p for p in expected["pilots"] if p["id"] == target["id"])["status"] = "已完成销号"
    assert after == expected
    ops = diff_ops(old, data.read_text(encoding="utf-8"))
    assert ops == [("replace", ["    status: 推进中"], ["    status: 已完成销号"])]


def test_set_list_value_and_a_field_the_record_lacks(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = data.read_text(encoding="utf-8")
    target = next(p for p in yaml.safe_load(old)["pilots"] if "status" not in p and "level" in p)
    rid = target["id"]  # bare id: unique across collections
    assert kb(data, "set", rid, "domains", "[经济体制, 社会民生]", capsys=capsys)[0] == 0
    assert kb(data, "set", rid, "status", "推进中", capsys=capsys)[0] == 0
    assert kb(data, "set", rid, "level", "null", capsys=capsys)[0] == 0
    new = data.read_text(encoding="utf-8")
    after = next(p for p in yaml.safe_load(new)["pilots"] if p["id"] == rid)
    want = {k: v for k, v in target.items() if k != "level"} | {
        "domains": ["经济体制", "社会民生"],
        "status": "推进中",
    }
    assert after == want
    # the new key is written where the model declares it: before the next field the record has
    order = list(Pilot.model_fields)
    keys = [k for k in target if k != "level"]
    later = [i for i, k in enumerate(keys) if order.index(k) > order.index("status")]
    keys.insert(later[0] if later else len(keys), "status")
    assert list(after) == keys
    assert "    domains: [经济体制, 社会民生]" in new.splitlines()
    validate_file(data)


# --- update ---------------------------------------------------------------------------


def test_update_appends_a_progress_update(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = data.read_text(encoding="utf-8")
    before = yaml.safe_load(old)
    with_updates = next(p for p in before["pilots"] if p.get("updates"))
    without = next(p for p in before["pilots"] if not p.get("updates"))
    quote = quote_in_source("2015年全国扶贫改革试验区工作现场会在博山召开")
    for pid in (with_updates["id"], without["id"]):
        code, _, err = kb(
            data, "update", pid, "--date", "2015", "--text", "现场会在博山召开", "--source", SOURCE, "--quote", quote,
            capsys=capsys,
        )  # fmt: skip
        assert code == 0, err
    new = data.read_text(encoding="utf-8")
    after = {p["id"]: p for p in yaml.safe_load(new)["pilots"]}
    item = {"date": 2015, "text": "现场会在博山召开", "source": SOURCE, "quote": quote}
    assert after[with_updates["id"]]["updates"] == [*with_updates["updates"], item]
    assert after[without["id"]]["updates"] == [item]
    assert all(tag == "insert" for tag, _, _ in diff_ops(old, new))
    validate_file(data)


# --- refusals --------------------------------------------------------------------------

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "not-utf8": (b"- id: x\n  name: \xff\xfe\n", "不是合法的 UTF-8"),
    "bad-yaml": (b"- id: x\n  name: [unclosed\n", "YAML 语法"),
    "not-a-list": ("id: x\nname: 试点\n".encode(), "应为记录列表"),
    "alias": (b"- &a\n  id: x\n- *a\n", "锚点和别名"),
    "invalid-record": ("- id: Bad_ID\n  name: 试点\n".encode(), "编号“Bad_ID”不合规"),
    "wrong-quote": (
        f"- id: zz-pilot\n  name: 试点\n  source: {SOURCE}\n  quote: 原文没有这句话\n".encode(),
        "引文在来源“zibo-2017-report”中找不到",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_add_refuses_bad_file_and_leaves_data_unchanged(
    case: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = BAD_FILES[case]
    (tmp_path / "in.yaml").write_bytes(content)
    digest = sha(data)
    code, _, err = kb(data, "add", "pilots", str(tmp_path / "in.yaml"), capsys=capsys)
    assert code == 1
    assert message in err
    assert "数据未作任何改动" in err and "Traceback" not in err
    assert sha(data) == digest
    assert stray_files(data) == []


def test_validator_messages_point_at_the_new_content(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.yaml").write_text(BAD_FILES["wrong-quote"][0].decode(), encoding="utf-8")
    code, _, err = kb(data, "add", "pilots", str(tmp_path / "in.yaml"), capsys=capsys)
    assert code == 1
    m = re.search(r"pilots\.yaml:(\d+): zz-pilot: quote: ", err)
    assert m, err
    # the reported line is the quote line of the record in the file as it would have been
    lines = data.read_text(encoding="utf-8").splitlines()
    ids = [p["id"] for p in yaml.safe_load("\n".join(lines))["pilots"]]
    pred = max(i for i in ids if i < "zz-pilot")
    start = lines.index(f"  - id: {pred}")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    # one blank line, then id, name, source, quote
    assert int(m.group(1)) == end + 1 + 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "pilotz", "x.yaml"], "未知的集合“pilotz”"),
        (["add", "pilots", "missing.yaml"], "文件不存在"),
        (["add", "pilots", "."], "不是普通文件，而是目录"),
        (["set", "no-such-record", "name", "x"], "编号“no-such-record”在任何集合中不存在"),
        (["set", "logistics-standardisatio", "name", "x"], "相近的编号：logistics-standardisation"),
        (["set", "logistics-standardisation", "colour", "红"], "允许的字段：source、quote、name"),
        (["set", "logistics-standardisation", "id", "x"], "发布后不能修改"),
        (["set", "logistics-standardisation", "status", "完成"], "取值“完成”无效；允许：争取中"),
        (["set", "logistics-standardisation", "domains", "{a: b}"], "无法识别"),
        (["set", "bad/zibo", "name", "x"], "未知的集合“bad”"),
        (["update", "zibo", "--text", "t", "--source", SOURCE, "--quote", "q"], "不存在"),
        (["update", "areas/zibo", "--text", "t", "--source", SOURCE, "--quote", "q"], "进展只能添加到试点"),
    ],
)
def test_refusals_leave_the_file_byte_for_byte(
    args: list[str], message: str, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = sha(data)
    code, _, err = kb(data, *args, capsys=capsys)
    assert code == 1
    assert message in err, err
    assert "数据未作任何改动" in err
    assert sha(data) == digest
    assert stray_files(data) == []


def test_ambiguous_bare_id_asks_for_the_collection(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = data.read_text(encoding="utf-8")
    event_id = yaml.safe_load(text)["events"][0]["id"]
    data.write_text(text.replace(f"  - id: {event_id}\n", "  - id: zibo\n", 1), encoding="utf-8")
    code, _, err = kb(data, "set", "zibo", "name", "x", capsys=capsys)
    assert code == 1
    assert "编号“zibo”在 areas、events 中都有" in err and "areas/zibo" in err


def test_missing_data_file_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kb(tmp_path / "none.yaml", "set", "x", "name", "y", capsys=capsys)
    assert code == 1 and "数据文件不存在" in err


# --- atomic write ------------------------------------------------------------------


class HalfThenFail:
    """A file that writes half of what it is given, then fails: a full disk, or Ctrl+C."""

    def __init__(self, file: Any, exc: BaseException, written: list[int]) -> None:
        self.file, self.exc, self.written = file, exc, written

    def __enter__(self) -> HalfThenFail:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.file.close()

    def write(self, payload: bytes) -> int:
        self.written.append(self.file.write(payload[: len(payload) // 2]))
        self.file.flush()
        raise self.exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)


@pytest.mark.parametrize(
    ("exc", "code"), [(KeyboardInterrupt(), 130), (OSError(28, "No space left on device"), 1)]
)
def test_interrupted_write_never_leaves_half_a_file(
    exc: BaseException,
    code: int,
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    digest = sha(data)
    written: list[int] = []
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        os, "fdopen", lambda fd, *a, **k: HalfThenFail(real_fdopen(fd, *a, **k), exc, written)
    )
    got, _, err = kb(data, "set", "logistics-standardisation", "status", "推进中", capsys=capsys)
    monkeypatch.undo()
    assert written and written[0] > 0  # the write really was cut off half-way
    assert got == code
    assert "数据未作任何改动" in err and "Traceback" not in err
    assert sha(data) == digest
    assert stray_files(data) == []


@pytest.mark.parametrize("command", ["set", "update"])
def test_a_reader_of_the_data_file_never_sees_a_write_under_way(
    command: str, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file is replaced whole (a new file renamed over it), never written in place: a
    reader that opened it before the command reads the whole old file to its end."""
    old = data.read_bytes()
    args = {
        "set": ["set", "logistics-standardisation", "status", "已完成销号"],
        "update": [
            "update", "logistics-standardisation", "--date", "2015", "--text", "现场会在博山召开",
            "--source", SOURCE, "--quote", quote_in_source("2015年全国扶贫改革试验区工作现场会在博山召开"),
        ],
    }[command]  # fmt: skip
    with data.open("rb") as reader:
        code, _, err = kb(data, *args, capsys=capsys)
        assert code == 0, err
        assert reader.read() == old
    assert data.read_bytes() != old
    assert stray_files(data) == []


def test_file_mode_is_kept(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.chmod(data, 0o664)
    assert kb(data, "set", "logistics-standardisation", "status", "推进中", capsys=capsys)[0] == 0
    assert data.stat().st_mode & 0o777 == 0o664


# --- new-id -----------------------------------------------------------------------------


def test_new_id_is_pinyin_stable_and_free(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["临淄区河长制改革试点", "博山区扶贫车间", "临淄区河长制改革试点（二期）", "5G 应用示范"]
    ids = []
    for name in names:
        code, out, err = kb(data, "new-id", name, capsys=capsys)
        assert code == 0, err
        rid = out.strip()
        assert SLUG_RE.match(rid) and rid not in RESERVED_IDS and len(rid) <= 40
        assert kb(data, "new-id", name, capsys=capsys)[1].strip() == rid  # stable
        ids.append(rid)
    assert len(set(ids)) == len(ids)
    assert ids[0].startswith("".join(lazy_pinyin("临淄区")) + "-")
    assert ids[1].startswith("".join(lazy_pinyin("博山区")) + "-")
    assert ids[3].startswith("5g-")


def test_new_id_avoids_an_id_already_taken(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "临淄区河长制改革试点"
    first = kb(data, "new-id", name, capsys=capsys)[1].strip()
    text = data.read_text(encoding="utf-8")
    taken = yaml.safe_load(text)["pilots"][0]["id"]
    data.write_text(text.replace(f"  - id: {taken}\n", f"  - id: {first}\n", 1), encoding="utf-8")
    second = kb(data, "new-id", name, capsys=capsys)[1].strip()
    assert second != first and second.startswith(first) and SLUG_RE.match(second)


def test_new_id_refuses_a_name_already_there(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pilot = yaml.safe_load(data.read_text(encoding="utf-8"))["pilots"][0]
    code, out, err = kb(data, "new-id", pilot["name"], capsys=capsys)
    assert code == 1 and out == ""
    assert pilot["id"] in err and "已有名为" in err


# --- as a user runs it, and two branches merged ------------------------------------------


def run_kb(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(KB), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "编辑",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "编辑",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def test_two_branches_each_add_a_pilot_and_merge_cleanly(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    assert git(repo, "init", "-q", "-b", "main").returncode == 0
    git(repo, "add", "data")
    assert git(repo, "commit", "-q", "-m", "base").returncode == 0
    base = (repo / "data" / "pilots.yaml").read_text(encoding="utf-8")

    added = {}
    branches = {
        "editor-a": ("临淄区党性教育体检", "linzi", "临淄区创新开展党性教育体检的做法"),
        "editor-b": ("博山区扶贫改革试验区现场会", "boshan", "博山区承接召开了全国扶贫改革试验区现场会"),
    }
    for branch, (name, area, quote) in branches.items():
        assert git(repo, "checkout", "-q", "-b", branch, "main").returncode == 0
        got = run_kb(repo, "new-id", name)
        assert got.returncode == 0, got.stderr
        rid = got.stdout.strip()
        (tmp_path / f"{branch}.yaml").write_text(new_pilot(rid, name, area, quote), encoding="utf-8")
        got = run_kb(repo, "add", "pilots", str(tmp_path / f"{branch}.yaml"), "--data", "data/pilots.yaml")
        assert got.returncode == 0, got.stderr
        assert git(repo, "commit", "-q", "-am", f"add {rid}").returncode == 0
        added[rid] = yaml.safe_load((tmp_path / f"{branch}.yaml").read_text(encoding="utf-8"))[0]

    assert git(repo, "checkout", "-q", "main").returncode == 0
    assert git(repo, "merge", "-q", "editor-a").returncode == 0
    merged = git(repo, "merge", "--no-edit", "editor-b")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = (repo / "data" / "pilots.yaml").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text
    validate_file(repo / "data" / "pilots.yaml")
    pilots = {p["id"]: p for p in yaml.safe_load(text)["pilots"]}
    for rid, record in added.items():
        assert pilots[rid] == record
    assert all(tag == "insert" for tag, _, _ in diff_ops(base, text))
    check = run_kb(repo, "check", "data/pilots.yaml")
    assert check.returncode == 0, check.stderr


# The report the guide's "收录一份新报告" takes in, as the press office receives it: GB18030, CRLF.
GUIDE_REPORT = (
    "2018年全市改革试点工作综述\r\n一、总体情况\r\n全市共承担国家级改革试点12项，其中3项已完成销号。\r\n"
    "二、典型经验\r\n家庭医生签约服务试点覆盖全市所有社区卫生服务中心。\r\n"
)


def test_editing_guide_commands_work(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command the guide shows runs as shown, in its order, on a copy of the data (in a
    git repository, with the guide's ``git add`` run too, for ``kb diff``)."""
    guide = (ROOT / "docs" / "guide" / "editing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", guide, flags=re.S)
    commands = [
        argv[: argv.index(">")] if ">" in argv else argv  # the shell's redirection is not the command's
        for argv in (
            shlex.split(line, comments=True)
            for block in blocks
            for line in block.replace("\\\n", " ").splitlines()
            if line.strip().startswith(("scripts/kb ", "git add "))
        )
    ]
    repo = data.parent.parent
    for args in (["init", "-q", "-b", "main"], ["add", "data"], ["commit", "-qm", "初始数据"]):
        assert git(repo, *args).returncode == 0
    # the guide's records files, in the order of its `kb add` commands; the first with a
    # sentence of the source where it says to put one
    examples = [textwrap.dedent(x) for x in re.findall(r"```yaml\n(.*?)```", guide, flags=re.S)]
    examples[0] = examples[0].replace(
        "来源原文中逐字出现的句子", quote_in_source("临淄区创新开展党性教育体检的做法")
    )
    files = [argv[3] for argv in commands if argv[0] != "git" and argv[1] == "add"]
    assert len(files) == len(examples)
    monkeypatch.chdir(repo)
    for name, records in zip(files, examples, strict=True):
        (repo / name).write_text(records, encoding="utf-8")
    ran = []
    for argv in commands:
        if argv[0] == "git":
            assert git(repo, *argv[1:]).returncode == 0
            continue
        if argv[1] == "source":  # the report, and for replace its corrected version, as Word files
            lines = GUIDE_REPORT.splitlines() + (
                ["三、下一步工作：继续扩大试点范围。"] if argv[2] == "replace" else []
            )
            Path(argv[4] if argv[2] == "replace" else argv[3]).write_bytes(reportfiles.docx_of(lines))
        if argv[1] == "check":
            code = main([*argv[1:], str(data)])
            out, err = capsys.readouterr()
            assert code == 0 and "校验通过" in out, err
        else:
            code, out, err = kb(data, *argv[1:], capsys=capsys)
            assert code == 0, (argv, err)
        if argv[1] == "new-id":
            assert f"如 `{out.strip()}`" in guide  # the id the guide shows is the one the command gives
        if argv[1] == "diff":  # the subject proposed for the staged update names its pilot
            updated = next(a[2] for a in commands if a[:2] == ["scripts/kb", "update"])
            pilots = yaml.safe_load(data.read_text(encoding="utf-8"))["pilots"]
            assert out == f"试点：修改“{next(p['name'] for p in pilots if p['id'] == updated)}”的进展\n"
        if (argv[1] == "source" and "--dry-run" not in argv) or (argv[1] == "gaps" and "gaps" not in ran):
            # what the guide shows is what they print about the new report (a Word file's
            # size depends on python-docx's template, so the byte count is not compared)
            printed = [
                ln
                for ln in out.splitlines()
                if ln.startswith(("data/pilots.yaml", "data/sources/2018-", "标题", "更正版"))
            ]
            shown = re.sub(r"（[\d,]+ 字节）", "（N 字节）", guide)
            assert printed and all(re.sub(r"（[\d,]+ 字节）", "（N 字节）", ln) in shown for ln in printed), (
                printed
            )
        ran.append(argv[1])
    expected = ["update", "check", "diff", "set", "set", "new-id", "add"]
    expected += ["source", "source", "gaps", "new-id", "add", "check", "gaps"]  # 收录一份新报告
    expected += ["gaps"]  # 查找尚未引用的句子
    expected += ["source", "source"]  # 收录报告的更正版
    expected += ["check"]
    assert ran == expected
    pilots = {p["id"]: p for p in yaml.safe_load(data.read_text(encoding="utf-8"))["pilots"]}
    assert pilots["linziqu-hezhangzhi-92c1"]["name"] == "河长制改革试点"
    assert pilots["jiatingyisheng-qianyue-fuwu-421a"]["source"] == "2018-nian-quanshi-shidiangongzuo-e9f4"
