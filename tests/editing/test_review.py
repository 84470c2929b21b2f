"""scripts/kb diff: a change of the data file in readers' words, run as a reviewer runs it.

A scratch repository holds a copy of the real data; each test commits a change made as an
editor makes it (text edits of data/pilots.yaml) and reads what ``scripts/kb diff`` says.
Expected names and values come from ``yaml.safe_load`` of the two versions, never from the
package's own output.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from ..conftest import ENV, ROOT
from ..gitrepo import git

KB = [sys.executable, str(ROOT / "scripts" / "kb"), "diff"]
SITE = "https://press.example.org/kb/"
NEW_PILOT = """
  - id: linzi-river-lake-chief
    name: 临淄区湖长制改革试点
    level: 省级
    areas: [linzi]
    status: 推进中
    source: zibo-2017-report
    quote: 临淄区
"""


def kb_diff(repo: Path, *args: str, site: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in ENV.items() if k != "KB_SITE_URL"}
    if site:
        env["KB_SITE_URL"] = site
    if "--data" not in args:
        args = ("--data", str(repo / "data" / "pilots.yaml"), *args)
    return subprocess.run([*KB, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def edit(repo: Path, *changes: tuple[str, str]) -> None:
    path = repo / "data" / "pilots.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str, *changes: tuple[str, str]) -> None:
    edit(repo, *changes)
    git(repo, "commit", "-q", "-am", message)


def loaded(repo: Path, rev: str) -> dict:
    return yaml.safe_load(git(repo, "show", f"{rev}:data/pilots.yaml"))


def record(data: dict, coll: str, rid: str) -> dict:
    return next(r for r in data[coll] if r["id"] == rid)


def rendered(markdown: str) -> str:
    """The Markdown as GitHub would show it (CommonMark, with tables and strikethrough)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


@pytest.fixture
def three_changes(repo: Path) -> dict:
    """One commit: a pilot's status changed, a pilot added, an experience retitled."""
    data = loaded(repo, "HEAD")
    pilot = next(p for p in data["pilots"] if p.get("status") == "推进中")
    exp = data["experiences"][1]
    text = (repo / "data" / "pilots.yaml").read_text(encoding="utf-8")
    block = re.search(rf"  - id: {pilot['id']}\n(?:    .*\n|\n)*?    status: 推进中\n", text).group(0)
    commit(
        repo,
        "三处修改",
        (block, block.replace("status: 推进中", "status: 已完成销号")),
        (f"    title: {exp['title']}\n", "    title: 审计机关直接审计村干部\n"),
        ("\nexperiences:\n", "\n" + NEW_PILOT.lstrip("\n") + "\nexperiences:\n"),
    )
    return {"pilot": pilot, "experience": exp, "before": data, "after": loaded(repo, "HEAD")}


def test_diff_names_exactly_the_three_records_with_old_and_new_values(repo, three_changes):
    result = kb_diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    pilot, exp = three_changes["pilot"], three_changes["experience"]
    got = {(r["collection"], r["id"]): r for r in out["records"]}
    assert set(got) == {
        ("pilots", pilot["id"]),
        ("pilots", "linzi-river-lake-chief"),
        ("experiences", exp["id"]),
    }
    status = got[("pilots", pilot["id"])]
    assert status["kind"] == "changed" and status["name"] == pilot["name"]
    assert [(f["label"], f["old"], f["new"]) for f in status["fields"]] == [("状态", "推进中", "已完成销号")]
    added = got[("pilots", "linzi-river-lake-chief")]
    assert added["kind"] == "added" and added["name"] == "临淄区湖长制改革试点"
    assert ("层级", "省级") in [(f["label"], f["new"]) for f in added["fields"]]
    retitled = got[("experiences", exp["id"])]
    assert retitled["name"] == "审计机关直接审计村干部" and retitled["old_name"] == exp["title"]
    assert [(f["old"], f["new"]) for f in retitled["fields"]] == [(exp["title"], "审计机关直接审计村干部")]
    # the same change as Markdown: each record once, its name linked to its page, old → new
    md = kb_diff(repo, "HEAD~1", "HEAD", site=SITE).stdout
    html = rendered(md)
    assert md.count("- **修改**") == 2 and md.count("- **新增**") == 1
    assert f'<a href="{SITE}pilots/{pilot["id"]}/">{pilot["name"]}</a>' in html
    assert f'<a href="{SITE}pilots/linzi-river-lake-chief/">临淄区湖长制改革试点</a>' in html
    assert "状态：<del>推进中</del> → <ins>已完成销号</ins>" in html
    assert f"<del>{exp['title']}</del> → <ins>审计机关直接审计村干部</ins>" in html


