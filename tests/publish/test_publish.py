"""History, feeds and bulletins in the built site, from a test git repository with dated commits.

The project is copied into a fresh git repository whose data file gets a few commits at fixed
dates; the site is built with ``mkdocs build --strict`` (twice at the same commit, once after
one more commit, once without git). Expected values come from the commits this test makes
and from ``yaml.safe_load`` of the data, never from the package's own output.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import feedparser
import pytest
import yaml
from lxml import html as lhtml

from ..conftest import FIXTURES, ROOT, build, make_project
from ..dates import end_of
from ..gitrepo import Repo

SITE_URL = "https://example.org/kb/"
REF = dt.date(2024, 5, 15)  # the bulletin_date setting of the test project
PAGE_SIZE = 2

# (message, commit date, [(old text, new text)]), oldest first
COMMITS = [
    ("初始数据", "2024-01-10T10:00:00+08:00", []),
    (
        "河长制概述",
        "2024-02-01T09:30:00+08:00",
        [("    summary: 推行河长制。\n", "    summary: 推行河长制，水质改善。\n")],
    ),
    (
        "河长制销号",
        "2024-03-05T16:00:00+08:00",
        [("    status: 推进中\n    summary:", "    status: 已完成销号\n    summary:")],
    ),
    ("河长制升为国家级", "2024-04-01T08:00:00+08:00", [("    level: 省级\n", "    level: 国家级\n")]),
    (
        "河长制领域",
        "2024-04-20T08:00:00+08:00",
        [("    domains: [生态文明]\n", "    domains: [生态文明, 社会民生]\n")],
    ),
    (
        "丙试点销号；河长制概述",
        "2024-05-10T11:00:00+08:00",
        [
            ("    summary: 推行河长制，水质改善。\n", "    summary: 全面推行河长制。\n"),
            ("    status: 推进中\n    deadline: 2023\n", "    status: 已完成销号\n    deadline: 2023\n"),
        ],
    ),
]
LATER = (
    "河长制概述再改",
    "2024-06-01T09:00:00+08:00",
    [("    summary: 全面推行河长制。\n", "    summary: 全面推行河长制，巡河常态化。\n")],
)

# river's changes as a reader should see them, newest first: (day, label, old, new); None = added
RIVER_LOG = [
    ("2024-05-10", "概述", "推行河长制，水质改善。", "全面推行河长制。"),
    ("2024-04-20", "领域", "生态文明", "社会民生"),
    ("2024-04-01", "层级", "省级", "国家级"),
    ("2024-03-05", "状态", "推进中", "已完成销号"),
    ("2024-02-01", "概述", "推行河长制。", "推行河长制，水质改善。"),
    ("2024-01-10", None, None, None),
]
CLOSED = {"已完成销号", "已清理"}


def make_repo(root: Path) -> Repo:
    """The project's configuration in a git repository holding the test data."""
    repo = Repo(root, fixture="publish")
    for name in ("docs", "hooks", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config, n = re.subn(r"^site_url: .*$", f"site_url: {SITE_URL}", config, count=1, flags=re.M)
    assert n == 1
    config = config.replace(
        "    page_size: 50\n", f"    page_size: {PAGE_SIZE}\n    bulletin_date: {REF.isoformat()}\n", 1
    )
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for message, date, edits in COMMITS:
        repo.commit(message, date, *edits)
    return repo


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Builds: a and b at the same commit, later after one more commit."""
    repo = make_repo(tmp_path_factory.mktemp("publish") / "repo")
    out = {}
    for name in ("a", "b"):
        site = repo.root.parent / f"site-{name}"
        result = build(repo.root, site)
        assert result.returncode == 0, result.stderr[-4000:]
        out[name] = site
    out["data"] = repo.text  # type: ignore[assignment]  # the data of builds a and b
    repo.commit(*LATER[:2], *LATER[2])
    site = repo.root.parent / "site-later"
    result = build(repo.root, site)
    assert result.returncode == 0, result.stderr[-4000:]
    out["later"] = site
    return out


def doc(site: Path, url: str) -> lhtml.HtmlElement:
    path = site / url.lstrip("/")
    if url.endswith("/") or path.is_dir():
        path = path / "index.html"
    return lhtml.fromstring(path.read_bytes())


def text(el: lhtml.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def resolve(page_url: str, href: str) -> tuple[str, str]:
    """(site path, fragment) of a relative link on the page at ``page_url``."""
    target, frag = urldefrag(href)
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    return posixpath.normpath(posixpath.join(base, target)) + ("/" if target.endswith("/") else ""), frag


# --- record pages ---------------------------------------------------------------------------


def test_record_page_shows_its_change_log_with_old_and_new_values_and_dates(sites):
    page = doc(sites["a"], "pilots/river/")
    (changed,) = page.xpath('//p[@class="kb-changed"]')
    assert "最后修改 2024-05-10" in text(changed)
    items = page.xpath('//ol[@class="kb-history"]/li')
    assert len(items) == 5  # the last five; the sixth is behind "更多"
    for li, (day, label, old, new) in zip(items, RIVER_LOG, strict=False):
        assert li.xpath("./time")[0].get("datetime") == day
        fields = li.xpath('.//ul[@class="kb-history__fields"]/li')
        assert len(fields) == 1, text(li)
        assert text(fields[0]).startswith(label + "：")
        assert old in text(fields[0].xpath(".//del")[0])
        assert new in text(fields[0].xpath(".//ins")[0])
    # 更多 leads to the place in 更新记录 where the oldest change (the record added) is listed
    (more,) = page.xpath('//p[@class="kb-history__more"]/a')
    path, frag = resolve("pilots/river/", more.get("href"))
    assert path.startswith("changes/")
    target = doc(sites["a"], path).get_element_by_id(frag)
    assert "新增" in text(target) and "河长制试点" in text(target)
    assert target.xpath("ancestor::section//time")[0].get("datetime") == RIVER_LOG[-1][0]


def all_change_pages(site: Path) -> list[tuple[str, lhtml.HtmlElement]]:
    """更新记录 and its following pages, by its pager's 下一页 links."""
    out, url = [], "changes/"
    while url:
        page = doc(site, url)
        out.append((url, page))
        nxt = page.xpath('//nav[@class="kb-pager"]/a[@rel="next"]')
        url = resolve(url, nxt[0].get("href"))[0] if nxt else ""
    return out


def test_changes_page_lists_every_commit_newest_first_with_its_records(sites):
    data = yaml.safe_load((FIXTURES / "publish" / "pilots.yaml").read_text(encoding="utf-8"))
    every = [r["id"] for coll in ("sources", "areas", "pilots") for r in data[coll]]
    expected = {  # commit day -> record ids it touched
        "2024-01-10": sorted(every),
        "2024-02-01": ["river"],
        "2024-03-05": ["river"],
        "2024-04-01": ["river"],
        "2024-04-20": ["river"],
        "2024-05-10": ["d", "river"],
    }
    seen: dict[str, list[str]] = {}
    order: list[str] = []
    for _url, page in all_change_pages(sites["a"]):
        for section in page.xpath('//section[@class="kb-commit"]'):
            day = section.xpath(".//h2/time")[0].get("datetime")
            if not order or order[-1] != day:
                order.append(day)
            for li in section.xpath('.//ul[@class="kb-changes"]/li'):
                seen.setdefault(day, []).append(li.get("id"))
    assert order == sorted(expected, reverse=True)
    for day, ids in expected.items():
        assert sorted(i.split("-", 3)[3] for i in seen[day]) == ids, day
    first = all_change_pages(sites["a"])[0][1]
    assert (
        first.xpath('//section[@class="kb-commit"]//h2')[0].text_content().endswith("丙试点销号；河长制概述")
    )


def test_changes_page_offers_feeds_to_subscribe(sites):
    page = doc(sites["a"], "changes/")
    links = page.xpath('//div[@id="subscribe"]//a[@type]')
    hrefs = {a.get("href") for a in links}
    assert {SITE_URL + f"feeds/{n}.{f}.xml" for n in ("updates", "changes") for f in ("atom", "rss")} <= hrefs
    for href in hrefs:
        assert (sites["a"] / href.removeprefix(SITE_URL)).is_file(), href


# --- feeds ------------------------------------------------------------------------------------


def feed_files(site: Path) -> list[Path]:
    return sorted((site / "feeds").rglob("*.xml"))


def test_every_feed_is_valid(sites):
    files = feed_files(sites["a"])
    assert files
    for path in files:
        d = feedparser.parse(path.read_bytes())
        assert d.bozo == 0, (path, d.get("bozo_exception"))
    changes = feedparser.parse((sites["a"] / "feeds" / "changes.atom.xml").read_bytes())
    assert [e.updated_parsed[:3] for e in changes.entries][:2] == [(2024, 5, 10), (2024, 5, 10)]
    river = [e for e in changes.entries if "河长制试点" in e.title]
    assert len(river) == len(RIVER_LOG)
    assert "推进中 → 已完成销号" in next(e.summary for e in river if "状态" in e.summary)
    assert all(e.link == SITE_URL + "pilots/river/" for e in river)


def test_pages_announce_their_feeds_in_head(sites):
    def alternates(url: str) -> dict[str, str]:
        page = doc(sites["a"], url)
        return {
            ln.get("href"): ln.get("type")
            for ln in page.xpath('//head/link[contains(concat(" ", @rel, " "), " alternate ")]')
        }

    for url in ("", "pilots/river/", "changes/", "bulletins/2024-05/", "about/data/"):
        links = alternates(url)
        assert links.get(SITE_URL + "feeds/updates.atom.xml") == "application/atom+xml", url
        assert links.get(SITE_URL + "feeds/changes.rss.xml") == "application/rss+xml", url
    area = alternates("areas/x/")
    assert area.get(SITE_URL + "feeds/area/x.atom.xml") == "application/atom+xml"
    level = alternates("browse/level/national/")
    assert SITE_URL + "feeds/level/national.rss.xml" in level
    for href in {**area, **level}:
        assert (sites["a"] / urlsplit(href).path.removeprefix("/kb/")).is_file(), href
    # the area page also offers its feed to the reader
    box = doc(sites["a"], "areas/x/").get_element_by_id("subscribe")
    assert "订阅本地区动态" in text(box)
    assert SITE_URL + "feeds/area/x.atom.xml" in box.xpath(".//a/@href")


def test_feed_entry_ids_are_stable_after_another_commit(sites):
    def ids(site: Path, name: str) -> dict[str, str]:
        d = feedparser.parse((site / "feeds" / name).read_bytes())
        return {e.id: e.title for e in d.entries}

    before, after = ids(sites["a"], "changes.atom.xml"), ids(sites["later"], "changes.atom.xml")
    assert before.items() <= after.items()  # every old entry kept its id (and title)
    assert len(after) == len(before) + 1
    assert ids(sites["a"], "updates.atom.xml") == ids(sites["later"], "updates.atom.xml")


# --- bulletin ----------------------------------------------------------------------------------


def test_bulletin_for_the_set_reference_date_lists_exactly_the_expected_pilots(sites):
    data = yaml.safe_load(sites["data"])
    pilots = data["pilots"]
    live = [p for p in pilots if p.get("status") not in CLOSED and "deadline" in p]
    overdue = sorted(p["id"] for p in live if end_of(p["deadline"]) < REF)
    due = sorted(p["id"] for p in live if REF <= end_of(p["deadline"]) <= REF + dt.timedelta(days=60))
    approved = sorted(p["id"] for p in pilots if str(p.get("approved", "")).startswith("2024-05"))
    closed_in_may = ["d"]  # COMMITS: 丙试点销号 on 2024-05-10
    page = doc(sites["a"], "bulletins/2024-05/")

    def rows(table: str) -> list[str]:
        return sorted(page.xpath(f'//*[@id="{table}"]//*[@data-id]/@data-id'))

    assert rows("overdue-list") == overdue == ["a"]
    assert rows("due-soon-list") == due == ["c", "h"]
    assert rows("approved-list") == approved == ["a", "c"]
    assert rows("closed-list") == closed_in_may
    assert "截至 2024-05-15" in text(page.xpath('//p[@class="kb-bulletin__meta"]')[0])
    # months from the first dated event (river closed 2024-03-05) to the reference month
    index = doc(sites["a"], "bulletins/")
    months = [
        resolve("bulletins/", a.get("href"))[0]
        for a in index.xpath('//ul[contains(@class,"kb-bulletins")]//a')
    ]
    assert months == ["bulletins/2024-05/", "bulletins/2024-04/", "bulletins/2024-03/"]
    march = doc(sites["a"], "bulletins/2024-03/")
    assert march.xpath('//*[@id="closed-list"]//*[@data-id]/@data-id') == ["river"]
    # printable: the print stylesheet is on the page
    assert any(h.endswith("assets/kb-print.css") for h in page.xpath("//head/link[@rel='stylesheet']/@href"))


# --- reproducibility, and no git --------------------------------------------------------------


def test_two_builds_of_the_same_commit_are_byte_identical(sites):
    a, b = sites["a"], sites["b"]
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    different = [str(p) for p in files_a if not filecmp.cmp(a / p, b / p, shallow=False)]
    assert different == []


def test_without_git_the_build_says_so_once_and_pages_say_plainly(tmp_path):
    fixture = FIXTURES / "publish"
    project = make_project(
        tmp_path / "nogit",
        (fixture / "pilots.yaml").read_text(encoding="utf-8"),
        {"source.txt": (fixture / "source.txt").read_text(encoding="utf-8")},
    )
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("没有读取修改记录") == 1
    site = project / "site"
    record = text(doc(site, "pilots/river/").get_element_by_id("history").getnext())
    assert "不在 git 仓库中" in record and "不显示修改记录" in record
    assert not doc(site, "pilots/river/").xpath('//p[@class="kb-changed"]')
    changes = text(doc(site, "changes/").xpath('//p[@class="kb-none"]')[0])
    assert "不在 git 仓库中" in changes and "没有更新记录" in changes


def test_bulletin_date_setting_accepts_dates_as_yaml_reads_them_and_refuses_others():
    from pilotkb.errors import DataError
    from pilotkb.settings import Settings

    raw = yaml.safe_load("bulletin_date: 2024-05-15\ndata_date: 2017\nhistory_commits: 0\n")
    s = Settings.from_mapping(raw)
    assert (s.bulletin_date, s.data_date, s.history_commits) == ("2024-05-15", "2017", 0)
    with pytest.raises(DataError) as err:
        Settings.from_mapping({"bulletin_date": "2024-02-30", "feed_entries": 0})
    report = err.value.report()
    assert (
        "extra.kb: bulletin_date: 日期不对（'2024-02-30'）；允许：git、留空，或 2017、2017-12、2017-12-31"
        in report
    )
    assert "extra.kb: feed_entries: 应为正整数，实际是 0" in report
