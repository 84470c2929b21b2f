"""A family's computation made once per build and shared by its page and its files; and
all of them made at once, where a build wants them made (``prepare`` / ``adopt``).

The computations registered here are the ones that need a heavy engine: pandas for the
statistics, Vega's for the charts (drawn in ``prepare``), pypinyin for the glossary's order.
A build hands ``prepare`` to a short-lived second process and ``adopt``\\s its results, so
the process that renders the pages never loads those engines (~150 MB); the preview and
the tests make them here, when first asked. Either way the results, and the site, are the
same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from pilotkb.site.charts import Chart, adopt_drawings, draw_all
from pilotkb.site.views.base import Context

T = TypeVar("T")


class PerContext(Generic[T]):
    """``make(ctx)`` computed once per Context (one per build). The page and the ``files`` of a
    family both need its charts; without this each drew them again. Weak keys: a preview's
    rebuild makes a new Context, and the old one's results go with it."""

    def __init__(self, make: Callable[[Context], T]):
        self.make = make
        self.made: WeakKeyDictionary[Context, T] = WeakKeyDictionary()
        functools.update_wrapper(self, make)

    def __call__(self, ctx: Context) -> T:
        if ctx not in self.made:
            wait = _AWAITED.pop(ctx, None)
            if wait is not None:  # a second process is making it: wait for its results
                adopt(ctx, wait())
        if ctx not in self.made:
            self.made[ctx] = self.make(ctx)
        return self.made[ctx]


# Every per-context computation, by its qualified name (the key ``prepare`` and ``adopt`` share).
REGISTERED: dict[str, PerContext[Any]] = {}


def per_context(make: Callable[[Context], T]) -> PerContext[T]:
    once = PerContext(make)
    REGISTERED[f"{make.__module__}.{make.__qualname__}"] = once
    return once


@dataclass
class Prepared:
    """Every per-context result of one build, and the charts among them drawn as SVG."""

    results: dict[str, Any]
    drawings: dict[Chart, str]


def prepare(ctx: Context) -> Prepared:
    """Every registered computation made now, and every chart they hold drawn."""
    results = {name: once(ctx) for name, once in REGISTERED.items()}
    return Prepared(results, draw_all(_charts_in(results.values())))


def adopt(ctx: Context, prepared: Prepared) -> None:
    """The results ``prepare`` made (elsewhere) taken as this build's own."""
    for name, value in prepared.results.items():
        REGISTERED[name].made[ctx] = value
    adopt_drawings(prepared.drawings)


# Results a second process is preparing, by context: adopted when first asked for, so that
# the pages that need none of them are listed meanwhile.
_AWAITED: WeakKeyDictionary[Context, Callable[[], Prepared]] = WeakKeyDictionary()


def adopt_when_asked(ctx: Context, wait: Callable[[], Prepared]) -> None:
    """``wait()``'s results (``prepare`` run elsewhere) adopted when one is first asked for."""
    _AWAITED[ctx] = wait


def _charts_in(values: Any) -> list[Chart]:
    """The charts found in the results (in lists, tuples, dataclass fields), in order."""
    found: list[Chart] = []
    todo = list(values)
    while todo:
        v = todo.pop(0)
        if isinstance(v, Chart):
            found.append(v)
        elif isinstance(v, list | tuple):
            todo[:0] = v
        elif hasattr(v, "__dataclass_fields__"):
            todo[:0] = [getattr(v, f) for f in v.__dataclass_fields__]
    return found
