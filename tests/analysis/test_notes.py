"""The public history speaks to readers: a commit is described by its note in
commit-notes.yaml, by its subject when that is written for readers, or else by what it
changed; never by a subject written for developers. Checked on a built site of a scratch
repository (a record page, 更新记录, the feeds) as a reader sees them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lhtml

from pilotkb.analysis.history import read_history
from pilotkb.analysis.notes import NOTES_FILE, for_readers, read_notes
from pilotkb.errors import DataError

from ..conftest import ROOT, build
from ..gitrepo import Repo, git

SITE_URL = "https://press.example.org/kb/"
DESCRIBED = "Rename the district after the 2017 report"  # English, with a note
NOTE = "临淄区按报告改称临淄"
UNDESCRIBED = "Mark the river chief pilot as done"  # English, no note
MIXED = "河长制 summary: fix wording per review"  # some Chinese, mostly English, no note
ENGLISH = (DESCRIBED, UNDESCRIBED, MIXED)


@pytest.mark.parametrize(
    ("subject", "shown"),
    [
        ("试点：新增“甲”", True),
        ("新增 PPP 项目试点", True),
        ("Add pilots", False),
        ("", False),
        (MIXED, False),
        ("推广采纳 index by adopting level and instrument", False),
    ],
)
def test_a_subject_is_for_readers_when_it_is_mostly_chinese(subject, shown):
    assert for_readers(subject) is shown


def test_mistakes_in_the_notes_file_are_reported_at_their_lines(tmp_path):
    (tmp_path / NOTES_FILE).write_text(
        "# 说明\nabc1234: 新增试点\nnot-a-hash: 新增试点\ndef5678: Add pilots\nabc1234: 重复\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_notes(tmp_path)
    report = err.value.report()
    assert f"{NOTES_FILE}:3: not-a-hash: (提交编号): 不是提交编号" in report
    assert f"{NOTES_FILE}:4: def5678: 说明: 不是写给读者的中文说明" in report
    assert f"{NOTES_FILE}:5:" in report and "重复的键" in report
    assert read_notes(tmp_path / "nowhere") == {}
    (tmp_path / NOTES_FILE).write_text("# 只有注释\n\n", encoding="utf-8")
    assert read_notes(tmp_path) == {}


def project(root: Path) -> Repo:
    """The golden data in a git repository at ``root``, with the site's configuration."""
    r = Repo(root)
    for name in ("docs", "hooks", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config, n = re.subn(r"^site_url: .*$", f"site_url: {SITE_URL}", config, count=1, flags=re.M)
    assert n == 1
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return r


def test_a_mistake_in_the_notes_file_stops_the_build_at_its_line(tmp_path):
    r = project(tmp_path / "repo")
    r.commit("初始数据", "2024-01-10T10:00:00+08:00")
    (r.root / NOTES_FILE).write_text("# 说明\nabc1234: fix typo\n", encoding="utf-8")
    result = build(r.root, tmp_path / "site")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{NOTES_FILE}:2: abc1234: 说明: 不是写给读者的中文说明" in result.stderr


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """A project in a git repository: a Chinese first commit, an English one described in
    commit-notes.yaml, an English one and a mostly English one without notes; built."""
    root = tmp_path_factory.mktemp("notes") / "repo"
    r = project(root)
    hashes = {
        "first": r.commit("初始数据", "2024-01-10T10:00:00+08:00"),
        "described": r.commit(
            DESCRIBED, "2024-02-01T09:00:00+08:00", ("    name: 临淄区\n", "    name: 临淄\n")
        ),
        "undescribed": r.commit(
            UNDESCRIBED, "2024-03-01T09:00:00+08:00", ("    status: 推进中\n", "    status: 已完成销号\n")
        ),
    }
    full = git(root, "rev-parse", hashes["described"])
    (root / NOTES_FILE).write_text(f"# 早期提交的说明\n{full}: {NOTE}\n", encoding="utf-8")
    text = r.text
    summary = re.search(r"(?m)^    summary: (.+)$", text).group(1)
    hashes["mixed"] = r.commit(
        MIXED, "2024-04-01T09:00:00+08:00", (f"    summary: {summary}\n", f"    summary: {summary}（修订）\n")
    )
    site = root.parent / "site"
    result = build(root, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return root, site, hashes


def page(site: Path, url: str) -> lhtml.HtmlElement:
    return lhtml.fromstring((site / url / "index.html").read_bytes())


def words(el: lhtml.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def test_each_change_carries_its_note_or_none(history_site):
    root, _, h = history_site
    hist = read_history(root / "data" / "pilots.yaml", 10)
    notes = {c.commit: c.note for c in hist.changes}
    assert notes == {h["first"]: "初始数据", h["described"]: NOTE, h["undescribed"]: "", h["mixed"]: ""}
    assert (
        hist.described(next(c.sha for c in hist.changes if c.commit == h["undescribed"]))
        == "修改试点 1 条（状态）"
    )


def test_record_pages_show_the_note_or_what_changed_never_an_english_subject(history_site):
    _, site, h = history_site
    area = page(site, "areas/linzi")
    (renamed,) = [li for li in area.xpath('//ol[@class="kb-history"]/li') if h["described"] in words(li)]
    assert words(renamed).endswith(f"提交 {h['described']}：{NOTE}") and "修改了地区名称" in words(renamed)
    pilot = page(site, "pilots/river-chief")
    items = {li.xpath(".//code")[0].text: words(li) for li in pilot.xpath('//ol[@class="kb-history"]/li')}
    assert items[h["undescribed"]].startswith("2024-03-01 修改了状态")
    assert items[h["undescribed"]].endswith(f"提交 {h['undescribed']}")  # no subject after it
    assert items[h["mixed"]].startswith("2024-04-01 修改了概述")
    assert items[h["first"]].startswith("2024-01-10 新增本条记录") and items[h["first"]].endswith(
        "：初始数据"
    )


def test_the_changes_page_heads_each_commit_with_words_for_readers(history_site):
    _, site, h = history_site
    heads = {
        s.get("id").removeprefix("commit-"): words(s.xpath(".//h2")[0])
        for s in page(site, "changes").xpath('//section[@class="kb-commit"]')
    }
    assert heads == {
        h["mixed"]: "2024-04-01 修改试点 1 条（概述）",
        h["undescribed"]: "2024-03-01 修改试点 1 条（状态）",
        h["described"]: f"2024-02-01 {NOTE}",
        h["first"]: heads[h["first"]],
    }
    assert heads[h["first"]].startswith("2024-01-10 初始数据")


def test_no_english_subject_reaches_any_page_or_feed(history_site):
    _, site, _ = history_site
    files = [p for p in site.rglob("*") if p.suffix in (".html", ".xml", ".json") and p.is_file()]
    feeds = [p for p in files if p.name.endswith((".atom.xml", ".rss.xml"))]
    assert feeds and any(NOTE in p.read_text(encoding="utf-8") for p in feeds)
    for p in files:
        body = p.read_text(encoding="utf-8", errors="replace")
        for subject in ENGLISH:
            assert subject not in body and subject.split(":")[0] not in body, (p, subject)
