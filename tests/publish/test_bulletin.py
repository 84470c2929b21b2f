"""The monthly supervision bulletin: exactly the pilots an independent computation lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from pilotkb.analysis.history import read_history
from pilotkb.data.catalog import Catalog
from pilotkb.data.registry import DataFile as Catalogue
from pilotkb.publish.bulletin import bulletins, reference_date
from pilotkb.site.render import Renderer

from ..dates import end_of
from ..gitrepo import Repo

REF = "2024-05-15"


def pilot(pid: str, **fields) -> dict:
    return {"id": pid, "name": f"试点{pid}", "source": "s", "quote": "q", **fields}


PILOTS = [
    pilot("a", deadline="2024-03", status="推进中", approved="2024-05", areas=["x"]),  # overdue
    pilot("b", deadline=2024, status="推进中", approved=2024, areas=["x"]),  # year: ends 12-31
    pilot("c", deadline="2024-06-30", approved="2024-05-02", areas=["y"]),  # due soon, status unknown
    pilot("d", deadline=2023, status="推进中", areas=["y"]),  # closed in May (history)
    pilot(
        "e",
        status="推进中",
        updates=[
            {"date": "2024-05-03", "text": "五月进展", "source": "s", "quote": "q"},
            {"date": "2024-04", "text": "四月进展", "source": "s", "quote": "q"},
        ],
    ),  # no deadline
    pilot(
        "f",
        deadline="2024-07-14",
        status="争取中",
        updates=[{"date": 2024, "text": "只有年份", "source": "s", "quote": "q"}],
    ),  # exactly 60 days after the reference date
    pilot("g", deadline="2024-07-15", status="推进中"),  # 61 days
    pilot("h", deadline="2024-05-15", status="推进中"),  # due on the reference date itself
    pilot("i", deadline=2022),  # overdue, status unknown
    pilot("j", deadline="2024-05-14", status="推进中"),  # cleared in March (history)
    pilot("k", deadline="2024-04-02", status="推进中"),  # overdue since April
]
DATA = {
    "sources": [{"id": "s", "title": "来源", "kind": "报告"}],
    "areas": [
        {"id": "x", "name": "甲区", "kind": "区", "source": "s", "quote": "q"},
        {"id": "y", "name": "乙区", "kind": "区", "source": "s", "quote": "q"},
    ],
    "pilots": PILOTS,
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    text = yaml.safe_dump(DATA, allow_unicode=True, sort_keys=False)
    r = Repo(tmp_path_factory.mktemp("bulletin") / "repo", base=text)
    r.commit("初始", "2024-02-01T10:00:00+08:00")
    r.path.write_text(r.text.replace("status: 推进中\n- id: k", "status: 已清理\n- id: k"), encoding="utf-8")
    r.commit("j 清理", "2024-03-20T10:00:00+08:00")
    r.path.write_text(
        r.text.replace("deadline: 2023\n  status: 推进中", "deadline: 2023\n  status: 已完成销号")
    )
    r.commit("d 销号", "2024-05-10T10:00:00+08:00")
    return r


def catalog(repo: Repo) -> Catalog:
    return Catalog.build(Catalogue.model_validate(yaml.safe_load(repo.text)), repo.path)


# --- an independent computation ------------------------------------------------------------


def expected(data: dict, as_of: dt.date, month: str) -> dict[str, list[str]]:
    closed = {"已完成销号", "已清理"}
    ps = data["pilots"]
    live = [p for p in ps if p.get("status") not in closed and "deadline" in p]
    return {
        "overdue": sorted(p["id"] for p in live if end_of(p["deadline"]) < as_of),
        "due": sorted(
            p["id"] for p in live if as_of <= end_of(p["deadline"]) <= as_of + dt.timedelta(days=60)
        ),
        "approved": sorted(
            p["id"]
            for p in ps
            if str(p.get("approved", "")).startswith(month + "-") or str(p.get("approved", "")) == month
        ),
        "updated": sorted(
            u["text"]
            for p in ps
            for u in p.get("updates", [])
            if str(u["date"])[:7] == month and "-" in str(u["date"])
        ),
        "no_deadline": [p["id"] for p in ps if "deadline" not in p and p.get("status") not in closed],
    }


def test_reference_date_from_setting_or_last_commit(repo):
    hist = read_history(repo.path, 50)
    assert reference_date(None, hist)[0] == dt.date(2024, 5, 10)
    assert reference_date("2024-02", hist)[0] == dt.date(2024, 2, 29)
    assert reference_date("2023", None)[0] == dt.date(2023, 12, 31)
    assert reference_date(None, None)[0] is None


def test_bulletins_list_exactly_the_independently_computed_pilots(repo):
    data = yaml.safe_load(repo.text)
    ref = dt.date.fromisoformat(REF)
    out = bulletins(catalog(repo), read_history(repo.path, 50), ref)
    # first dated event: the March closure of j (approvals and updates start in April/May)
    assert [(b.month, b.number, b.as_of) for b in out] == [
        ("2024-03", 1, dt.date(2024, 3, 31)),
        ("2024-04", 2, dt.date(2024, 4, 30)),
        ("2024-05", 3, ref),
    ]
    for b in out:
        exp = expected(data, b.as_of, b.month)
        assert sorted(p.id for p in b.overdue) == exp["overdue"], b.month
        assert sorted(p.id for p in b.due_soon) == exp["due"], b.month
        assert sorted(p.id for p in b.approved) == exp["approved"], b.month
        assert sorted(u.text for _, u in b.updated) == exp["updated"], b.month
        assert f"{len(exp['no_deadline'])} 项未销号的试点未公开完成时限" in b.unknown[0]
    may = out[-1]
    assert sorted(p.id for p in may.overdue) == ["a", "i", "k"]  # the cases, written out once
    assert sorted(p.id for p in may.due_soon) == ["c", "f", "h"]
    assert [(c.pilot.id, c.status, c.day) for c in may.closed] == [("d", "已完成销号", "2024-05-10")]
    assert [(c.pilot.id, c.status) for c in out[0].closed] == [("j", "已清理")]
    assert out[1].closed == []
    assert dict((a, (n, o, d)) for a, n, o, d, _ in may.by_area) == {
        "x": (2, 1, 0),
        "y": (2, 0, 1),
        None: (7, 2, 2),
    }
    status = dict(may.by_status)
    assert status == {
        s: sum(p.get("status") == s for p in data["pilots"])
        for s in ("争取中", "推进中", "已完成销号", "已清理", None)
    }


def test_window_keeps_numbers(repo):
    out = bulletins(catalog(repo), read_history(repo.path, 50), dt.date.fromisoformat(REF), months=2)
    assert [(b.month, b.number) for b in out] == [("2024-04", 2), ("2024-05", 3)]


def test_without_history_it_says_closures_are_unknown(repo):
    (b,) = bulletins(catalog(repo), None, dt.date(2024, 3, 31), months=1)
    assert b.closed == [] and any("无法列出本月销号" in line for line in b.unknown)


def test_rendered_page_lists_the_pilots_and_says_what_it_cannot_know(repo):
    cat = catalog(repo)
    b = bulletins(cat, read_history(repo.path, 50), dt.date.fromisoformat(REF))[-1]
    html = Renderer(cat).render("bulletin.md.j2", b.src_uri, bulletin=b)

    def ids(table: str) -> list[str]:
        body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
        return re.findall(r'<tr data-id="([^"]+)"', body)

    assert ids("overdue-list") == ["i", "a", "k"]  # by deadline
    assert ids("due-soon-list") == ["h", "c", "f"]
    assert "督导通报 2024年5月（第3期）" in html and "截至 <strong>2024-05-15</strong>" in html
    assert "1 项未销号的试点未公开完成时限，无法判断是否逾期" in html
    assert "按该年 12 月 31 日计" in html


@pytest.mark.parametrize("ref", ["2024-12-31", "2025-01-01", "2024-02-29", "2024-03-01", "2024-04-01"])
def test_a_partial_deadline_runs_to_its_last_day(repo, ref):
    """b's deadline is 2024 (to 12-31), a's 2024-03 (to 03-31): due on the last day, overdue
    the day after."""
    data = yaml.safe_load(repo.text)
    as_of = dt.date.fromisoformat(ref)
    b = bulletins(catalog(repo), None, as_of, months=1)[-1]
    exp = expected(data, as_of, b.month)
    assert sorted(p.id for p in b.overdue) == exp["overdue"]
    assert sorted(p.id for p in b.due_soon) == exp["due"]
