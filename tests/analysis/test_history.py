"""Per-record history from git: field changes with old → new values, dates, order."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pilotkb.analysis.changes import ADDED, CHANGED, REMOVED
from pilotkb.analysis.history import read_history

from ..conftest import FIXTURES, build, make_project
from ..gitrepo import Repo, git

NEW_PILOT = """  - id: new-pilot
    name: 新增的试点
    source: s
    quote: 示例市共承担省级以上试点任务192项
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, str]]:
    r = Repo(tmp_path_factory.mktemp("hist") / "repo")
    hashes = {
        "c1": r.commit("初始数据", "2024-01-10T10:00:00+08:00"),
        "c2": r.commit(
            "河长制销号",
            "2024-02-01T09:30:00+08:00",
            ("    status: 推进中\n", "    status: 已完成销号\n    deadline: 2018\n"),
        ),
        "c3": r.commit(
            "新增进展和试点",
            "2024-03-05T16:00:00+08:00",
            (
                "    experiences: [river-chief-exp]\n",
                "  # 新进展\n      - date: 2017-06\n        text: 第二次现场会。\n"
                "        source: s\n        quote: 示例市共承担省级以上试点任务192项\n"
                "    experiences: [river-chief-exp]\n",
            ),
            ("experiences:\n  - id: river-chief-exp", NEW_PILOT + "experiences:\n  - id: river-chief-exp"),
            ("    name: 临淄区\n", "    name: 临淄区（示例）\n"),
        ),
        "c4": r.commit(
            "删除试点；改注释",
            "2024-04-01T08:00:00+08:00",
            (NEW_PILOT, ""),
            ("sources:\n", "# 一行注释\nsources:\n"),
        ),
    }
    return r, hashes


def test_each_commit_is_logged_with_the_records_and_fields_it_edited(repo):
    r, h = repo
    logged: dict[str, list[tuple]] = {}
    for c in read_history(r.path, 50).changes:
        logged.setdefault(c.commit, []).append(
            (c.collection, c.id, c.kind, c.name, [f.label for f in c.fields])
        )
    assert logged[h["c2"]] == [("pilots", "river-chief", CHANGED, "河长制", ["状态", "完成时限"])]
    assert logged[h["c3"]] == [
        ("areas", "linzi", CHANGED, "临淄区（示例）", ["地区名称"]),
        ("pilots", "river-chief", CHANGED, "河长制", ["进展"]),
        ("pilots", "new-pilot", ADDED, None, []),
    ]
    # the comment added by the same commit is no change to any record
    assert logged[h["c4"]] == [("pilots", "new-pilot", REMOVED, "新增的试点", [])]


def test_record_log_has_field_changes_old_new_dates_newest_first(repo):
    r, h = repo
    hist = read_history(r.path, 50)
    assert hist.message is None
    log = hist.record("pilots", "river-chief")
    assert [(c.kind, c.commit, c.day) for c in log] == [
        (CHANGED, h["c3"], "2024-03-05"),
        (CHANGED, h["c2"], "2024-02-01"),
        (ADDED, h["c1"], "2024-01-10"),
    ]
    assert log[0].date == "2024-03-05T16:00:00+08:00"
    assert [(f.field, f.kind, f.old, f.new) for f in log[1].fields] == [
        ("status", CHANGED, "推进中", "已完成销号"),
        ("deadline", ADDED, None, "2018"),
    ]
    assert [(f.field, f.kind, f.old, f.new) for f in log[0].fields] == [
        ("updates", ADDED, None, "2017-06 第二次现场会。"),
    ]
    assert log[1].fields[0].label == "状态"
    assert hist.last_changed("pilots", "river-chief") == log[0]
    assert hist.last_changed("pilots", "unnamed-level").commit == h["c1"]
    area = hist.record("areas", "linzi")[0]
    assert [(f.field, f.old, f.new) for f in area.fields] == [("name", "临淄区", "临淄区（示例）")]


def test_site_wide_changes_newest_first_with_additions_and_removals(repo):
    r, h = repo
    hist = read_history(r.path, 50)
    later = [(c.commit, c.kind, c.collection, c.id) for c in hist.changes if c.commit != h["c1"]]
    assert later == [
        (h["c4"], REMOVED, "pilots", "new-pilot"),
        (h["c3"], CHANGED, "areas", "linzi"),
        (h["c3"], CHANGED, "pilots", "river-chief"),
        (h["c3"], ADDED, "pilots", "new-pilot"),
        (h["c2"], CHANGED, "pilots", "river-chief"),
    ]
    removed = hist.changes[0]
    assert removed.name == "新增的试点" and removed.subject == "删除试点；改注释"
    # the first commit adds every record of the file
    data = yaml.safe_load((FIXTURES / "golden" / "pilots.yaml").read_text(encoding="utf-8"))
    first = {(c.collection, c.id) for c in hist.changes if c.commit == h["c1"]}
    assert first == {(coll, rec["id"]) for coll, items in data.items() for rec in items}
    assert hist.head_date == "2024-04-01T08:00:00+08:00" and hist.commits == 4


def test_last_n_commits_only(repo):
    r, h = repo
    hist = read_history(r.path, 2)
    assert hist.commits == 2
    assert {c.commit for c in hist.changes} == {h["c3"], h["c4"]}


