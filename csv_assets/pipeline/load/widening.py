"""A column's type widened in place, inside the caller's transaction, every stored value exact.

PostgreSQL: ``ALTER TABLE ... ALTER COLUMN ... TYPE ... USING``, which rewrites the table under an
exclusive lock: readers see the old table until the load commits, then the new one. SQLite has
no ``ALTER COLUMN``: the table is rebuilt (a new table with the wider type, every row copied
with its value rewritten in the new type's storage format, the old one dropped, the new one
renamed), which its transactional DDL makes as atomic. A load that dies midway leaves the old
table either way. DuckDB alters as PostgreSQL does; MySQL's ``MODIFY COLUMN`` converts the values
itself, in a transaction of its own (``schema_first``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from csv_assets.pipeline.errors import LoadError
from csv_assets.pipeline.load.tables import (
    LINEAGE_COLUMNS,
    MAX_IDENTIFIER,
    RESCUED_TYPE,
    existing_columns,
    sql_type,
)
from csv_assets.pipeline.load.warehouses import MYSQL_NAMES
from csv_assets.pipeline.validate import RESCUED, ColumnSpec


def widen_column(
    conn: sa.Connection, table: sa.Table, before: ColumnSpec, after: ColumnSpec, *, staged: bool
) -> sa.Table:
    """Give ``table``'s column ``after.name`` the type of ``after``, keeping every value.

    ``staged``: ``table`` is an upsert's temporary twin, whose definition is all it has.

    Returns:
        ``table`` as it is now, to write into.

    Raises:
        LoadError: The database refused (a view depends on the column, say), with its reason.
    """
    widened = retyped(table, after)
    if conn.dialect.name in MYSQL_NAMES:
        _modify(conn, widened.c[after.name])
    elif conn.dialect.name != "sqlite":
        _alter(conn, table, before, after)
    elif staged:
        _rebuild(conn, table, widened, before, after, temporary=True)
    else:
        present = [c["name"] for c in sa.inspect(conn).get_columns(table.name)]
        specs = {**existing_columns(conn, table.name), after.name: after}
        whole = _like(table.name, present, specs)  # columns earlier files added too
        _rebuild(conn, whole, whole, before, after)
    return widened


def retyped(table: sa.Table, spec: ColumnSpec) -> sa.Table:
    """A copy of ``table``'s definition in which column ``spec.name`` has ``spec``'s type."""
    columns = [
        sa.Column(c.name, sql_type(spec) if c.name == spec.name else c.type, nullable=c.nullable)
        for c in table.columns
    ]
    return sa.Table(table.name, sa.MetaData(), *columns)


def _modify(conn: sa.Connection, column: sa.Column[Any]) -> None:
    """MySQL's ``MODIFY COLUMN``: the server converts every value to the wider type."""
    preparer = conn.dialect.identifier_preparer
    null = "NULL" if column.nullable else "NOT NULL"
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(column.table)} MODIFY COLUMN "
        f"{preparer.format_column(column)} {column.type.compile(conn.dialect)} {null}"
    )


def _alter(conn: sa.Connection, table: sa.Table, before: ColumnSpec, after: ColumnSpec) -> None:
    """``ALTER COLUMN ... TYPE``: identifiers quoted and types compiled by SQLAlchemy."""
    preparer = conn.dialect.identifier_preparer
    column = preparer.quote(after.name)
    new_type = sql_type(after).compile(conn.dialect)
    using = f"{column}::{new_type}"
    if before.kind == "date" and after.kind == "datetime" and after.timezone:
        using = f"{column}::timestamp AT TIME ZONE 'UTC'"  # midnight UTC, whatever the session
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(table)} ALTER COLUMN {column} "
        f"TYPE {new_type} USING {using}"
    )


def _rebuild(
    conn: sa.Connection,
    old: sa.Table,
    new: sa.Table,
    before: ColumnSpec,
    after: ColumnSpec,
    *,
    temporary: bool = False,
) -> None:
    """SQLite: ``old`` copied into a new table defined as ``new``, which then takes its name."""
    name = old.name
    schema = "temp" if temporary else "main"
    # Its indexes and triggers (the load's own and any an operator made), as SQLite keeps them.
    definitions: list[str] = list(
        conn.execute(
            sa.text(
                f"SELECT sql FROM {'sqlite_temp_schema' if temporary else 'sqlite_schema'} "
                "WHERE tbl_name = :name AND type IN ('index', 'trigger') AND sql IS NOT NULL"
            ),
            {"name": name},
        ).scalars()
    )
    building = f"_widen_{name}"[:MAX_IDENTIFIER]
    rebuilt = sa.Table(
        building,
        sa.MetaData(),
        *(sa.Column(c.name, c.type, nullable=c.nullable) for c in new.columns),
        prefixes=["TEMPORARY"] if temporary else [],
    )
    rebuilt.create(conn)
    source = sa.table(name, *(sa.column(c.name) for c in old.columns), schema=schema)
    values = [
        _converted(source.c[c.name], before, after) if c.name == after.name else source.c[c.name]
        for c in old.columns
    ]
    names = [c.name for c in old.columns]
    conn.execute(sa.insert(rebuilt).from_select(names, sa.select(*values)))
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(f"DROP TABLE {schema}.{quote(name)}")
    # Views naming the table are left as they are (not rewritten, nor checked against the
    # dropped table): after the rename they read the new one.
    conn.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        conn.exec_driver_sql(f"ALTER TABLE {schema}.{quote(building)} RENAME TO {quote(name)}")
    finally:
        conn.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for definition in definitions:  # the database's own schema text, naming the table
        conn.exec_driver_sql(definition)


def _like(name: str, order: list[str], specs: dict[str, ColumnSpec]) -> sa.Table:
    """A table of ``specs`` in ``order``, lineage columns where they stood, no index yet."""
    columns: list[sa.Column[Any]] = []
    for column in order:
        if column in LINEAGE_COLUMNS:
            columns.append(sa.Column(column, sa.BigInteger, nullable=False))
        elif column == RESCUED:
            columns.append(sa.Column(column, RESCUED_TYPE))
        else:
            spec = specs[column]
            columns.append(sa.Column(column, sql_type(spec), nullable=spec.nullable))
    return sa.Table(name, sa.MetaData(), *columns)


def _converted(
    column: sa.ColumnClause[Any], before: ColumnSpec, after: ColumnSpec
) -> sa.ColumnElement[Any]:
    """``column``'s stored value in ``after``'s SQLite storage format, exactly."""
    text = sa.cast(column, sa.Text)
    if after.kind == "decimal":
        old_scale, new_scale = (before.scale or 0), (after.scale or 0)
        if new_scale == old_scale:
            return text
        pad = "0" * (new_scale - old_scale)
        return text + sa.literal(pad if old_scale else "." + pad)
    if after.kind == "datetime" and before.kind == "date":
        return text + sa.literal(" 00:00:00.000000")
    if after.kind == "string":
        return text
    raise LoadError(f"no exact way to store {before.sql_type} as {after.sql_type}")
