"""The monthly supervision bulletin (督导通报) of the pilot ledger, generated from the data.

The source describes monthly supervision of the ledger (“进展情况月月督导、月月通报，完成一项
销号一项”) with a numbered bulletin. This module derives one bulletin per month from the
catalogue and the data file's history: pilots past their deadline and not closed, those due
within 60 days, those approved, updated or closed that month, counts by area and status, and
what the data does not say.

Rules (shown on each bulletin page, see ``RULES``):
  * a deadline given as a year (``2017``) ends on 31 December of that year, one given as a
    month (``2017-04``) on the last day of that month;
  * overdue: deadline ended before the bulletin's date and status neither 已完成销号 nor 已清理
    (a pilot whose status is 未公开 is listed and marked so: it may have been closed);
  * due soon: deadline ends within 60 days after the bulletin's date, not closed;
  * approved / updated that month: dates with at least a month (``2017`` alone cannot be
    placed in a month and is counted as unknown);
  * closed that month: the data has no closing date, so a closure is the commit (in the git
    history) that set the status to 已完成销号 or 已清理: its date is when it was recorded;
  * status and deadlines are those of the current data, for past months too.

Reference date: a setting, else the date of the last commit of the data file, never the
wall clock. Months: from the first month with a dated event (an approval, an update, a
recorded closure) to the reference month, at most the last ``months`` of them; bulletins are
numbered from that first month, so a bulletin keeps its number as the window moves on.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass, field

from pilotkb.analysis.changes import History
from pilotkb.data.catalog import Catalog
from pilotkb.data.model import DATE_RE, Pilot, Status, Update

CLOSED = frozenset({Status.closed, Status.cleared})
DUE_SOON_DAYS = 60
DEFAULT_MONTHS = 12

RULES = [
    "完成时限只写年份的（如 2017），按该年 12 月 31 日计；只写到月份的（如 2017-04），按该月最后一天计。",
    "逾期：完成时限已过、状态不是“已完成销号”或“已清理”的试点；状态未公开的也列入并注明，它们可能已经销号。",
    f"即将到期：完成时限在本期截止日之后 {DUE_SOON_DAYS} 天内、尚未销号的试点。",
    "本月批准、本月进展：只计日期写到月份或日的记录；只写年份的无法归入月份，单独计数。",
    "本月销号：数据没有销号日期，只能取数据文件修改记录中把状态改为“已完成销号”或“已清理”的提交日期，"
    "即录入日期，不一定是实际销号日期。",
    "各期都按本库当前数据回溯生成：状态和完成时限是现在的记录，不是当月的台账。",
]


def deadline_end(value: str) -> _dt.date:
    """The last day a (partial) deadline allows: ``2017`` → 2017-12-31, ``2017-04`` → 04-30."""
    m = DATE_RE.match(str(value))
    if not m:
        raise ValueError(f"not a date: {value!r}")
    y, mo, d = (int(x) if x else None for x in m.groups())
    assert y is not None
    if mo is None:
        return _dt.date(y, 12, 31)
    if d is None:
        return _dt.date(y, mo, calendar.monthrange(y, mo)[1])
    return _dt.date(y, mo, d)


def month_of(value: str | None) -> str | None:
    """``YYYY-MM`` of a date written at least to the month, else None."""
    if not value:
        return None
    m = DATE_RE.match(str(value))
    return f"{m.group(1)}-{m.group(2)}" if m and m.group(2) else None


def _month_end(month: str) -> _dt.date:
    y, mo = map(int, month.split("-"))
    return _dt.date(y, mo, calendar.monthrange(y, mo)[1])


def _months_between(a: str, b: str) -> int:
    ya, ma = map(int, a.split("-"))
    yb, mb = map(int, b.split("-"))
    return (yb - ya) * 12 + (mb - ma)


def _add_months(month: str, n: int) -> str:
    y, mo = map(int, month.split("-"))
    k = y * 12 + (mo - 1) + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def reference_date(setting: str | None, history: History | None) -> tuple[_dt.date | None, str]:
    """(date, how it was chosen): the setting (a partial date ends as a deadline does), else
    the date of the last commit of the data file; None when neither is known."""
    if setting:
        return deadline_end(setting), f"设置 bulletin_date（{setting}）"
    if history is not None and history.head_date:
        return _dt.date.fromisoformat(history.head_date[:10]), "数据文件最后一次提交的日期"
    return None, "既没有设置 bulletin_date，也没有数据文件的提交记录"


@dataclass(frozen=True)
class Closure:
    pilot: Pilot
    status: str
    day: str  # commit date (YYYY-MM-DD)
    commit: str


@dataclass
class Bulletin:
    month: str  # YYYY-MM
    number: int
    as_of: _dt.date
    overdue: list[Pilot] = field(default_factory=list)
    due_soon: list[Pilot] = field(default_factory=list)
    approved: list[Pilot] = field(default_factory=list)
    updated: list[tuple[Pilot, Update]] = field(default_factory=list)
    closed: list[Closure] = field(default_factory=list)
    by_area: list[tuple[str | None, int, int, int, int]] = field(default_factory=list)
    by_status: list[tuple[str | None, int]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=lambda: list(RULES))
    list_limit: int = 200  # rows shown per list, so that a page does not grow with the catalogue
    reference_how: str = ""
    due_days: int = DUE_SOON_DAYS

    @property
    def title(self) -> str:
        y, m = self.month.split("-")
        return f"督导通报 {y}年{int(m)}月（第{self.number}期）"

    @property
    def src_uri(self) -> str:
        return f"bulletins/{self.month}.md"

    def days_left(self, p: Pilot) -> int:
        return (deadline_end(p.deadline) - self.as_of).days  # type: ignore[arg-type]


def _closures(catalog: Catalog, history: History | None) -> list[tuple[str, Closure]]:
    """(month, closure) from the history: commits that set a pilot's status to closed."""
    out: list[tuple[str, Closure]] = []
    if history is None:
        return out
    closed_labels = {s.value for s in CLOSED}
    for c in history.changes:
        if c.collection != "pilots" or c.id not in catalog.pilots:
            continue
        for f in c.fields:
            if f.field == "status" and f.new in closed_labels and f.old not in closed_labels:
                out.append((c.day[:7], Closure(catalog.pilots[c.id], f.new, c.day, c.commit)))
    return out


