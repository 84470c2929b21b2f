"""Atom and RSS feeds (feedgen): dated progress updates and recent changes of the data.

Feeds (paths relative to the site root):
  feeds/updates.atom.xml   dated progress updates of all pilots
  feeds/changes.atom.xml   recent changes of any record (from the git history)
  feeds/area/<id>.atom.xml, feeds/domain/<slug>.atom.xml, feeds/level/<slug>.atom.xml
                           updates and changes of the pilots of one area (with its
                           sub-areas), one domain, one level
and the same with ``.rss.xml`` when the site's address is known.

Stable ids: every feed and entry id is ``urn:uuid:`` + a name-based UUID (uuid5) of a key
made from record ids and the update or commit, never from build time or the site's address:
  feed      ``feed:<name>``  (e.g. ``feed:area/linzi``)
  update    ``update:<pilot id>:<date>:<n>``  (n-th update of that pilot with that date)
  change    ``change:<full commit hash>:<collection>:<record id>``
so a reader does not see entries again when the site moves.

Links: with ``site_url`` every link is absolute. Without it the Atom feeds carry links
relative to the feed file itself (RFC 4287 resolves them against the feed's address), and
no RSS is written, since RSS 2.0 requires absolute links: never a guessed absolute URL.

Dates: an update dated ``2017`` or ``2017-04`` is placed on the first day of that year or
month, at 00:00 China Standard Time (+08:00); a change carries its commit date. A feed's
``updated`` / ``lastBuildDate`` is its newest entry's date (an empty feed: the newest commit
of the data file, else 1970-01-01), so the bytes depend only on the data and its history.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import html
import posixpath
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

from pilotkb.analysis.changes import ADDED, REMOVED, Change, History
from pilotkb.data.catalog import Catalog
from pilotkb.data.facets import FACETS
from pilotkb.data.model import DATE_RE
from pilotkb.data.registry import REGISTRY
from pilotkb.data.urls import dest_url, record_anchor, record_uri

CST = _dt.timezone(_dt.timedelta(hours=8))
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
ID_NAMESPACE = uuid.UUID("5b0c6a38-3d0e-4b8e-9f7a-6b1f2f3c9d10")  # this project's; never change
DEFAULT_LIMIT = 50
ATOM, RSS = "application/atom+xml", "application/rss+xml"
FORMAT_LABEL = {"atom": "Atom", "rss": "RSS"}

_KIND = {name: c.label for name, c in REGISTRY.items()}
# characters XML 1.0 does not allow (lxml refuses them): dropped from data text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def stable_id(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, key)}"


def partial_date_start(value: str) -> _dt.datetime:
    """``2017`` → 2017-01-01, ``2017-04`` → 2017-04-01 (00:00 +08:00)."""
    m = DATE_RE.match(str(value))
    if not m:
        raise ValueError(f"not a date: {value!r}")
    y, mo, d = m.groups()
    return _dt.datetime(int(y), int(mo or 1), int(d or 1), tzinfo=CST)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    summary: str
    when: _dt.datetime
    to: tuple[str, str] | None  # (collection, record id) of the page it links to
    anchor: str = ""


@dataclass(frozen=True)
class Feed:
    name: str  # e.g. "updates", "area/linzi"
    title: str
    page: str  # src uri of the page the feed belongs to
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class FeedLink:
    href: str
    type: str
    title: str


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def _html_text(text: Any) -> str:
    """Text for an element a reader renders as HTML: every markup character an entity."""
    return html.escape(_clean(text), quote=True)


def _record_name(cat: Catalog, coll: str, rid: str) -> str | None:
    rec = getattr(cat, coll).get(rid)
    if rec is None:
        return None
    return REGISTRY[coll].title_of(rec)


# --- entries ----------------------------------------------------------------------------


def update_entries(cat: Catalog, pilot_ids: Iterable[str] | None = None) -> list[Entry]:
    """Dated progress updates, newest first (same date: data order)."""
    out: list[Entry] = []
    for pid in pilot_ids if pilot_ids is not None else cat.pilots:
        p = cat.pilots[pid]
        seen: dict[str, int] = {}
        for u in p.updates:
            if not u.date:
                continue
            n = seen[u.date] = seen.get(u.date, 0) + 1
            out.append(
                Entry(
                    id=stable_id(f"update:{p.id}:{u.date}:{n}"),
                    title=f"{p.name}（{u.date}）",
                    summary=u.text,
                    when=partial_date_start(u.date),
                    to=("pilots", p.id),
                    anchor="updates",
                )
            )
    out.sort(key=lambda e: e.when, reverse=True)
    return out


def change_entries(cat: Catalog, changes: Iterable[Change]) -> list[Entry]:
    """One entry per record changed by a commit, newest first (history order)."""
    changes = list(changes)
    # a deleted record's name, as another change of it knew it (an addition is not parsed)
    known = {(c.collection, c.id): c.name for c in reversed(changes) if c.name}
    out: list[Entry] = []
    for c in changes:
        name = _record_name(cat, c.collection, c.id) or c.name or known.get((c.collection, c.id)) or c.id
        if c.kind == ADDED:
            lines = ["新增记录。"]
        elif c.kind == REMOVED:
            lines = ["删除记录。"]
        else:
            lines = [
                f"{f.label}：{f.old} → {f.new}"
                if f.old is not None and f.new is not None
                else f"{f.label}：新增 {f.new}"
                if f.new is not None
                else f"{f.label}：删除 {f.old}"
                for f in c.fields
            ]
        if c.note:  # written for readers; the lines above say what changed
            lines.append(f"提交说明：{c.note}（{c.commit}）")
        exists = c.id in getattr(cat, c.collection, {})
        out.append(
            Entry(
                id=stable_id(f"change:{c.sha}:{c.collection}:{c.id}"),
                title=f"{c.kind_label}{_KIND.get(c.collection, '')}：{name}",
                summary="\n".join(lines),
                when=c.datetime,
                to=(c.collection, c.id) if exists else None,
            )
        )
    out.sort(key=lambda e: e.when, reverse=True)
    return out


def _merge(*lists: list[Entry], limit: int) -> tuple[Entry, ...]:
    merged = sorted((e for lst in lists for e in lst), key=lambda e: e.when, reverse=True)
    return tuple(merged[:limit])


def _area_members(cat: Catalog) -> dict[str, set[str]]:
    """Each area with all areas below it (a city's feed covers its districts)."""
    children: dict[str, list[str]] = {}
    for a in cat.areas.values():
        if a.parent:
            children.setdefault(a.parent, []).append(a.id)
    out: dict[str, set[str]] = {}
    for aid in cat.areas:
        seen, todo = set(), [aid]
        while todo:
            cur = todo.pop()
            if cur not in seen:
                seen.add(cur)
                todo.extend(children.get(cur, []))
        out[aid] = seen
    return out


def _when(c: Change) -> Any:
    return c.datetime


def collect(cat: Catalog, history: History | None, site_name: str, limit: int = DEFAULT_LIMIT) -> list[Feed]:
    """Every feed with its entries (newest first, at most ``limit`` each)."""
    changes = history.changes if history else []
    pilot_changes: dict[str, list[Change]] = {}
    for c in changes:
        if c.collection == "pilots" and c.id in cat.pilots:
            pilot_changes.setdefault(c.id, []).append(c)

    def about(pids: list[str]) -> tuple[Entry, ...]:
        # only the newest `limit` can be shown: entries (and their ids) are made for those
        mine = heapq.nlargest(limit, (c for pid in pids for c in pilot_changes.get(pid, [])), key=_when)
        return _merge(update_entries(cat, pids), change_entries(cat, mine), limit=limit)

    feeds = [
        Feed("updates", f"{site_name} · 最新进展", "index.md", tuple(update_entries(cat)[:limit])),
        Feed(
            "changes",
            f"{site_name} · 更新记录",
            "index.md",
            tuple(change_entries(cat, changes[:limit])[:limit]),
        ),
    ]
    members = _area_members(cat)
    for aid, area in cat.areas.items():
        pids = [p.id for p in cat.pilots.values() if members[aid] & set(p.areas)]
        feeds.append(
            Feed(f"area/{aid}", f"{site_name} · {area.name}试点动态", record_uri("areas", aid), about(pids))
        )
    for name in ("domain", "level"):
        f = FACETS[name]
        for label, slug in f.choices(cat):
            pids = [p.id for p in cat.pilots.values() if label in f.of("pilots", p)]
            feeds.append(Feed(f"{name}/{slug}", f"{site_name} · {label}试点动态", f.uri(slug), about(pids)))
    return feeds


# --- writing ----------------------------------------------------------------------------


def _link(from_path: str, to_uri: str, anchor: str, site_url: str | None, directory_urls: bool) -> str:
    """An absolute URL with ``site_url``, else a link relative to the file ``from_path``."""
    dst = dest_url(to_uri, directory_urls)
    frag = f"#{anchor}" if anchor else ""
    if site_url:
        return site_url.rstrip("/") + "/" + dst + frag
    rel = posixpath.relpath(dst or ".", posixpath.dirname(from_path) or ".")
    if dst.endswith("/") or dst == "":
        rel = rel.rstrip("/") + "/"
    return rel + frag


def _render_feed(
    feed: Feed, fmt: str, site_url: str | None, directory_urls: bool, updated: _dt.datetime
) -> bytes:
    path = f"feeds/{feed.name}.{fmt}.xml"
    # RSS readers render <title> and <description> as HTML (the RSS Best Practices Profile), so
    # their text is escaped for HTML here and again for XML by feedgen. Atom's are typed text.
    text = _clean if fmt == "atom" else _html_text
    fg = FeedGenerator()
    fg.id(stable_id(f"feed:{feed.name}"))
    fg.title(text(feed.title))
    fg.description(text(feed.title))
    fg.language("zh-CN")
    self_href = site_url.rstrip("/") + "/" + path if site_url else posixpath.basename(path)
    fg.link(href=self_href, rel="self", type=ATOM if fmt == "atom" else RSS)
    # RSS takes the channel link from the last link given: the page the feed belongs to
    fg.link(href=_link(path, feed.page, "", site_url, directory_urls), rel="alternate")
    when = feed.entries[0].when if feed.entries else updated
    fg.updated(when)
    fg.lastBuildDate(when)
    for e in feed.entries:
        fe = fg.add_entry(order="append")
        fe.id(e.id)
        fe.guid(e.id, permalink=False)
        fe.title(text(e.title))
        fe.summary(text(e.summary))
        fe.updated(e.when)
        fe.published(e.when)
        if e.to is not None:
            coll, rid = e.to
            anchor = e.anchor or record_anchor(coll, rid)
            fe.link(href=_link(path, record_uri(coll, rid), anchor, site_url, directory_urls))
        elif fmt == "atom":
            fe.content(_clean(e.summary), type="text")  # Atom: an entry without a link needs content
    return fg.atom_str(pretty=True) if fmt == "atom" else fg.rss_str(pretty=True)


def formats(site_url: str | None) -> tuple[str, ...]:
    return ("atom", "rss") if site_url else ("atom",)


def feeds(
    catalog: Catalog,
    history: History | None,
    site_url: str | None,
    directory_urls: bool = True,
    site_name: str = "试点经验库",
    limit: int = DEFAULT_LIMIT,
) -> dict[str, bytes]:
    """``{path: bytes}`` of every feed file, paths relative to the site root."""
    empty = _dt.datetime.fromisoformat(history.head_date) if history and history.head_date else EPOCH
    out: dict[str, bytes] = {}
    for feed in collect(catalog, history, site_name, limit):
        for fmt in formats(site_url):
            out[f"feeds/{feed.name}.{fmt}.xml"] = _render_feed(feed, fmt, site_url, directory_urls, empty)
    return out


def _page_feed(page_uri: str) -> str | None:
    """The feed of an area page or of a level/domain page (any page of its list)."""
    m = re.match(r"^areas/([a-z0-9-]+)\.md$", page_uri)
    if m and m.group(1) != "index":
        return f"area/{m.group(1)}"
    m = re.match(r"^browse/(level|domain)/([a-z0-9-]+)(?:/\d+)?\.md$", page_uri)
    if m and m.group(2) != "unknown":
        return f"{m.group(1)}/{m.group(2)}"
    return None


def feed_links(
    page_uri: str,
    catalog: Catalog,
    site_url: str | None,
    directory_urls: bool = True,
    site_name: str = "试点经验库",
) -> list[FeedLink]:
    """The feeds to announce in a page's ``<head>``: the site's two, and the page's own."""
    names = [("updates", f"{site_name} · 最新进展"), ("changes", f"{site_name} · 更新记录")]
    own = _page_feed(page_uri)
    if own:
        kind, key = own.split("/", 1)
        if kind == "area":
            label = catalog.areas[key].name if key in catalog.areas else None
        else:
            label = next((v for v, s in FACETS[kind].choices(catalog) if s == key), None)
        if label is not None:
            names.append((own, f"{site_name} · {label}试点动态"))
    here = dest_url(page_uri, directory_urls)
    folder = (here if here.endswith("/") or here == "" else posixpath.dirname(here) + "/").strip("/")
    # every page asks (12,000 at 10,000 pilots): up from the page's folder to the site's root
    # by counting its parts, which is what posixpath.relpath works out at length
    prefix = site_url.rstrip("/") + "/" if site_url else "../" * (folder.count("/") + 1 if folder else 0)
    out = []
    for name, title in names:
        for fmt in formats(site_url):
            href = f"{prefix}feeds/{name}.{fmt}.xml"
            out.append(FeedLink(href, ATOM if fmt == "atom" else RSS, f"{title}（{FORMAT_LABEL[fmt]}）"))
    return out


def feed_link_tags(links: Iterable[FeedLink]) -> Markup:
    """``<link rel="alternate feed" …>`` tags for autodiscovery, every value escaped.

    Not a bare ``rel="alternate"``: Material reads every ``link[rel=alternate]`` as a language
    version of the site and fetches a ``sitemap.xml`` beside it (a 404 per feed folder).
    Feed readers look for the ``alternate`` token with a feed type, which this keeps."""
    return Markup("\n").join(
        Markup('<link rel="alternate feed" type="{}" title="{}" href="{}">').format(
            escape(x.type), escape(x.title), escape(x.href)
        )
        for x in links
    )
