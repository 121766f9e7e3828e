"""How often a five-field cron expression fires: the longest wait between two of its firings.

A source's default freshness comes from its sweep schedule: a source swept daily is stale once
a day and a half has passed without a delivery. Dagster's own cron helpers live in the wing;
the catalog (which the CLI reads too) finds the gap itself, by walking the days.
"""

from __future__ import annotations

import functools
import itertools
from datetime import date, timedelta

NAMES = {
    3: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    4: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
}
BOUNDS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
"""minute, hour, day of month, month, day of week (0 and 7 are Sunday)."""
DAYS = 400
"""Long enough to see a yearly firing twice; rarer ones (29 February) count as this long."""


@functools.cache
def period_hours(expression: str) -> float:
    """The longest gap between firings of ``expression``, in hours (24.0 for ``0 6 * * *``).

    Raises:
        ValueError: A field is out of its range.
    """
    fields = expression.split()
    sets = [_values(i, text) for i, text in enumerate(fields)]
    minutes, hours, doms, months, dows = sets
    dows = {d % 7 for d in dows}
    # As cron reads it: a restricted day of month and day of week fire on either.
    either = fields[2] != "*" and fields[4] != "*"
    start = date(2026, 1, 1)
    firings: list[int] = []
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        dom, dow = day.day in doms, day.isoweekday() % 7 in dows
        if day.month not in months or not ((dom or dow) if either else (dom and dow)):
            continue
        firings += [offset * 1440 + h * 60 + m for h in sorted(hours) for m in sorted(minutes)]
    if len(firings) < 2:
        return DAYS * 24.0
    return max(b - a for a, b in itertools.pairwise(firings)) / 60


def _values(position: int, text: str) -> set[int]:
    """The values one cron field allows: ``*``, ``a``, ``a-b``, any with ``/step``, commas."""
    low, high = BOUNDS[position]
    values: set[int] = set()
    for part in text.upper().split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = low, high
        else:
            a, _, b = span.partition("-")
            first = _number(position, a)
            last = _number(position, b) if b else (high if step else first)
        if not (low <= first <= last <= high) or (step and int(step) < 1):
            raise ValueError(f"cron field {text!r} is out of {low}-{high}")
        values |= set(range(first, last + 1, int(step or 1)))
    return values


def _number(position: int, text: str) -> int:
    """A field's value: a number, or a month's or weekday's name."""
    names = NAMES.get(position, [])
    if text in names:
        return names.index(text) + (1 if position == 3 else 0)
    return int(text)
