"""Paging of long lists: the windowed pager and the title of page n."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Pages a pager links on each side of the current one (besides the first and the last).
NEIGHBOURS = 1


@dataclass(frozen=True)
class Pager:
    """Page ``page`` (from 1) of a list of ``pages`` pages, and ``link(n)``: the address of page
    ``n`` from this one. A windowed pager (macro ``pager`` in ``_macros.j2``): it links the
    pages before and after this one, the first and the last, and NEIGHBOURS pages on each side,
    with a gap (…) for the others, so that it is the same size on page 2 of 3 as on page 150
    of 200 and fits a phone's width. Links are made when the page is rendered."""

    page: int
    pages: int
    link: Callable[[int], str]

    def numbers(self) -> list[int | None]:
        """The page numbers to show, in order, None for a gap of two pages or more (a gap of
        one page shows that page: the mark would take as much room)."""
        near = range(self.page - NEIGHBOURS, self.page + NEIGHBOURS + 1)
        shown = sorted({1, self.pages, *(n for n in near if 1 <= n <= self.pages)})
        out: list[int | None] = []
        for before, n in zip([0, *shown], shown, strict=False):
            if n - before == 2 and before:
                out.append(n - 1)
            elif n - before > 2 and before:
                out.append(None)
            out.append(n)
        return out


def paged_title(title: str, page: int) -> str:
    return title if page == 1 else f"{title}（第 {page} 页）"
