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
from typing import Any, Generic, TypeVar, overload

from pilotkb.site.charts import Chart, draw_all
from pilotkb.site.views.context import Context

T = TypeVar("T")


class PerContext(Generic[T]):
    """``make(ctx)`` computed once per build (``Context.once``), or adopted from the second
    process that made it. The page and the ``files`` of a family both need its charts;
    without this each drew them again."""

    def __init__(self, make: Callable[[Context], T], engine: str):
        self.make, self.engine = make, engine
        functools.update_wrapper(self, make)

    def __call__(self, ctx: Context) -> T:
        if self.make not in ctx.made:
            adopt_awaited(ctx)  # a second process may be making it
        return ctx.once(self.make)


# The engines, in the order a build prepares their computations (one short-lived process
# each, one after the other: their memory is never held at once).
PINYIN, STATISTICS = "pypinyin", "pandas, Vega"
ENGINES = (PINYIN, STATISTICS)
# Every per-context computation, by its qualified name (the key ``prepare`` and ``adopt`` share):
# the functions only, filled once on import; their results are kept by each build's Context.
REGISTERED: dict[str, PerContext[Any]] = {}


@overload
def per_context(make: Callable[[Context], T]) -> PerContext[T]: ...
@overload
def per_context(*, engine: str) -> Callable[[Callable[[Context], T]], PerContext[T]]: ...
def per_context(make: Any = None, *, engine: str = STATISTICS) -> Any:
    """Register ``make`` (``@per_context``, or ``@per_context(engine=PINYIN)``)."""

    def register(make: Callable[[Context], T]) -> PerContext[T]:
        once = PerContext(make, engine)
        REGISTERED[f"{make.__module__}.{make.__qualname__}"] = once
        return once

    return register(make) if make is not None else register


@dataclass
class Prepared:
    """Every per-context result of one build, and the charts among them drawn as SVG."""

    results: dict[str, Any]
    drawings: dict[Chart, str]


def prepare(ctx: Context, engine: str) -> Prepared:
    """Every computation registered for ``engine`` made now, and every chart they hold drawn."""
    results = {name: once(ctx) for name, once in REGISTERED.items() if once.engine == engine}
    return Prepared(results, draw_all(_charts_in(results.values())))


def adopt(ctx: Context, prepared: Prepared) -> None:
    """The results ``prepare`` made (elsewhere) taken as this build's own."""
    for name, value in prepared.results.items():
        ctx.made[REGISTERED[name].make] = value
    ctx.drawings.update(prepared.drawings)


def adopt_when_asked(ctx: Context, wait: Callable[[], Prepared]) -> None:
    """``wait()``'s results (``prepare`` run elsewhere) adopted when one is first asked for,
    so that the pages that need none of them are listed meanwhile."""
    ctx.awaiting = functools.partial(_adopt_result, ctx, wait)


def adopt_awaited(ctx: Context) -> None:
    """The results ``adopt_when_asked`` was given, adopted now (waits for them), if not yet."""
    adopt_now, ctx.awaiting = ctx.awaiting, None
    if adopt_now is not None:
        adopt_now()


def _adopt_result(ctx: Context, wait: Callable[[], Prepared]) -> None:
    adopt(ctx, wait())


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
