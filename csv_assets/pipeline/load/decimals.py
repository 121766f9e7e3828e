"""Exact decimals on SQLite: stored as their text, read back as ``Decimal``.

SQLite has no decimal type: a column declared ``NUMERIC`` turns ``129.00`` into the integer 129
and ``0.10`` into the nearest binary float, so 18-digit amounts lose digits and sums drift. A
column declared ``DECIMAL_TEXT(p, s)`` has TEXT affinity (its name contains TEXT), so SQLite
keeps each value exactly as written; the name still says what it holds. PostgreSQL's
``NUMERIC(p, s)`` is exact already.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

DECLARED = "DECIMAL_TEXT"
_DIGITS = re.compile(rf"^{DECLARED}\((\d+),\s*(\d+)\)")


class DecimalText(sa.types.UserDefinedType[Decimal]):
    """A decimal kept as its exact text (SQLite), bound from and read back as ``Decimal``."""

    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        self.precision = precision
        self.scale = scale

    def get_col_spec(self, **_: Any) -> str:
        """The declared type: TEXT affinity, and the precision and scale it holds."""
        return f"{DECLARED}({self.precision}, {self.scale})"

    def bind_processor(self, dialect: sa.Dialect) -> Callable[[Any], str | None]:
        """Write a value as its decimal text at the column's scale."""

        def process(value: Any) -> str | None:
            return None if value is None else f"{Decimal(str(value)):.{self.scale}f}"

        return process

    def result_processor(self, dialect: sa.Dialect, coltype: object) -> Callable[[Any], Any]:
        """Read the text back as a ``Decimal`` (a number another tool wrote, via its text)."""

        def process(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        return process


def decimal_type(precision: int, scale: int) -> sa.types.TypeEngine[Decimal]:
    """The type that stores decimals of this precision and scale exactly, on either database."""
    return sa.Numeric(precision, scale).with_variant(DecimalText(precision, scale), "sqlite")


def declared_decimals(conn: sa.Connection, table: str) -> dict[str, tuple[int, int]]:
    """Columns of ``table`` declared as exact decimal text, with their precision and scale.

    SQLite reflects them as TEXT; PostgreSQL has none (its ``NUMERIC`` reflects as itself).
    """
    if conn.dialect.name != "sqlite":
        return {}
    declared = conn.execute(
        sa.text("SELECT name, type FROM pragma_table_info(:table)"), {"table": table}
    )
    found = {}
    for name, kind in declared:
        digits = _DIGITS.match(str(kind).upper())
        if digits is not None:
            found[str(name)] = (int(digits.group(1)), int(digits.group(2)))
    return found