def test_subject_names_the_records_changed(repo, three_changes):
    result = kb_diff(repo, "HEAD~1", "HEAD", "--subject")
    assert result.returncode == 0, result.stderr
    subject = result.stdout.strip()
    assert "\n" not in subject and re.search(r"[\u4e00-\u9fff]", subject)
    assert subject.startswith("试点：") and "；经验：" in subject
    assert "新增“临淄区湖长制改革试点”" in subject
    assert f"修改“{three_changes['pilot']['name']}”" in subject and "“审计机关直接审计村干部”" in subject
    assert len(subject) <= 60
    # one record changed: what changed in it
    commit(repo, "状态", ("    status: 已完成销号\n", "    status: 推进中\n"))
    name = three_changes["pilot"]["name"]
    assert kb_diff(repo, "HEAD~1", "HEAD", "--subject").stdout == f"试点：修改“{name}”的状态\n"


def test_without_head_the_file_on_disk_and_with_staged_the_index(repo):
    edit(repo, ("\nexperiences:\n", "\n" + NEW_PILOT + "\nexperiences:\n"))
    on_disk = kb_diff(repo, "--format", "json")
    assert [r["id"] for r in json.loads(on_disk.stdout)["records"]] == ["linzi-river-lake-chief"]
    assert json.loads(on_disk.stdout)["head"] == "工作区（尚未提交的修改）"
    staged = kb_diff(repo, "--staged", "--format", "json")
    assert json.loads(staged.stdout)["records"] == []  # nothing staged yet
    git(repo, "add", "data")
    staged = kb_diff(repo, "--staged", "--subject")
    assert staged.stdout.strip() == "试点：新增“临淄区湖长制改革试点”"


def test_no_change_says_so(repo):
    result = kb_diff(repo, "HEAD", "HEAD")
    assert result.returncode == 0
    assert "数据文件没有改动。" in result.stdout
    subject = kb_diff(repo, "HEAD", "HEAD", "--subject")
    assert subject.returncode == 0 and subject.stdout == "" and "没有改动" in subject.stderr


@pytest.mark.parametrize("base", ["no-such-branch", "-n1", "HEAD~9"])
def test_a_base_that_is_not_a_commit_is_a_clear_error(repo, base):
    result = kb_diff(repo, "--", base, "HEAD")  # "--": a base that looks like an option reaches git
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert f"“{base}”不是这个仓库中的提交；允许：" in result.stderr


