"""Drift: how a delivery is written differently from the source's previous one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.names import fold

WATCHED = (
    "encoding",
    "delimiter",
    "quotechar",
    "escapechar",
    "has_header",
    "header_rows",
    "preamble_lines",
    "footer_rows",
    "decimal",
    "thousands",
)
"""Dialect fields whose change is drift (a new line ending alone is not)."""


@dataclass(frozen=True)
class Change:
    """One way the new file differs: a dialect field, or a column added, removed or retyped."""

    aspect: str
    before: Any
    after: Any
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for metadata and reports."""
        return asdict(self)


@dataclass(frozen=True)
class Drift:
    """The changes since the previous delivery (``against``; ``None`` for the first one)."""

    against: str | None
    changes: tuple[Change, ...] = ()


def compare_dialects(before: Mapping[str, Any], dialect: Dialect) -> tuple[Change, ...]:
    """The changes from a previous file (its ``Dialect.describe()``) to ``dialect``.

    Columns are compared by their safe names, so ``Order ID`` and ``order_id`` are one column.
    """
    after = dialect.describe()
    changes = [
        Change(field, before.get(field), after[field], f"{field} was {before.get(field)!r}")
        for field in WATCHED
        if field in before and before[field] != after[field]
    ]
    old = list(before.get("columns", []))
    spelled = _as_spelled_before(old, dialect)
    new = [spelled.get(name, name) for name in dialect.columns]
    old_kinds = {n: g["kind"] for n, g in before.get("column_types", {}).items()}
    # A column with no value (a header-only delivery, all nulls) has no kind to compare.
    new_kinds = {
        spelled.get(n, n): g.kind for n, g in dialect.column_types.items() if g.confidence > 0
    }
    removed = [c for c in old if c not in new]
    added = [c for c in new if c not in old]
    renamed = _renamed(old, new, removed, added, old_kinds, new_kinds)
    for was, now in renamed:
        changes.append(Change("column_renamed", was, now, f"{was!r} is now {now!r}"))
    gone = {was for was, _ in renamed}
    fresh = {now for _, now in renamed}
    changes += [
        Change("column_removed", c, None, f"{c!r} is missing") for c in removed if c not in gone
    ]
    changes += [Change("column_added", None, c, f"{c!r} is new") for c in added if c not in fresh]
    changes += [
        Change("column_retyped", old_kinds[c], new_kinds[c], f"{c!r} was {old_kinds[c]}")
        for c in new
        if c in old_kinds and c in new_kinds and old_kinds[c] != new_kinds[c]
    ]
    return tuple(changes)


def _as_spelled_before(old: list[str], dialect: Dialect) -> dict[str, str]:
    """New names whose cell the previous delivery's release spelled the old way, to its name.

    Such a release named ``Дата`` ``column_4`` where this one names it ``data``: the same
    column, not a renamed one.
    """
    cells = zip(dialect.columns, dialect.raw_header, strict=False)
    return {
        name: old[i]
        for i, (name, raw) in enumerate(cells)
        if i < len(old) and old[i] != name and old[i] == fold(raw, i + 1, spell=False)
    }


def _renamed(
    old: list[str],
    new: list[str],
    removed: list[str],
    added: list[str],
    old_kinds: Mapping[str, str],
    new_kinds: Mapping[str, str],
) -> list[tuple[str, str]]:
    """Removed and added columns at the same position with the same kind: one renamed column."""
    pairs = []
    for was in removed:
        position = old.index(was)
        if position < len(new) and new[position] in added:
            now = new[position]
            if old_kinds.get(was) == new_kinds.get(now):
                pairs.append((was, now))
    return pairs
