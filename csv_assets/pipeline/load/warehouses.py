"""What a load relies on from each database it writes to, and how that database provides it.

Every guarantee of a load (one writer per table, the rows and the ledger entry committed together,
exact decimals) is kept on each database by its own means; this module says which. A database
not named here still loads, through batched inserts of bound parameters, with claims taken as
row locks: correct, and slower.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

MYSQL_NAMES = ("mysql", "mariadb")
"""SQLAlchemy's dialect names of MySQL and MariaDB (``mysql+pymysql://`` or ``mariadb+...``)."""


@dataclass(frozen=True)
class Warehouse:
    """One database as a load sees it."""

    name: str
    """As users call it."""
    bulk_path: str | None
    """How validated rows reach the table (None: batched inserts, the generic path)."""
    one_writer: bool
    """Only one transaction writes at a time (the whole database): table claims are implied."""
    transactional_ddl: bool
    """A table's creation or change commits with the transaction, not before it."""
    ddl_rolls_back: bool = True
    """A table's creation or change is taken back with the transaction (a dry run's is)."""

    @property
    def is_mysql(self) -> bool:
        """MySQL or MariaDB."""
        return self.name == "MySQL/MariaDB"


_KNOWN = {
    "sqlite": Warehouse("SQLite", "an ADBC staging file, then one INSERT ... SELECT", True, True),
    "postgresql": Warehouse("PostgreSQL", "binary COPY", False, True),
    # DuckDB's DDL is transactional, but it cannot commit rows appended to a table that the
    # same transaction then altered: its changes too are made alone, first.
    "duckdb": Warehouse("DuckDB", "one INSERT over an Arrow stream", True, False),
    **{
        name: Warehouse("MySQL/MariaDB", "LOAD DATA LOCAL INFILE", False, False, False)
        for name in MYSQL_NAMES
    },
}


def warehouse_of(bind: sa.Connection | sa.Engine | sa.Dialect) -> Warehouse:
    """The warehouse ``bind`` talks to; any other database is generic (batched inserts)."""
    dialect = bind if isinstance(bind, sa.Dialect) else bind.dialect
    known = _KNOWN.get(dialect.name)
    if known is not None:
        return known
    # Unknown: DDL is made in its own transaction, as on MySQL, which is safe everywhere.
    return Warehouse(dialect.name, None, False, False, False)


def generic_note(dialect: sa.Dialect) -> str | None:
    """The one line a load on a database without a bulk path says (None: it has one)."""
    if warehouse_of(dialect).bulk_path is not None:
        return None
    return (
        f"{dialect.name} has no bulk path in csv_assets: rows go in batched INSERTs, correct "
        "but slower (SQLite, PostgreSQL, DuckDB and MySQL/MariaDB load in bulk)"
    )
