"""Atom and RSS feeds: valid, escaped, stable ids, newest first, links that resolve."""

from __future__ import annotations

import html
from urllib.parse import urldefrag, urljoin

import feedparser
import pytest
import yaml
from lxml import etree

from pilotkb import load_catalog
from pilotkb.analysis.history import read_history
from pilotkb.publish.feeds import feed_link_tags, feed_links, feeds

from ..gitrepo import Repo

SITE = "https://example.org/kb/"
SECOND_UPDATE = (
    "    experiences: [river-chief-exp]\n",
    "      - date: 2017-04\n        text: 第二次现场会。\n        source: s\n"
    "        quote: 2017年4月,省水利厅在临淄召开现场会\n    experiences: [river-chief-exp]\n",
)
TOWN = (
    "pilots:\n",
    "  - id: town\n    name: 临淄某镇\n    kind: 区\n    parent: linzi\n    source: s\n"
    "    quote: 临淄区推行“河长制”\npilots:\n",
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    r = Repo(tmp_path_factory.mktemp("feeds") / "repo")
    r.commit("初始数据", "2024-01-10T10:00:00+08:00")
    r.commit("河长制销号", "2024-02-01T09:30:00+08:00", ("    status: 推进中\n", "    status: 已完成销号\n"))
    r.commit(
        "新增镇",
        "2024-03-05T16:00:00+08:00",
        TOWN,
        ("    name: 另一项试点\n", "    name: 另一项试点\n    areas: [town]\n"),
    )
    return r


def make(repo: Repo, site_url: str | None = None, directory_urls: bool = True) -> dict[str, bytes]:
    return feeds(load_catalog(repo.path), read_history(repo.path, 50), site_url, directory_urls)


def parsed(data: bytes) -> feedparser.FeedParserDict:
    d = feedparser.parse(data)
    assert d.bozo == 0, d.get("bozo_exception")
    return d


def test_every_feed_is_valid_and_the_set_is_complete(repo):
    data = yaml.safe_load(repo.text)
    names = {"updates", "changes"} | {f"area/{a['id']}" for a in data["areas"]}
    names |= {f"domain/{s}" for s in ("economy", "ecology", "livelihood", "law", "party", "culture")}
    names |= {f"level/{s}" for s in ("national", "provincial", "municipal")}
    assert set(make(repo)) == {f"feeds/{n}.atom.xml" for n in names}  # no RSS without an address
    out = make(repo, SITE)
    assert set(out) == {f"feeds/{n}.{f}.xml" for n in names for f in ("atom", "rss")}
    for path, body in out.items():
        d = parsed(body)
        ids = [e.id for e in d.entries]
        assert len(ids) == len(set(ids)), path
        times = [e.published_parsed for e in d.entries]
        assert times == sorted(times, reverse=True), path


def test_updates_feed_holds_the_dated_updates_first_day_of_partial_dates(repo, tmp_path):
    r = Repo(tmp_path / "r")
    r.commit("初始", "2024-01-10T10:00:00+08:00", SECOND_UPDATE)
    d = parsed(make(r)["feeds/updates.atom.xml"])
    data = yaml.safe_load(r.text)
    expected = [
        (u["text"], str(u["date"])) for p in data["pilots"] for u in p.get("updates", []) if u.get("date")
    ]
    assert [(e.summary, e.updated) for e in d.entries] == [
        (t, "2017-04-01T00:00:00+08:00") for t, _ in expected
    ]
    assert d.feed.updated == "2017-04-01T00:00:00+08:00"  # from the newest entry, not the clock


def test_bytes_and_ids_are_stable(repo):
    first, second = make(repo), make(repo)
    assert first == second
    moved = make(repo, SITE)
    for path in first:
        a = [e.id for e in parsed(first[path]).entries]
        assert a == [e.id for e in parsed(moved[path]).entries]  # ids do not depend on the address
        assert parsed(first[path]).feed.id == parsed(moved[path]).feed.id


def test_ids_survive_new_commits(repo, tmp_path):
    r = Repo(tmp_path / "r")
    r.commit("初始", "2024-01-10T10:00:00+08:00")
    before = {e.id for e in parsed(make(r)["feeds/updates.atom.xml"]).entries}
    r.commit("进展", "2024-01-11T10:00:00+08:00", SECOND_UPDATE)
    after_changes = parsed(make(r)["feeds/changes.atom.xml"])
    after = {e.id for e in parsed(make(r)["feeds/updates.atom.xml"]).entries}
    assert before < after and len(after) == 2
    assert after_changes.entries[0].title == "修改试点：河长制"


def test_changes_feed_lists_field_changes_newest_first(repo):
    d = parsed(make(repo)["feeds/changes.atom.xml"])
    titles = [e.title for e in d.entries]
    assert titles[:3] == ["新增地区：临淄某镇", "修改试点：另一项试点", "修改试点：河长制"]
    assert "状态：推进中 → 已完成销号" in d.entries[2].summary
    assert d.entries[2].updated == "2024-02-01T09:30:00+08:00"


def test_area_feed_follows_its_own_pilots_and_sub_areas(repo):
    out = make(repo)
    linzi = {e.title for e in parsed(out["feeds/area/linzi.atom.xml"]).entries}
    town = {e.title for e in parsed(out["feeds/area/town.atom.xml"]).entries}
    assert "修改试点：另一项试点" in linzi and "修改试点：河长制" in linzi
    assert "修改试点：另一项试点" in town and not any("河长制" in t for t in town)
    provincial = {e.title for e in parsed(out["feeds/level/provincial.atom.xml"]).entries}
    assert "修改试点：河长制" in provincial and "修改试点：另一项试点" not in provincial


@pytest.mark.parametrize("directory_urls", [True, False])
def test_links_resolve_to_the_record_pages(repo, directory_urls):
    page = "pilots/river-chief/" if directory_urls else "pilots/river-chief.html"
    rel = parsed(make(repo, None, directory_urls)["feeds/area/linzi.atom.xml"])
    base = "https://anywhere.example/sub/"
    feed_url = base + "feeds/area/linzi.atom.xml"
    links = {urldefrag(urljoin(feed_url, e.link))[0] for e in rel.entries if "河长制" in e.title}
    assert links == {base + page}
    ab = parsed(make(repo, SITE, directory_urls)["feeds/area/linzi.rss.xml"])
    assert {urldefrag(e.link)[0] for e in ab.entries if "河长制" in e.title} == {SITE + page}
    assert ab.feed.link == SITE + ("areas/linzi/" if directory_urls else "areas/linzi.html")


def test_data_text_is_escaped(tmp_path):
    r = Repo(tmp_path / "r", fixture="inject")
    r.commit("初始", "2024-01-10T10:00:00+08:00")
    data = yaml.safe_load(r.text)
    out = feeds(load_catalog(r.path), read_history(r.path, 10), SITE, True)
    names = {f"新增试点：{p['name']}" for p in data["pilots"]}
    for path, body in out.items():
        tree = etree.fromstring(body)
        assert not tree.xpath("//*[local-name()='script' or local-name()='b' or local-name()='img']"), path
        parsed(body)
    atom_titles = {e.title for e in parsed(out["feeds/changes.atom.xml"]).entries}
    assert names <= atom_titles  # exactly the data text, back from the XML
    # RSS titles are HTML to a reader: the markup arrives escaped, and shows as the data text
    rss = parsed(out["feeds/changes.rss.xml"]).entries
    assert names <= {html.unescape(e.title) for e in rss}


def test_feed_links_for_autodiscovery(repo):
    cat = load_catalog(repo.path)
    links = feed_links("areas/linzi.md", cat, None)
    page_url = "https://anywhere.example/sub/areas/linzi/"
    assert {urljoin(page_url, x.href) for x in links} == {
        "https://anywhere.example/sub/feeds/updates.atom.xml",
        "https://anywhere.example/sub/feeds/changes.atom.xml",
        "https://anywhere.example/sub/feeds/area/linzi.atom.xml",
    }
    assert set(make(repo)) >= {urljoin("https://x/", x.href)[len("https://x/") :] for x in links}
    ab = feed_links("browse/level/provincial/2.md", cat, SITE, False)
    assert {x.href for x in ab} >= {
        SITE + "feeds/level/provincial.atom.xml",
        SITE + "feeds/level/provincial.rss.xml",
    }
    tags = str(feed_link_tags(feed_links("index.md", cat, None, site_name='<b>"库')))
    assert "<b>" not in tags and "&lt;b&gt;&#34;库" in tags
    assert tags.count('rel="alternate feed"') == 2


HOSTILE = "<img src=x onerror=alert()>"


def _rss_texts(body: bytes) -> list[str]:
    """The text of every element an RSS reader renders as HTML (after XML decoding)."""
    tree = etree.fromstring(body)
    return [el.text or "" for el in tree.iter("title", "description")]


def test_rss_text_is_escaped_for_html_as_readers_render_it(tmp_path):
    """RSS readers render <title> and <description> as HTML: markup in a commit subject, a field
    or an area name must reach them as text (escaped for HTML, then for XML)."""
    r = Repo(tmp_path / "r")
    r.commit("初始", "2024-01-10T10:00:00+08:00")
    r.commit(
        f"临淄区改名并标为已完成销号，提交说明含标记 {HOSTILE}",  # more Chinese than Latin: shown
        "2024-02-01T09:30:00+08:00",
        ("    name: 临淄区\n", f'    name: "临淄区{HOSTILE}"\n'),
        ("    status: 推进中\n", "    status: 已完成销号\n"),
    )
    out = feeds(load_catalog(r.path), read_history(r.path, 10), SITE, True)
    rss = {path: body for path, body in out.items() if path.endswith(".rss.xml")}
    assert len(rss) >= 5
    seen = 0
    for path, body in rss.items():
        for text in _rss_texts(body):
            assert "<" not in text and ">" not in text, (path, text)
            if "onerror" in text:
                seen += 1
                assert HOSTILE in html.unescape(text), (path, text)
    assert seen >= 3  # the subject, the area's name, the record's changed field
    # Atom text stays plain text: the reader shows exactly the data
    atom = etree.fromstring(out["feeds/changes.atom.xml"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert any(HOSTILE in (t.text or "") for t in atom.iterfind(".//a:entry/a:summary", ns))