def test_outside_a_repository_is_a_clear_error(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    result = kb_diff(tmp_path, "--data", str(tmp_path / "data" / "pilots.yaml"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "不在 git 仓库中" in result.stderr


def test_a_renamed_id_is_shown_as_a_rename(repo):
    data = loaded(repo, "HEAD")
    old = data["pilots"][3]
    commit(repo, "改编号", (f"  - id: {old['id']}\n", "  - id: renamed-pilot\n"))
    out = json.loads(kb_diff(repo, "HEAD~1", "HEAD", "--format", "json").stdout)
    assert [(r["kind"], r["old_id"], r["id"], r["name"]) for r in out["records"]] == [
        ("renamed", old["id"], "renamed-pilot", old["name"])
    ]
    md = kb_diff(repo, "HEAD~1", "HEAD").stdout
    assert (
        f"- **改编号** **{old['name']}**（pilots/{old['id']} → renamed-pilot，页面 pilots/renamed-pilot/）"
        in md
    )


def summary_line(repo: Path) -> str:
    md = kb_diff(repo, "HEAD~1", "HEAD").stdout
    (line,) = [ln for ln in md.splitlines() if ln.startswith("  - ")]
    return line


def test_a_long_text_is_shown_as_a_word_diff_with_numbers_whole(repo):
    pilot = loaded(repo, "HEAD")["pilots"][0]
    assert "取得突破性进展。围绕深化" in pilot["summary"] and len(pilot["summary"]) > 80
    commit(repo, "概述", ("取得突破性进展。围绕深化", "取得12项突破性进展。围绕深化"))
    line = summary_line(repo)
    assert line.startswith("  - 概述：") and "<ins>12项</ins>" in line and "<del>" not in line
    assert line.endswith("…") and "突破体制机制" not in line  # the unchanged rest is cut
    commit(repo, "概述", ("取得12项突破性进展", "取得15项突破性进展"))
    line = summary_line(repo)
    assert "<del>12</del><ins>15</ins>项" in line  # the number whole, not 1 kept and 2 → 5


TRAP = (
    "<script>alert(1)</script> **粗体** [链接](https://evil.example/) :smile: @someone #1 $x$ `code` ~~删~~"
)


def test_text_from_the_data_never_becomes_markdown_or_html(repo):
    data = loaded(repo, "HEAD")
    pilot = data["pilots"][0]
    commit(repo, "名称", (f"    name: {pilot['name']}\n", f"    name: '{TRAP}'\n"))
    md = kb_diff(repo, "HEAD~1", "HEAD", site=SITE).stdout
    html = rendered(md)
    assert "<script>" not in html and not any("evil" in h for h in re.findall(r'href="([^"]*)"', html))
    assert "<strong>粗体</strong>" not in html and "<code>code</code>" not in html and "<s>删</s>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ":smile:" in html and "@someone" in html and "#1" in html  # as typed (escaped, inert)


def test_output_file_is_written_whole(repo, three_changes, tmp_path):
    out = tmp_path / "kb-diff.md"
    result = kb_diff(repo, "HEAD~1", "HEAD", "--output", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == kb_diff(repo, "HEAD~1", "HEAD").stdout
    missing = tmp_path / "no-such-folder" / "kb-diff.md"
    result = kb_diff(repo, "HEAD~1", "HEAD", "--output", str(missing))
    assert result.returncode == 1 and "无法写入" in result.stderr and "Traceback" not in result.stderr


def test_commit_msg_hook_warns_about_a_data_commit_without_chinese(repo):
    message = repo / "MSG"
    edit(repo, ("\nexperiences:\n", "\n" + NEW_PILOT + "\nexperiences:\n"))
    git(repo, "add", "data")
    message.write_text("update yaml\n\n# Please enter the commit message\n", encoding="utf-8")
    result = kb_diff(repo, "--commit-msg", str(message))
    assert result.returncode == 0  # a warning, not a refusal
    assert "提交说明“update yaml”里没有中文" in result.stderr
    assert "建议：试点：新增“临淄区湖长制改革试点”" in result.stderr
    message.write_text("Add 湖长制 pilot to the data\n", encoding="utf-8")  # mostly English
    assert (
        "提交说明“Add 湖长制 pilot to the data”主要是英文"
        in kb_diff(repo, "--commit-msg", str(message)).stderr
    )
    message.write_text("试点：新增临淄区湖长制改革试点\n", encoding="utf-8")
    assert kb_diff(repo, "--commit-msg", str(message)).stderr == ""
    git(repo, "reset", "-q")  # nothing staged: a code commit, no warning
    message.write_text("fix typo\n", encoding="utf-8")
    assert kb_diff(repo, "--commit-msg", str(message)).stderr == ""


def test_a_very_large_change_lists_the_first_records_and_says_how_many_more(tmp_path):
    """A job summary holds at most 1 MiB: the Markdown lists the first records, JSON all."""
    from pilotkb.analysis.snapshots import Snapshot
    from pilotkb.data import synth
    from pilotkb.data.validate import check_text
    from pilotkb.editing.review import MARKDOWN_RECORDS, as_json, compare, render_markdown

    path = synth.write(MARKDOWN_RECORDS + 50, tmp_path)
    checked = check_text(path.read_bytes(), path, "data/pilots.yaml")
    assert checked.problems == ()
    records = compare(Snapshot.of({}), Snapshot.of(checked.data))
    assert len(records) > MARKDOWN_RECORDS + 50
    md = render_markdown(records, "a", "b", "data/pilots.yaml")
    assert md.count("- **新增**") == MARKDOWN_RECORDS and len(md.encode()) < 1024 * 1024
    assert f"其余 {len(records) - MARKDOWN_RECORDS} 条见 `scripts/kb diff --format json`" in md
    assert len(json.loads(as_json(records, "a", "b", "data/pilots.yaml"))["records"]) == len(records)