def test_reformatted_file_shows_only_real_changes(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("初始", "2024-01-01T00:00:00+00:00")
    data = yaml.safe_load(r.text)
    data["pilots"][1]["status"] = "争取中"
    # rewritten whole in another layout (items at column 0, flow lists gone)
    r.path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    git(r.root, "commit", "-q", "-am", "重排", date="2024-01-02T00:00:00+00:00")
    later = [c for c in read_history(r.path, 10).changes if c.day == "2024-01-02"]
    assert [(c.id, [(f.field, f.old, f.new) for f in c.fields]) for c in later] == [
        ("unnamed-level", [("status", None, "争取中")])
    ]


def test_flow_style_file_is_parsed_whole(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("初始", "2024-01-01T00:00:00+00:00")
    data = yaml.safe_load(r.text)
    data["areas"][0]["name"] = "临淄"
    r.path.write_text(yaml.safe_dump(data, allow_unicode=True, default_flow_style=True), encoding="utf-8")
    git(r.root, "commit", "-q", "-am", "flow", date="2024-01-02T00:00:00+00:00")
    later = [c for c in read_history(r.path, 10).changes if c.day == "2024-01-02"]
    assert [(c.id, [(f.old, f.new) for f in c.fields]) for c in later] == [("linzi", [("临淄区", "临淄")])]


def test_merged_branches_each_show_their_record(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("初始", "2024-01-01T00:00:00+00:00")
    git(r.root, "checkout", "-q", "-b", "a")
    a = r.commit("甲", "2024-01-02T00:00:00+00:00", ("experiences:\n", NEW_PILOT + "experiences:\n"))
    git(r.root, "checkout", "-q", "main")
    b = r.commit("乙", "2024-01-03T00:00:00+00:00", ("    name: 临淄区\n", "    name: 临淄\n"))
    git(r.root, "merge", "-q", "--no-edit", "a", date="2024-01-04T00:00:00+00:00")
    changes = read_history(r.path, 10).changes
    assert [(c.commit, c.id) for c in changes if c.day > "2024-01-01"] == [(b, "linzi"), (a, "new-pilot")]


def test_shallow_clone_gives_empty_history_and_says_why(repo, tmp_path):
    r, _ = repo
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{r.root}", "shallow")
    hist = read_history(tmp_path / "shallow" / "data" / "pilots.yaml", 50)
    assert hist.changes == [] and "浅克隆" in (hist.message or "")


def test_outside_a_repository(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "d").mkdir()
    path = tmp_path / "d" / "pilots.yaml"
    path.write_text("sources: []\n", encoding="utf-8")
    hist = read_history(path, 50)
    assert hist.changes == [] and "不在 git 仓库中" in (hist.message or "")


def test_without_git(repo, monkeypatch, tmp_path):
    r, _ = repo
    monkeypatch.setenv("PATH", str(tmp_path))
    hist = read_history(r.path, 50)
    assert hist.changes == [] and "找不到 git" in (hist.message or "")


def test_uncommitted_file(tmp_path):
    r = Repo(tmp_path / "repo")
    hist = read_history(r.path, 50)
    assert hist.changes == [] and "还没有提交" in (hist.message or "")


def test_preview_remakes_the_changes_pages_that_show_an_edited_record(repo, tmp_path):
    """Under `make serve`, renaming a record remakes the 更新记录 pages listing it (or a
    record linked to it), with the new name; an edit to nothing they list remakes none."""
    from pilotkb import load_catalog
    from pilotkb.mkdocs.preview import Preview, linked
    from pilotkb.settings import Settings
    from pilotkb.site.views import Publication, Views

    r, _ = repo
    history = read_history(r.path, 100)
    golden = FIXTURES / "golden"
    edited = tmp_path / "pilots.yaml"
    (tmp_path / "source.txt").write_text(
        (golden / "source.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    text = (golden / "pilots.yaml").read_text(encoding="utf-8")
    assert "    name: 临淄区\n" in text
    edited.write_text(text.replace("    name: 临淄区\n", "    name: 临淄区（改名）\n", 1), encoding="utf-8")

    def changes_pages(path: Path):
        catalog, settings = load_catalog(path), Settings(page_size=2)
        # the same commits in both builds
        views = Views(catalog, settings, publication=Publication(catalog, settings, history=history))
        return views.ctx.cat, {p.src_uri: p for p in views.pages() if p.kind == "changes"}

    old_cat, before = changes_pages(golden / "pilots.yaml")
    new_cat, after = changes_pages(edited)
    assert len(after) > 2
    preview = Preview(old_cat, before, {})
    changed = preview.changed_records(new_cat)
    assert ("areas", "linzi") in changed
    affected = changed | linked(new_cat, changed) | linked(old_cat, changed)
    remade = {uri for uri, page in after.items() if preview.remake(page, affected, {})}
    showing = {uri for uri, page in after.items() if "临淄区（改名）" in page.text()}
    assert showing and showing <= remade
    assert not any(preview.remake(page, {("pilots", "no-such-pilot")}, {}) for page in after.values())


def test_a_hostile_commit_subject_never_takes_the_build_down(tmp_path):
    """A subject holding U+001E (the separator the history parser once split on) and markup:
    the strict build passes, and 更新记录 shows the subject as text."""
    r = Repo(tmp_path / "repo")
    r.commit("初始", "2024-01-01T00:00:00+08:00")
    # written for readers (more Chinese than Latin letters), so shown
    subject = "地区临淄区改名为临淄：说明里夹带网页标记与分隔符也只显示为文字\x1e<img src=x onerror=alert(1)>"
    r.commit(subject, "2024-02-01T00:00:00+08:00", ("    name: 临淄区\n", "    name: 临淄\n"))
    project = make_project(tmp_path / "project", r.text, {"source.txt": (r.data / "source.txt").read_text()})
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", subject)
    run = build(project)
    assert run.returncode == 0, run.stderr[-2000:]
    raw = (project / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw
