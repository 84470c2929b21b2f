"""Dates as the tests compute them, independently of the package."""

from __future__ import annotations

import datetime as dt


def end_of(value: object) -> dt.date:
    """The last day a partial date (2024, 2024-05 or 2024-05-15, or a YAML int) covers."""
    parts = [int(x) for x in str(value).split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        y, m = parts
        return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31)
