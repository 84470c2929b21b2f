"""A family's computation made once per build and shared by its page and its files."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar
from weakref import WeakKeyDictionary

from pilotkb.site.views.base import Context

T = TypeVar("T")


def per_context(make: Callable[[Context], T]) -> Callable[[Context], T]:
    """``make(ctx)`` computed once per Context (one per build). The page and the ``files`` of a
    family both need its charts; without this each drew them again. Weak keys: a preview's
    rebuild makes a new Context, and the old one's results go with it."""
    made: WeakKeyDictionary[Context, T] = WeakKeyDictionary()

    @functools.wraps(make)
    def once(ctx: Context) -> T:
        if ctx not in made:
            made[ctx] = make(ctx)
        return made[ctx]

    return once