def bulletins(
    catalog: Catalog,
    history: History | None,
    reference: _dt.date,
    months: int = DEFAULT_MONTHS,
    list_limit: int = 200,
    reference_how: str = "",
) -> list[Bulletin]:
    """The bulletins up to the month of ``reference``, oldest first."""
    pilots = list(catalog.pilots.values())
    closures = _closures(catalog, history)
    ref_month = f"{reference.year:04d}-{reference.month:02d}"
    dated = [month_of(p.approved) for p in pilots]
    dated += [month_of(u.date) for p in pilots for u in p.updates]
    dated += [m for m, _ in closures]
    known = sorted(m for m in dated if m and m <= ref_month)
    first = known[0] if known else ref_month
    start = max(first, _add_months(ref_month, -(months - 1)))
    out = []
    for k in range(_months_between(start, ref_month) + 1):
        month = _add_months(start, k)
        as_of = reference if month == ref_month else _month_end(month)
        b = _bulletin(catalog, pilots, closures, month, _months_between(first, month) + 1, as_of, history)
        b.list_limit, b.reference_how = list_limit, reference_how
        out.append(b)
    return out


def _bulletin(
    catalog: Catalog,
    pilots: list[Pilot],
    closures: list[tuple[str, Closure]],
    month: str,
    number: int,
    as_of: _dt.date,
    history: History | None,
) -> Bulletin:
    b = Bulletin(month=month, number=number, as_of=as_of)
    soon = as_of + _dt.timedelta(days=DUE_SOON_DAYS)
    open_ = [p for p in pilots if p.status not in CLOSED]
    for p in open_:
        if p.deadline is None:
            continue
        end = deadline_end(p.deadline)
        if end < as_of:
            b.overdue.append(p)
        elif end <= soon:
            b.due_soon.append(p)
    b.overdue.sort(key=lambda p: deadline_end(p.deadline))  # type: ignore[arg-type]
    b.due_soon.sort(key=lambda p: deadline_end(p.deadline))  # type: ignore[arg-type]
    b.approved = [p for p in pilots if month_of(p.approved) == month]
    b.updated = [(p, u) for p in pilots for u in p.updates if month_of(u.date) == month]
    b.updated.sort(key=lambda pu: str(pu[1].date))
    b.closed = [c for m, c in closures if m == month]

    overdue, due = {p.id for p in b.overdue}, {p.id for p in b.due_soon}
    areas: list[str | None] = [*catalog.areas, None]
    for aid in areas:
        members = [p for p in pilots if (aid in p.areas if aid else not p.areas)]
        if aid is None and not members:
            continue
        b.by_area.append(
            (
                aid,
                len(members),
                sum(p.id in overdue for p in members),
                sum(p.id in due for p in members),
                sum(p.deadline is None and p.status not in CLOSED for p in members),
            )
        )
    for status in [*Status, None]:
        b.by_status.append((status.value if status else None, sum(p.status == status for p in pilots)))

    b.unknown = _unknowns(pilots, open_, b, history)
    return b


def _unknowns(pilots: list[Pilot], open_: list[Pilot], b: Bulletin, history: History | None) -> list[str]:
    out = []
    no_deadline = sum(p.deadline is None for p in open_)
    if no_deadline:
        out.append(f"{no_deadline} 项未销号的试点未公开完成时限，无法判断是否逾期或即将到期。")
    no_status = [p for p in pilots if p.status is None]
    if no_status:
        listed = sum(p.status is None for p in b.overdue + b.due_soon)
        out.append(
            f"{len(no_status)} 项试点未公开状态，无法判断是否已经销号"
            + (f"；其中 {listed} 项列入下方逾期或即将到期名单，已注明“状态未公开”。" if listed else "。")
        )
    no_approved = sum(p.approved is None for p in pilots)
    year_only = sum(p.approved is not None and month_of(p.approved) is None for p in pilots)
    if no_approved or year_only:
        out.append(f"{no_approved} 项试点未公开批准时间，{year_only} 项只公开批准年份，无法归入任何月份。")
    undated = sum(month_of(u.date) is None for p in pilots for u in p.updates)
    if undated:
        out.append(f"{undated} 条进展没有写到月份的日期，无法归入任何月份。")
    if history is None or (not history.changes and history.message):
        why = history.message if history and history.message else "没有读取数据文件的修改记录。"
        out.append(f"无法列出本月销号：{why}")
    return out
