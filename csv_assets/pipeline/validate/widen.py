"""Type widening: the narrowest wider type that holds a column's values and its cells exactly.

Only changes that lose nothing: integer to ``NUMERIC(p, s)``; ``NUMERIC(p, s)`` to more digits
on either side; date to timestamp; and, when the source allows it, anything to text. Never a
narrowing, never a binary float for an exact number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csv_assets.pipeline.cells import NumberStyle, plain_number
from csv_assets.pipeline.validate.coerce import MAX_INTEGER_DIGITS, coerce_column
from csv_assets.pipeline.validate.columns import ColumnSpec

MAX_PRECISION = 38
"""The most digits a widened decimal takes (DuckDB's and most warehouses' exact limit)."""
_DECIMAL = re.compile(r"^[+-]?(\d*)(?:\.(\d*))?$")


def wider_column(
    column: ColumnSpec, cells: pa.Array, style: NumberStyle, *, to_text: bool = False
) -> ColumnSpec | None:
    """The narrowest type wider than ``column``'s that holds some of ``cells``, or ``None``.

    ``cells`` are the texts that did not fit ``column``. The type returned holds every value
    ``column`` holds, and every cell of ``cells`` that fits any wider type of its kind; the
    others stay misfits (their rows are quarantined). ``to_text`` allows text as a last resort.
    """
    for candidate in _candidates(column, cells, style):
        if _fits_any(candidate, cells, style):
            return candidate
    if to_text and column.kind != "string":
        return replace(column, kind="string", precision=None, scale=None, timezone=False)
    return None


def is_widening(before: ColumnSpec, after: ColumnSpec) -> bool:
    """Whether ``after`` holds every value ``before`` holds, exactly (the same type counts)."""
    if after.kind == "string":
        return True
    if before.kind == after.kind and before.kind != "decimal":
        return before.timezone == after.timezone
    if after.kind == "decimal" and before.kind in ("integer", "decimal"):
        whole, scale = _digits(before)
        after_scale = after.scale or 0
        return after_scale >= scale and (after.precision or 18) - after_scale >= whole
    return before.kind == "date" and after.kind == "datetime"


def _candidates(column: ColumnSpec, cells: pa.Array, style: NumberStyle) -> list[ColumnSpec]:
    if column.kind in ("integer", "decimal"):
        decimal = _decimal_for(column, cells, style)
        return [decimal] if decimal is not None else []
    if column.kind == "date":
        return [replace(column, kind="datetime", timezone=zoned) for zoned in (False, True)]
    return []


def _decimal_for(column: ColumnSpec, cells: pa.Array, style: NumberStyle) -> ColumnSpec | None:
    """The decimal holding ``column``'s values and the widest cell that is a plain number."""
    whole, scale = _digits(column)
    for text in plain_number(pc.utf8_trim_whitespace(cells), style).to_pylist():
        found = _DECIMAL.match(text or "")
        if found is None or not (found.group(1) or found.group(2)):
            continue
        digits, fraction = found.group(1).lstrip("0"), (found.group(2) or "").rstrip("0")
        whole, scale = max(whole, len(digits)), max(scale, len(fraction))
    if whole + scale > MAX_PRECISION or ((column.kind, scale) == ("integer", 0) and whole <= 18):
        return None
    precision = whole + scale
    if (column.kind, column.precision, column.scale) == ("decimal", precision, scale):
        return None
    return replace(column, kind="decimal", precision=precision, scale=scale)


def _digits(column: ColumnSpec) -> tuple[int, int]:
    """Digits before and after the point that every value of ``column`` fits in."""
    if column.kind == "integer":
        return MAX_INTEGER_DIGITS, 0
    scale = column.scale or 0
    return (column.precision or 18) - scale, scale


def _fits_any(candidate: ColumnSpec, cells: pa.Array, style: NumberStyle) -> bool:
    """Whether at least one of ``cells`` converts to ``candidate``'s type."""
    typed, bad = coerce_column(cells, candidate, style, None)
    return bool(np.any(~bad & ~pc.is_null(typed).to_numpy(zero_copy_only=False)))


@dataclass(frozen=True)
class TypeChange:
    """A column of the table widened by a delivery: its type before and after."""

    before: ColumnSpec
    after: ColumnSpec

    @property
    def column(self) -> str:
        """The column's name."""
        return self.after.name

    @property
    def detail(self) -> str:
        """``count: BIGINT -> NUMERIC(19,1)``."""
        return f"{self.column}: {self.before.sql_type} -> {self.after.sql_type}"
