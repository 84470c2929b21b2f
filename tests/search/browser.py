"""Driving the search box in Chromium: type a query, wait until its results are shown."""

from __future__ import annotations

import json

BOX = ".kb-search"
LIST = ".kb-search .md-search-result__list"
META = ".kb-search .md-search-result__meta"


def forget_results(page) -> None:
    """Drop the list's mark of the last query shown, so that the next one can be awaited."""
    page.evaluate(f"document.querySelector('{LIST}').removeAttribute('data-query')")


def wait_for_results(page) -> None:
    """Until the search box has shown the results of its current query (or said there are none)."""
    page.wait_for_selector(f"{LIST}[data-query]", state="attached", timeout=10_000)


def search(page, query: str, *, keyboard: bool = False) -> list[dict]:
    forget_results(page)
    if keyboard:
        page.keyboard.press("/")
        page.keyboard.type(query)
    else:
        page.evaluate(
            """(q) => { const i = document.querySelector('.kb-search .md-search__input');
                       i.focus(); i.value = q; i.dispatchEvent(new Event('input')); }""",
            query,
        )
    page.wait_for_selector(
        f"{LIST}[data-query={json.dumps(query, ensure_ascii=False)}]", state="attached", timeout=10_000
    )
    return results(page)


def results(page) -> list[dict]:
    """The results shown, in order; ``partial``: below the line that says the results after
    it hold only some of the query's words; ``missing``: the words a result says it lacks;
    ``via``: how it was found when not by the words as typed (按读音匹配 …)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.kb-search .kb-search-result')].map((li) => ({
            href: li.querySelector('a').getAttribute('href'),
            title: li.querySelector('h1').textContent,
            type: li.querySelector('.kb-search-type').textContent,
            facets: [...li.querySelectorAll('.kb-search-facet')].map((s) => s.textContent),
            marks: [...li.querySelectorAll('.kb-search-snippet mark')].map((m) => m.textContent),
            titleMarks: [...li.querySelectorAll('h1 mark')].map((m) => m.textContent),
            missing: li.querySelector('.kb-search-missing')?.textContent ?? '',
            via: [...li.querySelectorAll('.kb-search-via')].map((s) => s.textContent),
            partial: [...li.parentNode.children].slice(0, [...li.parentNode.children].indexOf(li))
                .some((e) => e.classList.contains('kb-search-partial')),
        }))"""
    )


def path_of(base: str, href: str) -> str:
    assert href.startswith(base + "/"), href
    return href[len(base) + 1 :]


def wait_for_transitions(page) -> None:
    """Until no CSS transition or finite animation is running (the overlay's opening)."""
    page.wait_for_function(
        """() => document.getAnimations().every((a) =>
            a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity)"""
    )
