"""Reading a warehouse's tables the same way on every database the tests run on."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa


def as_text(column: str) -> sa.Cast[Any]:
    """``column``'s value as the database writes it as text (``CAST ... AS VARCHAR/CHAR``)."""
    return sa.cast(sa.column(column), sa.String)


def column_type(bind: sa.Engine | sa.Connection, table: str, column: str) -> str:
    """The column's declared type as the database's catalog has it, without spaces.

    SQLite's declared text (``DECIMAL_TEXT(19,1)``); elsewhere the reflected type, with
    ``DECIMAL`` said as ``NUMERIC`` (``NUMERIC(19,1)``, ``BIGINT``).
    """
    if bind.dialect.name == "sqlite":
        query = sa.text("SELECT type FROM pragma_table_info(:t) WHERE name = :c")
        with _connected(bind) as conn:
            declared = str(conn.execute(query, {"t": table, "c": column}).scalar_one())
    else:
        with _connected(bind) as conn:
            found = {c["name"]: c["type"] for c in sa.inspect(conn).get_columns(table)}
        declared = str(found[column].compile(dialect=bind.dialect))
    declared = re.sub(r"\s+", "", declared).upper()
    declared = re.sub(r"^(BIGINT|INTEGER|INT)\(\d+\)$", r"\1", declared)  # MySQL's widths
    return re.sub(r"^DECIMAL\(", "NUMERIC(", declared)


class _connected:
    """A connection for ``bind``: its own when given an engine, else ``bind`` itself."""

    def __init__(self, bind: sa.Engine | sa.Connection) -> None:
        self._bind = bind
        self._owned: sa.Connection | None = None

    def __enter__(self) -> sa.Connection:
        if isinstance(self._bind, sa.Connection):
            return self._bind
        self._owned = self._bind.connect()
        return self._owned

    def __exit__(self, *_: object) -> None:
        if self._owned is not None:
            self._owned.close()
